import type { AutomationInput } from '../../domain/actions';
import { campaignSegmentation } from '../../domain/automations/campaign-segmentation';
import type { AutomationStatus } from '../../domain/automation-status';
import { beginAutomation, readParams } from './automation-run';

/**
 * Puts the contact in the campaign of the score band its score falls in, and takes it out of the
 * other bands' campaigns (all of them when the score is in no band, e.g. empty). The band is read
 * when the step runs, from the contact's current score, in one transaction: of two runs that
 * overlap, the one that acts last acts on the latest score, so an older run can never undo a
 * newer one. It sends nothing itself, so do-not-disturb does not stop it: campaigns check
 * channels when they send.
 */
export async function campaignSegmentationWorkflow(input: AutomationInput): Promise<AutomationStatus> {
  const { bands } = readParams(campaignSegmentation, input);
  const automation = beginAutomation(campaignSegmentation, input, ['segment']);
  const { contact } = automation;

  return automation.run(async () => {
    await automation.act('segment', (actionKey, labelled) =>
      labelled.segmentByCurrentScore({ ...contact, actionKey, profileId: input.profileId, bands }),
    );
  });
}
