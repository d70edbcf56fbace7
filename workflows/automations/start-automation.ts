import { log, ParentClosePolicy, patched, startChild, workflowInfo } from '@temporalio/workflow';
import { WorkflowExecutionAlreadyStartedError, WorkflowIdReusePolicy } from '@temporalio/common';
import type { AutomationInput } from '../../domain/actions';
import { automationWorkflowId } from '../../domain/automation-ids';
import { findAutomation } from '../../domain/automations/catalog';
import { automationExecutionText } from '../../domain/execution-summaries';
import type { Fire } from '../contact-state';
import {
  accountAttribute,
  automationAttribute,
  contactAttribute,
  triggerAttribute,
} from '../search-attributes';

/** Patch id of REJECT_DUPLICATE on automation children (histories of v0.1.0 start them without it). */
export const REJECT_DUPLICATE_AUTOMATIONS = 'automation-child-reject-duplicate';

/**
 * Starts the automation a trigger fired, as a child of the contact workflow. The child id is
 * derived from the contact, the trigger and the fire count, so a replayed or retried start names
 * the same execution: "already started" means it was started, once. ABANDON: an automation
 * outlives this run's continue-as-new. REJECT_DUPLICATE: a Reset of the contact workflow re-runs
 * the fire with the same id after the automation may have finished, and a Terminate forgets fire
 * counts, so a later fire can reuse an id; the server's default (ALLOW_DUPLICATE) would then
 * start the automation a second time. Returns the automation's workflow id.
 */
export async function startAutomation(
  contact: { accountId: string; contactId: string },
  { trigger, fire, fireNumber }: Fire,
): Promise<string> {
  const workflowId = automationWorkflowId(workflowInfo().workflowId, fire.triggerId, fireNumber);
  const automation = findAutomation(fire.automation);
  if (!automation) {
    // The API refuses unknown names; one can still vanish from the catalog in a later release.
    log.warn('trigger names an unknown automation; not started', {
      triggerId: fire.triggerId,
      automation: fire.automation,
    });
    return workflowId;
  }
  const input: AutomationInput = {
    accountId: contact.accountId,
    contactId: contact.contactId,
    triggerId: fire.triggerId,
    profileId: fire.profileId,
    score: fire.score,
    // Automations that compare against the trigger's threshold (a follow-up's "recovered") get it.
    ...('value' in trigger.condition && { threshold: trigger.condition.value }),
    params: fire.input,
  };
  const rejectDuplicate = patched(REJECT_DUPLICATE_AUTOMATIONS);
  try {
    await startChild(automation.workflowType, {
      workflowId,
      args: [input],
      parentClosePolicy: ParentClosePolicy.ABANDON,
      ...(rejectDuplicate && { workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE }),
      ...automationExecutionText(input, {
        automation: fire.automation,
        purpose: automation.summary,
        condition: [trigger.condition.op, trigger.condition.value].filter((v) => v !== undefined).join(' '),
      }),
      typedSearchAttributes: [
        { key: accountAttribute, value: contact.accountId },
        { key: contactAttribute, value: contact.contactId },
        { key: triggerAttribute, value: fire.triggerId },
        { key: automationAttribute, value: fire.automation },
      ],
    });
  } catch (err) {
    if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
  }
  return workflowId;
}
