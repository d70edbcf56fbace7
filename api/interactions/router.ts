import { Router, type RequestHandler } from 'express';
import type { IngestItem } from '../../db/ingest';
import { fieldProblem, fieldProblems, type FieldProblem } from '../http-error';
import { principalOf } from '../middleware/authenticate';
import { findUnstorableText } from '../middleware/storable-text';
import { parsed, serve } from '../route';
import type { Ingest } from './ingest-service';
import { interactionRoutes as routes } from './routes';
import { bulkItemSchema, type BulkItemResult } from './schemas';

/** POST /interactions: many contacts' interactions in one request, answered item by item. */
export function interactionsRouter(deps: { ingest: Ingest; ingestLimit: RequestHandler }): Router {
  const router = Router();

  serve(
    router,
    routes.bulkIngest,
    async (_req, res) => {
      const { accountId } = principalOf(res);
      const { items } = parsed(res, routes.bulkIngest).body;
      const checked = items.map(checkItem);
      const valid = checked.filter((c): c is Checked & { item: IngestItem } => c.item !== undefined);
      const { outcomes } = await deps.ingest(
        accountId,
        valid.map((c) => c.item),
      );
      valid.forEach((c, i) => {
        c.result.status = outcomes[i]!;
        if (c.result.status === 'unknown_contact')
          c.result.errors = [fieldProblem(`items.${c.result.index}.contactId`, 'no such contact')];
      });
      const results = checked.map((c) => c.result);
      const count = (status: BulkItemResult['status']) => results.filter((r) => r.status === status).length;
      res.status(202).json({
        accepted: count('accepted'),
        duplicates: count('duplicate'),
        rejected: count('unknown_contact') + count('invalid'),
        items: results,
      });
    },
    // Text Postgres cannot store fails its item, not the request (checkItem).
    { before: [deps.ingestLimit], bodyItemsCheckedByHandler: true },
  );

  return router;
}

interface Checked {
  item: IngestItem | undefined;
  result: BulkItemResult;
}

/** The same checks as POST /contacts/:id/interactions, per item: storable text, then the schema. */
function checkItem(value: unknown, index: number): Checked {
  const at = `items.${index}`;
  const named = typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : {};
  const result: BulkItemResult = {
    index,
    status: 'invalid',
    ...(typeof named.contactId === 'string' && { contactId: named.contactId }),
    ...(typeof named.id === 'string' && { id: named.id }),
  };
  const invalid = (errors: FieldProblem[]): Checked => {
    // An id or contact id that is itself unstorable or malformed is not echoed back.
    delete result.contactId;
    delete result.id;
    return { item: undefined, result: { ...result, errors } };
  };
  const unstorable = findUnstorableText(value, at);
  if (unstorable) return invalid([fieldProblem(unstorable.path, unstorable.message)]);
  const parsedItem = bulkItemSchema.safeParse(value);
  if (!parsedItem.success) return invalid(fieldProblems(at, parsedItem.error));
  const { contactId, ...interaction } = parsedItem.data;
  return { item: { contactId, interaction }, result };
}
