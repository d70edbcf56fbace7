import type { AutomationInput } from '../../domain/actions';
import { inactiveContactReview } from '../../domain/automations/inactive-contact-review';
import type { AutomationStatus } from '../../domain/automation-status';
import { actions } from './action-proxies';
import { beginAutomation, readParams } from './automation-run';

/**
 * Data cleaning for a contact whose score is empty: tag it for review and, if asked, take it out
 * of active campaigns. It sends nothing, so do-not-disturb does not stop it.
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
    await automation.act('tag', (actionKey) =>
      actions.addTag({ ...contact, actionKey, tag: params.reviewTag }),
    );
    for (const campaignId of params.leaveCampaigns) {
      await automation.act(leaveStep(campaignId), (actionKey) =>
        actions.removeFromCampaign({ ...contact, actionKey, campaignId }),
      );
    }
  });
}
