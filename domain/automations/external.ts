import { z } from 'zod';

/**
 * Automations Pulse does not ship: a workflow type served by the user's own worker, in any
 * Temporal SDK, on a task queue of the same namespace. Pulse starts it exactly as it starts its
 * own (a child of the contact workflow, same derived id, ABANDON, same search attributes) and
 * hands it the versioned input below. The names become part of Temporal commands and of the
 * UI's filters, so they are kept to characters every SDK and shell takes as they are.
 */
const SAFE_NAME = /^[A-Za-z0-9_][A-Za-z0-9_.:-]*$/;
const SAFE_NAME_RULE = 'letters, digits and _ . : - only, starting with a letter, digit or _';

export const externalAutomationSchema = z
  .strictObject({
    workflowType: z
      .string()
      .min(1, 'required: the workflow type your worker registers')
      .max(200)
      .regex(SAFE_NAME, SAFE_NAME_RULE)
      .describe('the workflow type your worker registers, e.g. `GrantWelcomeBonus`'),
    taskQueue: z
      .string()
      .min(1, 'required: the task queue your worker polls')
      .max(200)
      .regex(SAFE_NAME, SAFE_NAME_RULE)
      .describe("the task queue your worker polls (in Pulse's Temporal namespace)"),
  })
  .describe(
    "an automation of your own: a workflow your worker serves, in any Temporal SDK's language, started with the input described at GET /schemas/automation-input.json",
  );

export type ExternalAutomation = z.infer<typeof externalAutomationSchema>;

/**
 * The version of the input below. Within a version fields are only ever added (optional, or
 * with a meaning that old workers may ignore); renaming, removing or changing the meaning of one
 * is a new version. Workers should ignore fields they do not know.
 */
export const EXTERNAL_AUTOMATION_INPUT_VERSION = 1;

/**
 * What an automation of your own receives as its single argument (JSON). Published as JSON
 * Schema at GET /schemas/automation-input.json and in docs/automation-input.schema.json.
 */
export const externalAutomationInputSchema = z
  .looseObject({
    version: z
      .literal(EXTERNAL_AUTOMATION_INPUT_VERSION)
      .describe('the version of this input; a new version is a change a worker must opt into'),
    accountId: z.string().describe('the Pulse account the contact belongs to'),
    contactId: z.string().describe('the contact the trigger fired for: the path id of /contacts/{contactId}'),
    triggerId: z.string().describe('the trigger that fired'),
    profileId: z.string().describe("the score profile the trigger watches: a score adjustment's profileId"),
    score: z.number().nullable().describe('the score that made the trigger fire; null when it is empty'),
    threshold: z
      .number()
      .optional()
      .describe("the trigger condition's number (`gte 20` gives 20); absent for is_empty and is_not_empty"),
    fireNumber: z
      .number()
      .int()
      .min(1)
      .describe(
        "how many times this trigger has fired for this contact, this time included; the workflow id's last part",
      ),
    params: z
      .record(z.string(), z.unknown())
      .describe("the trigger's `input`, exactly as its author wrote it: your automation's own parameters"),
  })
  .meta({
    title: 'Pulse automation input',
    description:
      "The single argument Pulse passes to an automation it starts as a child of the contact workflow. The workflow id is `contact:{accountId}:{contactId}/trigger:{triggerId}/{fireNumber}`: use it (plus a step name) as the idempotency key of every call back to Pulse's API, e.g. the `id` of a score adjustment.",
  });

export type ExternalAutomationInput = z.infer<typeof externalAutomationInputSchema>;

/** The JSON Schema of the input, as served and committed (docs/automation-input.schema.json). */
export function externalAutomationInputJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(externalAutomationInputSchema, { io: 'input' });
}

/** How a trigger's automation reads in lists, logs and the Temporal UI. */
export function automationLabel(automation: string | ExternalAutomation): string {
  return typeof automation === 'string' ? automation : `${automation.workflowType}@${automation.taskQueue}`;
}
