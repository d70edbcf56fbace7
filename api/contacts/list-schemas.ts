import { z } from 'zod';
import { CONTACT_SORTS, type ContactSortKey } from '../../db/contact-queries';
import { entityIdSchema } from '../../domain/ids';
import { textInteger } from '../text-integer';

export const MAX_FILTER_TAGS = 20;
export const MAX_PAGE_SIZE = 200;
export const DEFAULT_PAGE_SIZE = 50;

/** contact_scores.score is a Postgres integer. */
const scoreSchema = z.int().min(-2_147_483_648).max(2_147_483_647);

export const contactSortSchema = z
  .enum(CONTACT_SORTS)
  .describe(
    'score_desc / score_asc: by score, empty scores last, ties by contact id ascending; id: by contact id',
  );

/** One tag, as contacts carry them (see contactBodySchema). */
const tagSchema = z.string().min(1).max(64);

/** `tag=a&tag=b`, `tag=a,b` or a JSON array: the contact must carry every one. */
const tagsSchema = z
  .union([z.string(), z.array(z.string())])
  .transform((value) => [
    ...new Set((Array.isArray(value) ? value : [value]).flatMap((t) => t.split(',')).map((t) => t.trim())),
  ])
  .pipe(z.array(tagSchema).min(1).max(MAX_FILTER_TAGS))
  .describe('the contact must carry every tag; repeat the parameter or give a comma-separated list');

const rangeBounds = (
  v: { minScore?: number | undefined; maxScore?: number | undefined },
  ctx: z.RefinementCtx,
) => {
  if (v.minScore !== undefined && v.maxScore !== undefined && v.minScore > v.maxScore) {
    ctx.addIssue({
      code: 'custom',
      path: ['maxScore'],
      message: `must not be below minScore (${v.minScore})`,
    });
  }
};

// ---------------------------------------------------------------------------------------------
// Cursor: the last row's sort key, as base64url JSON. Opaque to clients; decoded here so that a
// forged or garbled one is a 400 on query.cursor rather than an error deeper down.

const cursorKeySchema = z.discriminatedUnion('sort', [
  z.strictObject({ sort: z.literal('id'), id: entityIdSchema }),
  z.strictObject({
    sort: z.enum(['score_desc', 'score_asc']),
    score: scoreSchema.nullable(),
    id: entityIdSchema,
  }),
]);

export function encodeCursor(key: ContactSortKey): string {
  return Buffer.from(JSON.stringify(key)).toString('base64url');
}

function decodeCursor(raw: string): ContactSortKey | undefined {
  try {
    const result = cursorKeySchema.safeParse(JSON.parse(Buffer.from(raw, 'base64url').toString('utf8')));
    return result.success ? result.data : undefined;
  } catch {
    return undefined;
  }
}

export const cursorSchema = z
  .string()
  .max(1024)
  .transform((raw, ctx): ContactSortKey => {
    const key = decodeCursor(raw);
    if (key) return key;
    ctx.addIssue({ code: 'custom', message: 'not a cursor this API issued: pass nextCursor back unchanged' });
    return z.NEVER;
  })
  .describe('nextCursor from the previous page; omit for the first page');

/** A cursor is a position in one order: used with another sort it would mean nothing. */
export function cursorSortProblem(cursor: ContactSortKey | undefined, sort: string): string | undefined {
  return cursor && cursor.sort !== sort
    ? `was issued for sort=${cursor.sort}, not sort=${sort}: repeat that sort or start without a cursor`
    : undefined;
}

const pageFields = {
  limit: textInteger(z.int().min(1).max(MAX_PAGE_SIZE)).default(DEFAULT_PAGE_SIZE),
  cursor: cursorSchema.optional(),
};

// ---------------------------------------------------------------------------------------------
// Filters

const filterDescriptions = {
  profile: 'the score profile to filter and sort by; defaults to the account default profile',
  minScore: 'lowest score included (inclusive); an empty score is in no range',
  maxScore: 'highest score included (inclusive)',
  empty: 'true: only contacts whose score is empty (profile not published); false: only those with a score',
};

/** A saved filter (smart lists), in JSON: the same fields as the GET /contacts query, minus paging. */
export const contactFilterSchema = z
  .strictObject({
    profile: entityIdSchema.optional().describe(filterDescriptions.profile),
    minScore: scoreSchema.optional().describe(filterDescriptions.minScore),
    maxScore: scoreSchema.optional().describe(filterDescriptions.maxScore),
    empty: z.boolean().optional().describe(filterDescriptions.empty),
    tag: tagsSchema.optional(),
    sort: contactSortSchema.default('score_desc'),
  })
  .superRefine(rangeBounds);

export type ContactListFilter = z.output<typeof contactFilterSchema>;

/** GET /contacts: the filter as query parameters, plus paging. */
export const contactListQuerySchema = z
  .strictObject({
    profile: entityIdSchema.optional().describe(filterDescriptions.profile),
    minScore: textInteger(scoreSchema).optional().describe(filterDescriptions.minScore),
    maxScore: textInteger(scoreSchema).optional().describe(filterDescriptions.maxScore),
    empty: z
      .stringbool({ truthy: ['true'], falsy: ['false'], case: 'sensitive' })
      .optional()
      .describe(filterDescriptions.empty),
    tag: tagsSchema.optional(),
    sort: contactSortSchema.default('score_desc'),
    ...pageFields,
  })
  .superRefine((v, ctx) => {
    rangeBounds(v, ctx);
    const problem = cursorSortProblem(v.cursor, v.sort);
    if (problem) ctx.addIssue({ code: 'custom', path: ['cursor'], message: problem });
  });

/** Paging through something whose filter (and sort) is already known, e.g. a smart list. */
export const contactPageQuerySchema = z.strictObject(pageFields);

// ---------------------------------------------------------------------------------------------
// Responses (used for the OpenAPI document and checked against real answers in the tests)

export const listedContactSchema = z.object({
  id: z.string(),
  name: z.string().nullable(),
  email: z.string().nullable(),
  tags: z.array(z.string()),
  score: z
    .int()
    .nullable()
    .describe('null is empty: the profile has no published version (or the account has no profile)'),
  profileId: z
    .string()
    .nullable()
    .describe('the profile the score is from; null if the account has no profile'),
});

export const contactPageSchema = z.object({
  items: z.array(listedContactSchema),
  nextCursor: z.string().nullable().describe('pass as cursor to get the next page; null on the last page'),
});

export type ContactPage = z.infer<typeof contactPageSchema>;
