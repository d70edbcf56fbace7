import type { AutomationInput } from '../../domain/actions';
import { webhookNotify } from '../../domain/automations/webhook-notify';
import type { AutomationStatus } from '../../domain/automation-status';
import { webhookActions } from './action-proxies';
import { beginAutomation, readParams } from './automation-run';

/**
 * Tells the account's own systems that a trigger fired: one signed POST (activities/actions/webhook.ts)
 * carrying the contact, the trigger, the profile and the score. The event's time is the workflow's,
 * so every retry sends the same body. Not a message to the contact: do-not-disturb does not stop it.
 */
export async function webhookNotifyWorkflow(input: AutomationInput): Promise<AutomationStatus> {
  const params = readParams(webhookNotify, input);
  const automation = beginAutomation(webhookNotify, input, ['webhook']);
  const { contact } = automation;
  const occurredAt = new Date().toISOString();

  return automation.run(async () => {
    await automation.act('webhook', (actionKey) =>
      webhookActions(`POST ${params.event} for ${contact.contactId}`).sendWebhook({
        ...contact,
        actionKey,
        url: params.url,
        event: params.event,
        occurredAt,
        data: {
          triggerId: input.triggerId,
          profileId: input.profileId,
          score: input.score,
          ...(input.threshold === undefined ? {} : { threshold: input.threshold }),
        },
      }),
    );
  });
}
