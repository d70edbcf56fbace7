import type { AutomationInput } from '../../domain/actions';
import { rewardOffer } from '../../domain/automations/reward-offer';
import type { AutomationStatus } from '../../domain/automation-status';
import { beginAutomation, readParams } from './automation-run';

/** The score reached a high threshold: send an exclusive offer and tag the contact as rewarded. */
export async function rewardOfferWorkflow(input: AutomationInput): Promise<AutomationStatus> {
  const params = readParams(rewardOffer, input);
  const automation = beginAutomation(rewardOffer, input, ['email', 'tag']);
  const { contact } = automation;

  return automation.run(async () => {
    await automation.email(
      'email',
      { subject: params.emailSubject, text: params.emailText },
      `Send reward email to ${contact.contactId}`,
    );
    await automation.act(
      'tag',
      (actionKey, labelled) => labelled.addTag({ ...contact, actionKey, tag: params.tag }),
      `Tag ${contact.contactId} as ${params.tag}`,
    );
  });
}
