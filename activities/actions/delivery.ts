import { ApplicationFailure } from '@temporalio/common';
import { readActionContact, type ActionContact, type DndChannel } from '../../db/action-contacts';
import { readActionRecord, type ActionIdentity, type ActionRecord } from '../../db/action-log';
import {
  claimDelivery,
  markDelivered,
  noteUncertainDelivery,
  recordSkip,
  releaseDelivery,
} from '../../db/delivery-claims';
import type { Db } from '../../db/pool';
import type { ActionOutcome, Channel } from '../../domain/actions';
import { deliveryFailureOf } from '../delivery-error';
import { activityLogWarn, assertSameAction, contactNotFound, inFlight, settledOutcome } from './action-log';

/**
 * Sending something (email, SMS) to a provider outside Postgres, once.
 *
 * The send cannot share a transaction with its record, so it is bracketed by two:
 *   1. claim: a committed 'sending' row for the key (attempt n, claimed_at = now);
 *   2. send, with a Message-ID derived from the key;
 *   3. record: 'done' with the Message-ID.
 * What a retry finds tells it what happened:
 *   - 'done' / 'skipped': report it, send nothing.
 *   - 'pending': the last attempt failed for certain (connection refused, a 4xx reply: the provider
 *     said no), so nothing went out: send. This is the normal retry path, and it never sends twice.
 *   - 'sending', claimed less than `leaseMs` ago: an attempt is (or was very recently) between 1
 *     and 3 — Temporal may retry after a timeout while the old attempt is still talking to the
 *     server. Fail retryably ('ActionInFlight') without sending; Temporal backs off and asks again.
 *   - 'sending', claimed longer ago: the attempt that claimed it died between 1 and 3 (worker
 *     crash, the connection dropped after the message went out, Postgres unreachable when recording
 *     'done'). The provider may or may not have the message.
 *
 * Decision for that last case: at-least-once. Send again, with the same Message-ID, after checking
 * DND again; the row gets possible_duplicate = true and a warning is logged. Rationale: losing an
 * automation's email silently (at-most-once would have to report it as sent, or as skipped, without
 * knowing) is worse than a rare duplicate that carries the same Message-ID, which receiving systems
 * and our own bounce/reply processing can recognise as the same message. The window is narrow: it
 * needs a failure after the message went out and before a one-row UPDATE, and recording 'done' is
 * retried in-process for a few seconds before the attempt gives up. Providers with idempotency keys
 * (the SMS outbox, the email outbox, ESP HTTP APIs) deduplicate on the message id, which makes the
 * resend harmless there.
 *
 * `leaseMs` must exceed the longest a send can take (the SMTP mailer caps one send at 25 s) so
 * that a slow attempt is never taken for a dead one. An attempt Temporal has already timed out
 * (startToCloseTimeout) may still be running; the lease and the claim's attempt number keep it
 * and its retry from both sending.
 */

/** Longer than one send (25 s in the SMTP mailer) plus recording 'done' with its in-process retries. */
export const DEFAULT_SENDING_LEASE_MS = 2 * 60_000;

export interface Delivery {
  action: ActionIdentity;
  channel: Channel;
  /** Where to send, or null when the contact has no address for the channel. */
  addressOf(contact: ActionContact): string | null;
  /** The skip reason when there is no address: 'no_email', 'no_phone'. */
  noAddressReason: string;
  /** Stable per action: the Message-ID header for email, the provider's idempotency key for SMS. */
  messageId: string;
  send(to: string, contact: ActionContact): Promise<void>;
}

/** Why the contact's DND set blocks the channel ('dnd_all', 'dnd_email', 'dnd_sms'), if it does. */
export function dndReason(dndChannels: readonly DndChannel[], channel: Channel): string | undefined {
  if (dndChannels.includes('all')) return 'dnd_all';
  if (dndChannels.includes(channel)) return `dnd_${channel}`;
  return undefined;
}

export async function deliverOnce(db: Db, delivery: Delivery, leaseMs: number): Promise<ActionOutcome> {
  const { action } = delivery;
  const recorded = await readActionRecord(db, action);
  if (recorded) {
    assertSameAction(recorded, action);
    const outcome = settledOutcome(recorded);
    if (outcome) return outcome;
  }

  const contact = await readActionContact(db, action.accountId, action.contactId);
  if (!contact) throw contactNotFound(action);
  // Compliance first: checked on every attempt, a resend included.
  const blocked = dndReason(contact.dndChannels, delivery.channel);
  if (blocked) return reportRecord(action, await recordSkip(db, action, { reason: blocked, leaseMs }));
  const to = delivery.addressOf(contact);
  if (!to)
    return reportRecord(action, await recordSkip(db, action, { reason: delivery.noAddressReason, leaseMs }));

  const claim = await claimDelivery(db, action, leaseMs, delivery.messageId);
  if (!claim) {
    const current = await readActionRecord(db, action);
    if (!current) throw contactNotFound(action); // deleted meanwhile, its records with it
    return reportRecord(action, current);
  }
  if (claim.afterLostAttempt) {
    activityLogWarn(
      'Sending again after an attempt was lost between sending and recording; same message id',
      {
        actionKey: action.actionKey,
        kind: action.kind,
        messageId: delivery.messageId,
        attempt: claim.token,
      },
    );
  }

  try {
    await delivery.send(to, contact);
  } catch (err) {
    const failure = deliveryFailureOf(err);
    const message = err instanceof Error ? err.message : String(err);
    if (failure === 'rejected') {
      return reportRecord(
        action,
        await recordSkip(db, action, {
          reason: `${delivery.channel}_rejected`,
          detail: message,
          token: claim.token,
          leaseMs,
        }),
      );
    }
    // Best effort: if Postgres is down too, the claim stays 'sending' and its lease decides instead.
    const note = failure === 'not_sent' ? releaseDelivery : noteUncertainDelivery;
    await note(db, action, claim.token, message).catch(() => undefined);
    throw ApplicationFailure.create({
      message: `${action.kind} ${action.actionKey}: ${message}`,
      type: failure === 'not_sent' ? 'DeliveryNotSent' : 'DeliveryUncertain',
      nonRetryable: false,
      cause: err instanceof Error ? err : undefined,
    });
  }

  await retryBriefly(() => markDelivered(db, action, delivery.messageId));
  return { status: 'done', actionKey: action.actionKey, detail: delivery.messageId };
}

/** A settled record's outcome; an unsettled one means another attempt holds the key. */
function reportRecord(action: ActionIdentity, record: ActionRecord): ActionOutcome {
  assertSameAction(record, action);
  const outcome = settledOutcome(record);
  if (outcome) return outcome;
  throw inFlight(record);
}

/** Recording 'done' right after a send: a short Postgres blip should not turn into a resend. */
async function retryBriefly(
  work: () => Promise<void>,
  delaysMs: readonly number[] = [250, 1_000, 3_000],
): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await work();
    } catch (err) {
      const delay = delaysMs[attempt];
      if (delay === undefined) throw err;
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
  }
}
