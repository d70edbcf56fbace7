import { ServiceError, WorkflowExecutionAlreadyStartedError, type Client } from '@temporalio/client';
import { ApplicationFailure, WorkflowIdReusePolicy } from '@temporalio/common';
import { GRPC_STATUS, grpcCodeOf } from '../config/temporal';
import {
  AUTOMATION_START_REFUSED,
  type AutomationStartRequest,
  type AutomationStartResult,
} from '../domain/automation-start';
import { automationSearchAttributes } from '../workflows/search-attributes';

/**
 * The one way an automation is started: what the contact workflow decided when a trigger fired,
 * carried here by a local activity (activities/start-automation.ts). Starts it unless an
 * execution of its id exists or existed (REJECT_DUPLICATE: a Reset of the contact workflow re-runs
 * a fire after the automation may have finished, and a Terminate forgets fire counts, so a later
 * fire can reuse an id). Safe to repeat: that is what makes the local activity that calls it safe
 * to retry.
 */
export async function startAutomationOnce(
  client: Client,
  request: AutomationStartRequest,
): Promise<AutomationStartResult> {
  try {
    await client.workflow.start(request.workflowType, {
      workflowId: request.workflowId,
      taskQueue: request.taskQueue,
      args: [request.input],
      workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
      staticSummary: request.staticSummary,
      staticDetails: request.staticDetails,
      typedSearchAttributes: automationSearchAttributes(request.searchAttributes),
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
