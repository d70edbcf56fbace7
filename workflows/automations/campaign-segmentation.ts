import type { AutomationInput } from '../../domain/actions';
import { bandFor, campaignSegmentation } from '../../domain/automations/campaign-segmentation';
import type { AutomationStatus } from '../../domain/automation-status';
import { actions } from './action-proxies';
import { beginAutomation, readParams } from './automation-run';

/**
 * Puts the contact in the campaign of the score band the trigger's score falls in, and takes it
 * out of the other bands' campaigns (all of them when the score is in no band, e.g. empty). It
 * sends nothing itself, so do-not-disturb does not stop it: campaigns check channels when they send.
 */
export async function campaignSegmentationWorkflow(input: AutomationInput): Promise<AutomationStatus> {
  const { bands } = readParams(campaignSegmentation, input);
  const target = bandFor(bands, input.score)?.campaignId;
  const leave = [...new Set(bands.map((b) => b.campaignId))].filter((id) => id !== target);
  const addStep = (id: string) => `add-to-campaign:${id}`;
  const removeStep = (id: string) => `remove-from-campaign:${id}`;
  const automation = beginAutomation(campaignSegmentation, input, [
    ...(target === undefined ? [] : [addStep(target)]),
    ...leave.map(removeStep),
  ]);
  const { contact } = automation;

  return automation.run(async () => {
    if (bands.length === 0) {
      automation.skip('segment', 'no_bands');
      return;
    }
    if (target === undefined)
      automation.skip('segment', 'no_band', `score ${input.score ?? 'empty'} is in no band`);
    // Into the new campaign first, so the contact is never in none of them on the way.
    if (target !== undefined) {
      const campaignId = target;
      await automation.act(addStep(campaignId), (actionKey) =>
        actions.addToCampaign({ ...contact, actionKey, campaignId }),
      );
    }
    for (const campaignId of leave) {
      await automation.act(removeStep(campaignId), (actionKey) =>
        actions.removeFromCampaign({ ...contact, actionKey, campaignId }),
      );
    }
  });
}
