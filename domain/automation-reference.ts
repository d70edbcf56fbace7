import { automationParamsSchemas } from './automation-params';
import type { Trigger } from './trigger';
import { AUTOMATION_NAMES, isAutomationName } from '../workflows/automations/registry';

export interface ReferenceProblem {
  /** Path within the trigger, e.g. `automation` or `input.bands.0.campaignId`. */
  path: string;
  message: string;
}

/** A trigger must name a registered automation and give it input that automation accepts. */
export function automationReferenceProblems(trigger: Trigger): ReferenceProblem[] {
  if (!isAutomationName(trigger.automation)) {
    return [
      {
        path: 'automation',
        message: `unknown automation "${trigger.automation}"; one of: ${AUTOMATION_NAMES.join(', ')}`,
      },
    ];
  }
  const result = automationParamsSchemas[trigger.automation].safeParse(trigger.input);
  if (result.success) return [];
  return result.error.issues.map((issue) => ({
    path: ['input', ...issue.path.map(String)].join('.'),
    message: issue.message,
  }));
}
