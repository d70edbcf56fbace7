import type { AutomationInput } from '../../domain/actions';
import { rewardOffer } from '../../domain/automations/reward-offer';
import type { AutomationStatus } from '../../domain/automation-status';
import { actions } from './action-proxies';
import { beginAutomation, readParams } from './automation-run';

/** The score reached a high threshold: send an exclusive offer and tag the contact as rewarded. */
export async function rewardOfferWorkflow(input: AutomationInput): Promise<AutomationStatus> {
  const params = readParams(rewardOffer, input);
  const automation = beginAutomation(rewardOffer, input, ['email', 'tag']);
  const { contact } = automation;

  return automation.run(async () => {
    await automation.send('email', (actionKey) =>
      actions.sendEmail({ ...contact, actionKey, subject: params.emailSubject, text: params.emailText }),
    );
    await automation.act('tag', (actionKey) => actions.addTag({ ...contact, actionKey, tag: params.tag }));
  });
}
