import { z } from 'zod';
import { entityIdSchema } from '../../domain/ids';
import { interactionSchema } from '../../domain/interaction';

export const MAX_BULK_ITEMS = 1_000;

/** One item of a bulk ingest: an interaction and the contact it belongs to. */
export const bulkItemSchema = interactionSchema.extend({ contactId: entityIdSchema });

/**
 * The envelope of POST /interactions. Only the envelope can fail the whole request; each item is
 * validated on its own and answered in `items` (api/interactions/router.ts), so the schema takes
 * any item, and the document says so: an item's shape is shown under `x-item-schema`, an
 * extension, not as a constraint the request is refused for.
 */
export const bulkIngestBodySchema = z.strictObject({
  items: z
    .array(
      z.unknown().meta({
        'x-item-schema': documentedShape(bulkItemSchema),
        description:
          'an interaction of the contact `contactId`, shaped as `x-item-schema` says; an item that is not is answered `status: "invalid"` with its errors, and the others are stored',
      }),
    )
    .min(1)
    .max(MAX_BULK_ITEMS),
});

/** A schema's JSON Schema, for documentation only, without the `$schema` key of a whole document. */
function documentedShape(schema: z.ZodType): Record<string, unknown> {
  const shape: Record<string, unknown> = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' });
  delete shape.$schema;
  return shape;
}

const problemSchema = z.object({ path: z.string(), message: z.string() });

export const bulkItemResultSchema = z.object({
  index: z.int().describe("the item's position in `items`"),
  status: z
    .enum(['accepted', 'duplicate', 'unknown_contact', 'invalid'])
    .describe(
      'accepted: stored now; duplicate: this contact already had this interaction id (or it came earlier in the request); unknown_contact: no such contact in the account, nothing stored; invalid: see `errors`, nothing stored',
    ),
  contactId: z.string().optional(),
  id: z.string().optional(),
  errors: z.array(problemSchema).optional().describe('for unknown_contact and invalid: the fields at fault'),
});

export const bulkIngestResultSchema = z.object({
  accepted: z.int(),
  duplicates: z.int(),
  rejected: z.int().describe('items unknown_contact or invalid'),
  items: z.array(bulkItemResultSchema),
});

export type BulkItemResult = z.infer<typeof bulkItemResultSchema>;
