import { automationReferenceProblems } from '../../domain/automations/catalog';
import type { Trigger } from '../../domain/trigger';
import { HttpError } from '../http-error';

export function validateAutomationReference(trigger: Trigger): void {
  const problems = automationReferenceProblems(trigger).map((p) => ({
    path: `body.${p.path}`,
    message: p.message,
  }));
  if (problems.length > 0)
    throw new HttpError(400, 'Invalid request', `${problems[0]!.path}: ${problems[0]!.message}`, problems);
}
