/**
 * What the contact workflow asks for when a trigger fires, and what it gets back: the local
 * activity's input and result (workflows/automations/start-automation.ts decides the start,
 * clients/automation-start.ts makes it). Plain values only, so the request reads the same in the
 * history whichever SDK version replays it.
 */
export interface AutomationStartRequest {
  workflowType: string;
  /** Derived from the contact, the trigger and the fire count: a repeated start names the same execution. */
  workflowId: string;
  taskQueue: string;
  input: unknown;
  staticSummary: string;
  staticDetails: string;
  searchAttributes: AutomationSearchAttributeValues;
}

/** The values of the search attributes every automation carries (workflows/search-attributes.ts). */
export interface AutomationSearchAttributeValues {
  accountId: string;
  contactId: string;
  triggerId: string;
  /** The registry name (a shipped automation) or the workflow type (one of the user's own). */
  automation: string;
}

export interface AutomationStartResult {
  workflowId: string;
  /** False when an execution of that id exists or existed: the fire was started before. */
  started: boolean;
}

/** The type of the failure thrown when the server refuses the start for good (a retry cannot help). */
export const AUTOMATION_START_REFUSED = 'AutomationStartRefused';
