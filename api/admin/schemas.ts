import { z } from 'zod';
import { API_KEY_SCOPES } from '../../db/accounts';

const accountId = z
  .string()
  .regex(/^[a-z0-9][a-z0-9_-]{0,62}$/, 'lower-case letters, digits, _ and -, at most 63, e.g. acme-corp')
  .describe('chosen by the operator; every key and contact hangs off it');

export const accountParamsSchema = z.strictObject({ accountId });
export const keyParamsSchema = z.strictObject({
  accountId,
  keyId: z.string().regex(/^key_[0-9a-f]{16}$/, 'a key id such as key_0123456789abcdef'),
});

export const createAccountSchema = z.strictObject({
  id: accountId,
  name: z.string().trim().min(1).max(200),
});

export const updateAccountSchema = z.strictObject({
  disabled: z.boolean().describe('true stops every key of the account at once; false lets them work again'),
});

export const createKeySchema = z.strictObject({
  name: z.string().trim().min(1).max(200).describe('what the key is for, e.g. "crm sync"'),
  scopes: z
    .array(z.enum(API_KEY_SCOPES))
    .min(1)
    .describe('read; write (also reads); admin (everything in the account)'),
});

/** One day by default: long enough for every caller to pick up the new key. */
export const DEFAULT_OVERLAP_SECONDS = 86_400;

export const rotateKeySchema = z.strictObject({
  overlapSeconds: z
    .int()
    .min(0)
    .max(30 * 86_400)
    .default(DEFAULT_OVERLAP_SECONDS)
    .describe('how long the old key keeps working beside the new one; 0 ends it now'),
});

const timestamp = z.iso.datetime();

export const accountSchema = z.object({
  id: z.string(),
  name: z.string(),
  createdAt: timestamp,
  disabledAt: timestamp.nullable(),
});
export const accountCollectionSchema = z.object({ accounts: z.array(accountSchema) });

export const apiKeySchema = z.object({
  id: z.string(),
  accountId: z.string(),
  name: z.string(),
  scopes: z.array(z.enum(API_KEY_SCOPES)),
  createdAt: timestamp,
  lastUsedAt: timestamp.nullable().describe('refreshed at most once a minute'),
  expiresAt: timestamp.nullable().describe('set when the key was rotated: it stops working then'),
  revokedAt: timestamp.nullable(),
  replacedBy: z.string().nullable().describe('the key its rotation issued'),
});
export const apiKeyCollectionSchema = z.object({ keys: z.array(apiKeySchema) });

export const issuedKeySchema = apiKeySchema.extend({
  key: z.string().describe('the secret: shown only in this answer, stored only as a hash'),
});
export const rotationSchema = z.object({
  key: issuedKeySchema,
  previous: apiKeySchema,
});
