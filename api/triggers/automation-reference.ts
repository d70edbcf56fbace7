import { automationParamsSchemas } from '../../domain/automation-params';
import type { Trigger } from '../../domain/trigger';
import { AUTOMATION_NAMES, isAutomationName } from '../../workflows/automations/registry';
import { HttpError } from '../http-error';

/** A trigger must name a registered automation and give it input that automation accepts. */
export function validateAutomationReference(trigger: Trigger): void {
  if (!isAutomationName(trigger.automation)) {
    const message = `unknown automation "${trigger.automation}"; one of: ${AUTOMATION_NAMES.join(', ')}`;
    throw new HttpError(400, 'Invalid request', `body.automation: ${message}`, [
      { path: 'body.automation', message },
    ]);
  }
  const result = automationParamsSchemas[trigger.automation].safeParse(trigger.input);
  if (!result.success) {
    const errors = result.error.issues.map((issue) => ({
      path: ['body', 'input', ...issue.path.map(String)].join('.'),
      message: issue.message,
    }));
    throw new HttpError(400, 'Invalid request', `${errors[0]!.path}: ${errors[0]!.message}`, errors);
  }
}
