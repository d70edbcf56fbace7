import { ServiceError, WorkflowExecutionAlreadyStartedError, type Client } from '@temporalio/client';
import { ApplicationFailure, WorkflowIdReusePolicy } from '@temporalio/common';
import { GRPC_STATUS, grpcCodeOf } from '../config/temporal';
import {
  accountAttribute,
  automationAttribute,
  contactAttribute,
  triggerAttribute,
} from '../workflows/search-attributes';

/**
 * The one way an automation is started: what the contact workflow decided when a trigger fired
 * (workflows/automations/start-automation.ts), carried here by a local activity. Plain values
 * only, so the request is the same in the history whichever SDK version replays it.
 */
export interface AutomationStartRequest {
  workflowType: string;
  /** Derived from the contact, the trigger and the fire count: a repeated start names the same execution. */
  workflowId: string;
  taskQueue: string;
  input: unknown;
  staticSummary: string;
  staticDetails: string;
  searchAttributes: { accountId: string; contactId: string; triggerId: string; automation: string };
}

export interface AutomationStartResult {
  workflowId: string;
  /** False when an execution of that id exists or existed: the fire was started before. */
  started: boolean;
}

/** The type of the failure thrown when the server refuses the start for good (a retry cannot help). */
export const AUTOMATION_START_REFUSED = 'AutomationStartRefused';

/**
 * Starts the automation unless an execution of its id exists or existed (REJECT_DUPLICATE: a Reset
 * of the contact workflow re-runs a fire after the automation may have finished, and a Terminate
 * forgets fire counts, so a later fire can reuse an id). Safe to repeat: that is what makes the
 * local activity that calls it safe to retry.
 */
export async function startAutomationOnce(
  client: Client,
  request: AutomationStartRequest,
): Promise<AutomationStartResult> {
  const { accountId, contactId, triggerId, automation } = request.searchAttributes;
  try {
    await client.workflow.start(request.workflowType, {
      workflowId: request.workflowId,
      taskQueue: request.taskQueue,
      args: [request.input],
      workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
      staticSummary: request.staticSummary,
      staticDetails: request.staticDetails,
      typedSearchAttributes: [
        { key: accountAttribute, value: accountId },
        { key: contactAttribute, value: contactId },
        { key: triggerAttribute, value: triggerId },
        { key: automationAttribute, value: automation },
      ],
    });
    return { workflowId: request.workflowId, started: true };
  } catch (err) {
    if (err instanceof WorkflowExecutionAlreadyStartedError)
      return { workflowId: request.workflowId, started: false };
    // A request the server calls invalid (an id or a value past its limits) is invalid on every
    // try; retrying it would hold the contact's workflow on this fire forever.
    if (err instanceof ServiceError && grpcCodeOf(err) === GRPC_STATUS.INVALID_ARGUMENT) {
      throw ApplicationFailure.nonRetryable(
        `the server refused to start ${request.workflowId}: ${err.cause?.message ?? err.message}`,
        AUTOMATION_START_REFUSED,
      );
    }
    throw err;
  }
}
