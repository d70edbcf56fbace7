import { createHash } from 'node:crypto';
import { ApplicationFailure } from '@temporalio/common';
import { asyncLocalStorage } from '@temporalio/activity';
import { z } from 'zod';
import { readActionContact, type ActionContact } from '../../db/action-contacts';
import {
  insertFinalOutcome,
  readActionRecord,
  type ActionIdentity,
  type ActionRecord,
} from '../../db/action-log';
import { withTransaction, type Db, type Queryable } from '../../db/pool';
import { ACTION_VALIDATION_ERROR } from '../../domain/action-activities';
import type { ActionOutcome } from '../../domain/actions';
import { entityIdSchema } from '../../domain/ids';

/**
 * The action log: every action's outcome is recorded in automation_actions under
 * (account, actionKey), and a retry with a recorded key reports that outcome and does nothing.
 */

/** Bad input, or a contact that is not there: retrying cannot help. Defined with the contract. */
export { ACTION_VALIDATION_ERROR };
/** One actionKey used for two different actions (another kind or contact): a workflow bug. */
export const ACTION_KEY_CONFLICT = 'ActionKeyConflict';
/** Another attempt of the same action holds the key and may still be delivering: retry later. */
export const ACTION_IN_FLIGHT = 'ActionInFlight';

export type ActionKind =
  | 'send_email'
  | 'send_sms'
  | 'add_tag'
  | 'remove_tag'
  | 'create_task'
  | 'add_to_campaign'
  | 'remove_from_campaign'
  | 'segment_by_score';

export const actionBaseSchema = z.object({
  actionKey: z.string().min(1).max(512),
  accountId: entityIdSchema,
  contactId: entityIdSchema,
});

export function validationFailure(message: string): ApplicationFailure {
  return ApplicationFailure.nonRetryable(message, ACTION_VALIDATION_ERROR);
}

/** Parses an activity's input; anything wrong is a non-retryable ActionValidationError naming the fields. */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown, activity: string): z.infer<S> {
  const parsed = schema.safeParse(input);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((i) => `${i.path.join('.') || 'input'}: ${i.message}`);
  throw validationFailure(`${activity}: invalid input (${problems.join('; ')})`);
}

export function contactNotFound({
  accountId,
  contactId,
}: {
  accountId: string;
  contactId: string;
}): ApplicationFailure {
  return validationFailure(`contact ${contactId} does not exist in account ${accountId}`);
}

/** A recorded key must belong to the same action; anything else means two steps share a key. */
export function assertSameAction(record: ActionRecord, action: ActionIdentity): void {
  if (record.kind !== action.kind || record.contactId !== action.contactId) {
    throw ApplicationFailure.nonRetryable(
      `actionKey ${action.actionKey} is already recorded for ${record.kind} on contact ${record.contactId}, ` +
        `not ${action.kind} on contact ${action.contactId}`,
      ACTION_KEY_CONFLICT,
    );
  }
}

/** The recorded outcome, or undefined while the action is not settled ('sending', 'pending'). */
export function settledOutcome(record: ActionRecord): ActionOutcome | undefined {
  if (record.state === 'done') {
    return record.detail === null
      ? { status: 'done', actionKey: record.actionKey }
      : { status: 'done', actionKey: record.actionKey, detail: record.detail };
  }
  if (record.state === 'skipped')
    return { status: 'skipped', actionKey: record.actionKey, reason: record.reason! };
  return undefined;
}

export function inFlight(record: ActionRecord): ApplicationFailure {
  return ApplicationFailure.retryable(
    `actionKey ${record.actionKey}: attempt ${record.attempts} claimed the delivery at ${record.claimedAt} and has not ` +
      'reported; retrying until it does or its lease runs out',
    ACTION_IN_FLIGHT,
  );
}

export type ActionResult =
  | { state: 'done'; detail?: string | undefined }
  | { state: 'skipped'; reason: string; detail?: string | undefined };

/**
 * For actions that only write Postgres: locks the contact, reports a recorded outcome if there is
 * one, otherwise does the work and records its outcome in the same transaction. Exactly once: a
 * retry after the commit finds the record; a retry after a rollback finds nothing done.
 */
export async function runRecordedAction(
  db: Db,
  action: ActionIdentity,
  work: (tx: Queryable, contact: ActionContact) => Promise<ActionResult>,
): Promise<ActionOutcome> {
  return withTransaction(db, async (tx) => {
    const contact = await readActionContact(tx, action.accountId, action.contactId, { forUpdate: true });
    if (!contact) throw contactNotFound(action);
    // Read under the contact's lock: a concurrent attempt of the same action has committed or not started.
    const recorded = await readActionRecord(tx, action);
    if (recorded) {
      assertSameAction(recorded, action);
      const outcome = settledOutcome(recorded);
      if (outcome) return outcome;
      throw new Error(
        `actionKey ${action.actionKey} is in state ${recorded.state}, which ${action.kind} never leaves`,
      );
    }
    const result = await work(tx, contact);
    await insertFinalOutcome(tx, action, result);
    return result.state === 'done'
      ? {
          status: 'done',
          actionKey: action.actionKey,
          ...(result.detail === undefined ? {} : { detail: result.detail }),
        }
      : { status: 'skipped', actionKey: action.actionKey, reason: result.reason };
  });
}

/** A digest of the account and key: stable across retries, unique per action, reveals neither. */
export function actionDigest(accountId: string, actionKey: string, length = 32): string {
  return createHash('sha256').update(`${accountId}\n${actionKey}`).digest('hex').slice(0, length);
}

/** Logs through the activity's logger when running as an activity; silent when called directly. */
export function activityLogWarn(message: string, meta: Record<string, unknown>): void {
  asyncLocalStorage.getStore()?.log.warn(message, meta);
}
