import type { AutomationInput } from '../../domain/actions';
import { followUpSequence, hasRecovered } from '../../domain/automations/follow-up-sequence';
import { blocksAllChannels, type AutomationStatus } from '../../domain/automation-status';
import { actionsSummarised } from './action-proxies';
import { beginAutomation, readParams } from './automation-run';

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * The score dropped below a threshold: email now, wait, and if the score has not recovered by
 * then, text the contact and give their owner a task to get in touch.
 */
export async function followUpSequenceWorkflow(input: AutomationInput): Promise<AutomationStatus> {
  const params = readParams(followUpSequence, input);
  const automation = beginAutomation(followUpSequence, input, [
    'email',
    'wait',
    'check-score',
    'sms',
    'task',
  ]);
  const { contact } = automation;

  return automation.run(async () => {
    await automation.email(
      'email',
      { subject: params.emailSubject, text: params.emailText },
      `Send follow-up email to ${contact.contactId}`,
    );

    const days = `${params.waitDays} day${params.waitDays === 1 ? '' : 's'}`;
    await automation.wait('wait', params.waitDays * DAY_MS, days, `Wait ${days} before the SMS`);

    const now = await actionsSummarised(
      'Read the score and do-not-disturb channels now',
    ).readContactForAutomation(contact);
    if (!now.exists) automation.stop('contact_not_found');
    // The signal may have been missed (it went to a contact workflow run that had not started us yet).
    if (blocksAllChannels(now.dndChannels)) automation.stop('dnd_all', 'contact record');
    const score = now.scores[input.profileId] ?? null;
    const recoveredAt = params.recoveredAt ?? input.threshold;
    const comparison = `score ${score ?? 'empty'} vs recovery at ${recoveredAt ?? 'unset'}`;
    if (hasRecovered(score, recoveredAt)) {
      automation.done('check-score', comparison);
      automation.skipRest('recovered', comparison);
      return;
    }
    automation.done('check-score', comparison);

    await automation.send(
      'sms',
      (actionKey, labelled) => labelled.sendSms({ ...contact, actionKey, text: params.smsText }),
      `Send follow-up SMS to ${contact.contactId} (${comparison})`,
    );
    await automation.send(
      'task',
      (actionKey, labelled) =>
        labelled.createTask({
          ...contact,
          actionKey,
          title: params.taskTitle,
          ...(params.taskAssignee === undefined ? {} : { assignee: params.taskAssignee }),
        }),
      `Create task "${params.taskTitle}"${params.taskAssignee === undefined ? '' : ` for ${params.taskAssignee}`}`,
    );
  });
}
