import { ApplicationFailure } from '@temporalio/common';
import { z } from 'zod';
import { readActionContact } from '../../db/action-contacts';
import { readActionRecord, type ActionIdentity, type ActionRecord } from '../../db/action-log';
import { claimDelivery, recordSkip } from '../../db/delivery-claims';
import type { Db } from '../../db/pool';
import { settleWebhookAttempt } from '../../db/webhook-deliveries';
import { ensureWebhookSettings } from '../../db/webhook-settings';
import { WEBHOOK_REJECTED } from '../../domain/action-activities';
import type { ActionOutcome, WebhookAction } from '../../domain/actions';
import { webhookEventSchema, webhookUrlSchema } from '../../domain/webhook-url';
import { AddressRefusedError } from '../webhooks/address-guard';
import { postOnce } from '../webhooks/http-post';
import {
  IDEMPOTENCY_HEADER,
  newWebhookSecret,
  SIGNATURE_HEADER,
  signatureOf,
  TIMESTAMP_HEADER,
} from '../webhooks/signature';
import {
  actionBaseSchema,
  actionDigest,
  assertSameAction,
  contactNotFound,
  inFlight,
  parseInput,
  settledOutcome,
} from './action-log';

/**
 * The `webhook` action: one signed JSON POST per action key, delivered at least once and, with
 * the Idempotency-Key header receivers deduplicate on, acted on once.
 *
 * Every attempt claims the key (db/delivery-claims.ts), posts, and settles the claim with the
 * receiver's answer:
 *   2xx                      done (response_status, detail `HTTP 2xx`)
 *   5xx, 408, 429, no reply  pending + last_error; thrown retryable: Temporal backs off and tries again
 *   other 4xx, 3xx           failed: the receiver said no (redirects are not followed); thrown
 *                            non-retryable (WebhookRejected)
 *   a refused address        failed, likewise (private, loopback, link-local: SSRF)
 * A timeout may come after the receiver acted: the next attempt sends the same body under the same
 * Idempotency-Key, which is what the key is for. A retry that finds the key settled reports that
 * outcome (throwing WebhookRejected again for 'failed') without posting.
 */

export const WEBHOOK_KIND = 'webhook';
/** Headers every delivery carries besides the signature. */
const USER_AGENT = 'Pulse-Webhooks/1';

const webhookSchema = actionBaseSchema.extend({
  url: webhookUrlSchema.optional(),
  event: webhookEventSchema,
  occurredAt: z.iso.datetime(),
  data: z.record(z.string(), z.unknown()),
});

export interface WebhookDeps {
  db: Db;
  /** Upper bound on one POST, connection included; under the activity's 30 s startToCloseTimeout. */
  timeoutMs: number;
  /** PULSE_WEBHOOK_ALLOW_PRIVATE: lets webhooks reach private, loopback and link-local addresses. */
  allowPrivate: boolean;
  /** A claimed, unsettled attempt blocks others this long (it outlives one POST). */
  leaseMs: number;
}

/** The Idempotency-Key of an action's webhook: the same on every attempt. */
export function webhookIdempotencyKey(accountId: string, actionKey: string): string {
  return `whk_${actionDigest(accountId, actionKey)}`;
}

export function createSendWebhook(deps: WebhookDeps) {
  const { db } = deps;
  return async function sendWebhook(input: WebhookAction): Promise<ActionOutcome> {
    const hook = parseInput(webhookSchema, input, 'sendWebhook');
    const action: ActionIdentity = {
      accountId: hook.accountId,
      actionKey: hook.actionKey,
      contactId: hook.contactId,
      kind: WEBHOOK_KIND,
    };
    const recorded = await readActionRecord(db, action);
    if (recorded) {
      assertSameAction(recorded, action);
      const settled = outcomeOf(recorded);
      if (settled) return settled;
    }
    if (!(await readActionContact(db, action.accountId, action.contactId))) throw contactNotFound(action);

    const settings = await ensureWebhookSettings(db, action.accountId, newWebhookSecret());
    const url = hook.url ?? settings.url;
    if (!url) {
      const record = await recordSkip(db, action, { reason: 'no_webhook_url', leaseMs: deps.leaseMs });
      const settled = outcomeOf(record);
      if (settled) return settled;
      throw inFlight(record);
    }

    const idempotencyKey = webhookIdempotencyKey(action.accountId, action.actionKey);
    const claim = await claimDelivery(db, action, deps.leaseMs, url);
    if (!claim) {
      const current = await readActionRecord(db, action);
      if (!current) throw contactNotFound(action);
      assertSameAction(current, action);
      const settled = outcomeOf(current);
      if (settled) return settled;
      throw inFlight(current);
    }

    const body = JSON.stringify({
      id: idempotencyKey,
      event: hook.event,
      occurredAt: hook.occurredAt,
      accountId: hook.accountId,
      contactId: hook.contactId,
      data: hook.data,
    });
    const timestamp = Math.floor(Date.now() / 1000);
    const headers = {
      'content-type': 'application/json',
      'user-agent': USER_AGENT,
      [IDEMPOTENCY_HEADER]: idempotencyKey,
      [TIMESTAMP_HEADER]: String(timestamp),
      [SIGNATURE_HEADER]: signatureOf(settings.secret, timestamp, body),
    };
    const token = claim.token;
    let reply;
    try {
      reply = await postOnce(new URL(url), headers, body, deps);
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      if (err instanceof AddressRefusedError) {
        await settleWebhookAttempt(db, action, 'failed', { token, status: null, error: message });
        throw ApplicationFailure.nonRetryable(`webhook to ${url} refused: ${message}`, WEBHOOK_REJECTED);
      }
      await settleWebhookAttempt(db, action, 'retry', { token, status: null, error: message }).catch(
        () => undefined, // Postgres away too: the claim's lease lets the next attempt in
      );
      throw ApplicationFailure.retryable(`webhook to ${url}: ${message}`, 'WebhookNotDelivered');
    }

    const { status } = reply;
    const error = `HTTP ${status}${reply.bodyStart ? `: ${reply.bodyStart}` : ''}`;
    if (status >= 200 && status < 300) {
      await settleWebhookAttempt(db, action, 'delivered', { token, status });
      return { status: 'done', actionKey: action.actionKey, detail: `HTTP ${status}` };
    }
    if (status >= 500 || status === 408 || status === 429) {
      await settleWebhookAttempt(db, action, 'retry', { token, status, error });
      throw ApplicationFailure.retryable(`webhook to ${url}: ${error}`, 'WebhookNotDelivered');
    }
    await settleWebhookAttempt(db, action, 'failed', {
      token,
      status,
      error: status < 400 ? `${error} (redirects are not followed)` : error,
    });
    throw ApplicationFailure.nonRetryable(`webhook to ${url} rejected: ${error}`, WEBHOOK_REJECTED);
  };
}

/** A settled record's outcome; 'failed' is thrown again, as the attempt that recorded it did. */
function outcomeOf(record: ActionRecord): ActionOutcome | undefined {
  if (record.state === 'failed') {
    throw ApplicationFailure.nonRetryable(
      `webhook ${record.actionKey} failed: ${record.lastError ?? 'refused'}`,
      WEBHOOK_REJECTED,
    );
  }
  return settledOutcome(record);
}
