import { log, ParentClosePolicy, startChild, workflowInfo } from '@temporalio/workflow';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import type { AutomationInput } from '../../domain/actions';
import { findAutomation } from '../../domain/automations/catalog';
import type { Fire } from '../contact-state';
import {
  accountAttribute,
  automationAttribute,
  contactAttribute,
  triggerAttribute,
} from '../search-attributes';

/**
 * Starts the automation a trigger fired, as a child of the contact workflow. The child id is
 * derived from the contact, the trigger and the fire count, so a replayed or retried start names
 * the same execution: "already started" means it was started, once. ABANDON: an automation
 * outlives this run's continue-as-new. Returns the automation's workflow id.
 */
export async function startAutomation(
  contact: { accountId: string; contactId: string },
  { trigger, fire, fireNumber }: Fire,
): Promise<string> {
  const workflowId = `${workflowInfo().workflowId}/trigger:${fire.triggerId}/${fireNumber}`;
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
  try {
    await startChild(automation.workflowType, {
      workflowId,
      args: [input],
      parentClosePolicy: ParentClosePolicy.ABANDON,
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
