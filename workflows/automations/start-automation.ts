import {
  log,
  ParentClosePolicy,
  startChild,
  workflowInfo,
  type ChildWorkflowOptions,
} from '@temporalio/workflow';
import { WorkflowExecutionAlreadyStartedError, WorkflowIdReusePolicy } from '@temporalio/common';
import type { AutomationInput } from '../../domain/actions';
import { automationWorkflowId } from '../../domain/automation-ids';
import { findAutomation } from '../../domain/automations/catalog';
import {
  EXTERNAL_AUTOMATION_INPUT_VERSION,
  type ExternalAutomation,
  type ExternalAutomationInput,
} from '../../domain/automations/external';
import { automationExecutionText } from '../../domain/execution-summaries';
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
 * outlives this run's continue-as-new. REJECT_DUPLICATE: a Reset of the contact workflow re-runs
 * the fire with the same id after the automation may have finished, and a Terminate forgets fire
 * counts, so a later fire can reuse an id; the server's default (ALLOW_DUPLICATE) would then
 * start the automation a second time. Returns the automation's workflow id.
 *
 * An automation of the user's own (`{ workflowType, taskQueue }`) is started the same way on its
 * own task queue. Only triggers saved since that form existed take that branch, so the command
 * of a shipped automation's start, and every recorded history, stays as it was.
 */
export async function startAutomation(
  contact: { accountId: string; contactId: string },
  { trigger, fire, fireNumber }: Fire,
): Promise<string> {
  const workflowId = automationWorkflowId(workflowInfo().workflowId, fire.triggerId, fireNumber);
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
  const condition = [trigger.condition.op, trigger.condition.value].filter((v) => v !== undefined).join(' ');
  if (typeof fire.automation !== 'string') {
    await startExternalAutomation(workflowId, fire.automation, { ...input, fireNumber }, condition);
    return workflowId;
  }
  const automation = findAutomation(fire.automation);
  if (!automation) {
    // The API refuses unknown names; one can still vanish from the catalog in a later release.
    log.warn('trigger names an unknown automation; not started', {
      triggerId: fire.triggerId,
      automation: fire.automation,
    });
    return workflowId;
  }
  await startChildOnce(automation.workflowType, {
    workflowId,
    args: [input],
    parentClosePolicy: ParentClosePolicy.ABANDON,
    // A re-run fire (a Reset to before it) must not start a finished automation a second time.
    workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
    ...automationExecutionText(input, {
      automation: fire.automation,
      purpose: automation.summary,
      condition,
    }),
    typedSearchAttributes: searchAttributes(input, fire.automation),
  });
  return workflowId;
}

/** The user's own workflow, on the task queue their worker polls, with the versioned input. */
async function startExternalAutomation(
  workflowId: string,
  { workflowType, taskQueue }: ExternalAutomation,
  fields: AutomationInput & { fireNumber: number },
  condition: string,
): Promise<void> {
  const input: ExternalAutomationInput = { version: EXTERNAL_AUTOMATION_INPUT_VERSION, ...fields };
  await startChildOnce(workflowType, {
    workflowId,
    taskQueue,
    args: [input],
    parentClosePolicy: ParentClosePolicy.ABANDON,
    // A re-run fire (a Reset to before it) must not start a finished automation a second time.
    workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
    ...automationExecutionText(input, {
      automation: workflowType,
      purpose: `an automation of your own, served by the workers of task queue \`${taskQueue}\``,
      condition,
    }),
    typedSearchAttributes: searchAttributes(input, workflowType),
  });
}

function searchAttributes(
  input: AutomationInput,
  automation: string,
): NonNullable<ChildWorkflowOptions['typedSearchAttributes']> {
  return [
    { key: accountAttribute, value: input.accountId },
    { key: contactAttribute, value: input.contactId },
    { key: triggerAttribute, value: input.triggerId },
    { key: automationAttribute, value: automation },
  ];
}

async function startChildOnce(
  workflowType: string,
  options: ChildWorkflowOptions & { args: [AutomationInput] },
): Promise<void> {
  try {
    await startChild(workflowType, options);
  } catch (err) {
    if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
  }
}
