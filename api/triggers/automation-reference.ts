import { automationReferenceProblems } from '../../domain/automations/catalog';
import type { Trigger } from '../../domain/trigger';
import { HttpError } from '../http-error';

/**
 * `pulseTaskQueue`: an automation of the user's own on Pulse's task queue would be handed to
 * Pulse's workers, which do not know its type and would retry its first task forever.
 */
export function validateAutomationReference(trigger: Trigger, pulseTaskQueue: string): void {
  const problems = automationReferenceProblems(trigger).map((p) => ({
    path: `body.${p.path}`,
    message: p.message,
  }));
  if (typeof trigger.automation !== 'string' && trigger.automation.taskQueue === pulseTaskQueue)
    problems.push({
      path: 'body.automation.taskQueue',
      message: `is Pulse's own task queue; your worker needs a queue of its own (a shipped automation is named by a string)`,
    });
  if (problems.length > 0)
    throw new HttpError(400, 'Invalid request', `${problems[0]!.path}: ${problems[0]!.message}`, problems);
}
