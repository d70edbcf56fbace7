import { z } from 'zod';

/** Ids become part of workflow ids and URLs, so keep them to characters that need no escaping. */
export const entityIdSchema = z
  .string()
  .min(1)
  .max(128)
  .regex(
    /^[A-Za-z0-9][A-Za-z0-9_.@+-]*$/,
    'letters, digits and _ . @ + - only, starting with a letter or digit',
  );

/** The one place contact workflow ids are built: the API, the workflows and the tests all use it. */
export function contactWorkflowId(accountId: string, contactId: string): string {
  return `contact:${accountId}:${contactId}`;
}
