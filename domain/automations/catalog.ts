import type { Trigger } from '../trigger';
import { campaignSegmentation } from './campaign-segmentation';
import { followUpSequence } from './follow-up-sequence';
import { inactiveContactReview } from './inactive-contact-review';
import { rewardOffer } from './reward-offer';
import { webhookNotify } from './webhook-notify';

/** Every automation Pulse ships. A new one is a declaration here and its workflow in workflows/automations/. */
export const AUTOMATIONS = [
  followUpSequence,
  rewardOffer,
  campaignSegmentation,
  inactiveContactReview,
  webhookNotify,
] as const;

export type Automation = (typeof AUTOMATIONS)[number];
export type AutomationName = Automation['name'];
export type AutomationWorkflowType = Automation['workflowType'];

export const AUTOMATION_NAMES: readonly AutomationName[] = AUTOMATIONS.map((a) => a.name);

/** The automation a trigger names, or undefined for a name not (or no longer) shipped. */
export function findAutomation(name: string): Automation | undefined {
  return AUTOMATIONS.find((a) => a.name === name);
}

export interface ReferenceProblem {
  /** Path within the trigger, e.g. `automation` or `input.bands.0.campaignId`. */
  path: string;
  message: string;
}

/**
 * A trigger must name a shipped automation and give it input that automation accepts. An
 * automation of the user's own takes its `input` as it is: its own worker checks it.
 */
export function automationReferenceProblems(trigger: Trigger): ReferenceProblem[] {
  if (typeof trigger.automation !== 'string') return [];
  const automation = findAutomation(trigger.automation);
  if (!automation) {
    return [
      {
        path: 'automation',
        message: `unknown automation "${trigger.automation}"; one of: ${AUTOMATION_NAMES.join(', ')}`,
      },
    ];
  }
  const result = automation.params.safeParse(trigger.input);
  if (result.success) return [];
  return result.error.issues.map((issue) => ({
    path: ['input', ...issue.path.map(String)].join('.'),
    message: issue.message,
  }));
}
