import type * as automations from './index';

/**
 * Trigger `automation` name → the workflow type the contact workflow starts as a child. The
 * names are what API callers write in a trigger; the workflow types are checked against the
 * exported workflows at compile time.
 */
export const AUTOMATIONS = {
  follow_up_sequence: 'followUpSequenceWorkflow',
  reward_offer: 'rewardOfferWorkflow',
  campaign_segmentation: 'campaignSegmentationWorkflow',
  inactive_contact_review: 'inactiveContactReviewWorkflow',
} as const satisfies Record<string, keyof typeof automations>;

export type AutomationName = keyof typeof AUTOMATIONS;
export type AutomationWorkflowType = (typeof AUTOMATIONS)[AutomationName];

export const AUTOMATION_NAMES = Object.keys(AUTOMATIONS) as AutomationName[];

export function isAutomationName(name: string): name is AutomationName {
  // Own keys only: "constructor" is a valid snake_case name and must not find Object.prototype's.
  return Object.hasOwn(AUTOMATIONS, name);
}

/** The workflow type for a trigger's automation name, or undefined for a name not (or no longer) registered. */
export function automationWorkflowType(name: string): AutomationWorkflowType | undefined {
  return isAutomationName(name) ? AUTOMATIONS[name] : undefined;
}
