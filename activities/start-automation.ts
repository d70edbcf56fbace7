import { Context } from '@temporalio/activity';
import { startAutomationOnce } from '../clients/automation-start';
import type { AutomationStartRequest, AutomationStartResult } from '../domain/automation-start';

/**
 * Starts the automation a trigger fired, with the worker's own client. The contact workflow runs
 * it as a local activity inside the workflow task that fired: a child start would cost the
 * contact two more workflow tasks (started, then completed) for every automation.
 */
export function startAutomationWorkflow(request: AutomationStartRequest): Promise<AutomationStartResult> {
  return startAutomationOnce(Context.current().client, request);
}
