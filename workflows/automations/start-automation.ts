import {
  ActivityFailure,
  ApplicationFailure,
  log,
  ParentClosePolicy,
  patched,
  proxyLocalActivities,
  startChild,
  workflowInfo,
  type ChildWorkflowOptions,
} from '@temporalio/workflow';
import { WorkflowExecutionAlreadyStartedError, WorkflowIdReusePolicy } from '@temporalio/common';
import type * as activities from '../../activities';
import type { AutomationInput } from '../../domain/actions';
import { AUTOMATION_START_REFUSED, type AutomationStartRequest } from '../../domain/automation-start';
import { automationWorkflowId } from '../../domain/automation-ids';
import { findAutomation } from '../../domain/automations/catalog';
import {
  EXTERNAL_AUTOMATION_INPUT_VERSION,
  type ExternalAutomation,
  type ExternalAutomationInput,
} from '../../domain/automations/external';
import { automationExecutionText, automationStartedByLine, oneLine } from '../../domain/execution-summaries';
import type { Fire } from '../contact-state';
import { automationSearchAttributes } from '../search-attributes';

/**
 * Automations are started by a local activity with the worker's client, inside the workflow task
 * that fired, instead of as children: a child cost the contact workflow two more workflow tasks
 * per automation (its start, then its completion, both reported to the parent). Executions
 * started before (v0.1.0) started children and keep doing so when they replay.
 */
export const AUTOMATIONS_STARTED_BY_LOCAL_ACTIVITY = 'automations-started-by-local-activity';

const { startAutomationWorkflow } = proxyLocalActivities<ReturnType<typeof activities.createActivities>>({
  startToCloseTimeout: '10 seconds',
  // Temporal being away is the common failure: keep trying, backing off; past a minute the
  // retries wait on durable timers. A start the server refuses as invalid is final at once.
  retry: {
    initialInterval: '1 second',
    backoffCoefficient: 2,
    maximumInterval: '30 seconds',
    nonRetryableErrorTypes: [AUTOMATION_START_REFUSED],
  },
});

/**
 * Starts the automation a trigger fired. Its id is derived from the contact, the trigger and the
 * fire count, so a replayed or retried start names the same execution: "already started" means it
 * was started, once. REJECT_DUPLICATE: a Reset of the contact workflow re-runs the fire with the
 * same id after the automation may have finished, and a Terminate forgets fire counts, so a later
 * fire can reuse an id; the server's default (ALLOW_DUPLICATE) would then start the automation a
 * second time. An automation is no child of the contact workflow (see the patch above); in runs
 * that started children, ABANDON let an automation outlive the run's continue-as-new. Returns the
 * automation's workflow id.
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
  await startChildOnce(automation.workflowType, fire.automation, fireNumber, {
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
    typedSearchAttributes: automationSearchAttributes({ ...input, automation: fire.automation }),
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
  await startChildOnce(workflowType, workflowType, fields.fireNumber, {
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
    typedSearchAttributes: automationSearchAttributes({ ...input, automation: workflowType }),
  });
}

/** `automation`: the registry name (a shipped automation) or the workflow type (one of the user's own). */
async function startChildOnce(
  workflowType: string,
  automation: string,
  fireNumber: number,
  options: ChildWorkflowOptions & { args: [AutomationInput]; workflowId: string },
): Promise<void> {
  if (patched(AUTOMATIONS_STARTED_BY_LOCAL_ACTIVITY))
    return startOutside(workflowType, automation, fireNumber, options);
  try {
    await startChild(workflowType, options);
  } catch (err) {
    if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
  }
}

/** The same start, made by the worker's client: same id, task queue, input, texts and attributes. */
async function startOutside(
  workflowType: string,
  automation: string,
  fireNumber: number,
  options: ChildWorkflowOptions & { args: [AutomationInput]; workflowId: string },
): Promise<void> {
  const [input] = options.args;
  const request: AutomationStartRequest = {
    workflowType,
    workflowId: options.workflowId,
    taskQueue: options.taskQueue ?? workflowInfo().taskQueue,
    input,
    staticSummary: options.staticSummary ?? '',
    staticDetails: [options.staticDetails, automationStartedByLine(workflowInfo().workflowId, fireNumber)]
      .filter((line) => line !== undefined)
      .join('\n'),
    searchAttributes: {
      accountId: input.accountId,
      contactId: input.contactId,
      triggerId: input.triggerId,
      automation,
    },
  };
  try {
    await startAutomationWorkflow.executeWithOptions(
      { summary: oneLine(`Start ${workflowType} ${options.workflowId}`) },
      [request],
    );
  } catch (err) {
    // Refused as invalid: no retry can start it, and holding the contact's scoring on it would
    // wedge the contact. Said loudly; the fire stays counted, as a start the server refused would.
    const failure = err instanceof ActivityFailure ? err.cause : err;
    if (!(failure instanceof ApplicationFailure && failure.type === AUTOMATION_START_REFUSED)) throw err;
    log.error('automation start refused; not started', {
      workflowId: options.workflowId,
      error: failure.message,
    });
  }
}
