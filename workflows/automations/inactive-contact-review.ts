import type { AutomationInput } from '../../domain/actions';
import { inactiveContactReview } from '../../domain/automations/inactive-contact-review';
import type { AutomationStatus } from '../../domain/automation-status';
import { beginAutomation, readParams } from './automation-run';

/**
 * Data cleaning for a contact whose score is empty: tag it for review and, if asked, take it out
 * of active campaigns. It sends nothing, so do-not-disturb does not stop it. Leaving a campaign
 * is state, so it waits for nothing stale: each leave re-checks the trigger's condition on the
 * current score (a contact that recovered meanwhile stays where a newer segmentation put it).
 */
export async function inactiveContactReviewWorkflow(input: AutomationInput): Promise<AutomationStatus> {
  const params = readParams(inactiveContactReview, input);
  const leaveStep = (id: string) => `leave-campaign:${id}`;
  const automation = beginAutomation(inactiveContactReview, input, [
    'tag',
    ...params.leaveCampaigns.map(leaveStep),
  ]);
  const { contact } = automation;

  return automation.run(async () => {
    await automation.act(
      'tag',
      (actionKey, labelled) => labelled.addTag({ ...contact, actionKey, tag: params.reviewTag }),
      `Tag ${contact.contactId} for review as ${params.reviewTag}`,
    );
    for (const campaignId of params.leaveCampaigns) {
      await automation.act(
        leaveStep(campaignId),
        (actionKey, labelled) =>
          labelled.leaveCampaignUnlessRecovered({
            ...contact,
            actionKey,
            campaignId,
            triggerId: input.triggerId,
          }),
        `Take ${contact.contactId} out of campaign ${campaignId} unless no longer inactive`,
      );
    }
  });
}
