import type { Client } from '@temporalio/client';
import type { Logger } from 'pino';
import { wakeContact } from '../../clients/contact-workflow';
import type { Db } from '../../db/pool';
import { releaseWakeUp } from '../../db/wake-requests';
import type { InteractionRef } from '../../domain/scoring-messages';
import { WAKE_UP_TIMEOUT_MS, type TemporalGate } from '../temporal-gate';
import { temporalConfigurationProblem } from '../unavailable';

/** Signals in flight at once for one request: a bulk request wakes its contacts a few at a time. */
const LANES = 8;
/** Past this many wake-ups in flight in the process, a request waits for its own (back-pressure). */
const MAX_IN_FLIGHT = 256;
/**
 * A wake-up that timed out against a Temporal that still answers (a busy server) is sent again
 * after these delays (±25%) before it is left to the reconciler, which would take up to its
 * interval plus its grace (about 10 s) to find it. Not when Temporal is away: the reconciler
 * wakes everything once it is back, and retries would only queue behind the outage.
 */
export const WAKE_UP_RETRY_DELAYS_MS = [1_000, 3_000];

export interface WakeUp {
  contactId: string;
  /** The mark this ingest set (db/wake-requests.ts), released if the signal is not sent. */
  mark: string;
  refs: InteractionRef[];
}

/**
 * Sends the wake-ups an ingest marked. The interactions are stored by then (stored = accepted), so
 * the request does not wait for Temporal's answer, with two exceptions: until a signal of this
 * process has succeeded (at start, or after a configuration refusal) the request waits for its
 * first wake-up, so that a namespace without Pulse's search attributes or refused credentials
 * answer 500 as they always have; and past MAX_IN_FLIGHT it waits (back-pressure). A wake-up that
 * a busy Temporal did not answer in time is sent again in the background (WAKE_UP_RETRY_DELAYS_MS);
 * one that finally fails releases its mark, so the next ingest for the contact signals again; the
 * reconciler remains the safety net for a contact nobody writes to again.
 */
export function createWakeUps(deps: {
  db: Db;
  temporal: Client;
  taskQueue: string;
  temporalGate: TemporalGate;
  logger: Logger;
}) {
  let proven = false;
  let inFlight = 0;

  const send = async (accountId: string, wake: WakeUp, attempt = 0): Promise<void> => {
    inFlight += 1;
    try {
      await deps.temporalGate.call(
        () => wakeContact(deps.temporal, deps.taskQueue, { accountId, contactId: wake.contactId }, wake.refs),
        { timeoutMs: WAKE_UP_TIMEOUT_MS },
      );
      proven = true;
    } catch (err) {
      if (temporalConfigurationProblem(err)) {
        await releaseWakeUp(deps.db, accountId, wake.contactId, wake.mark).catch(() => undefined);
        proven = false;
        throw err;
      }
      const delay = WAKE_UP_RETRY_DELAYS_MS[attempt];
      if (delay !== undefined && !deps.temporalGate.closing && (await deps.temporalGate.reachable())) {
        // The mark stays while the retry waits, so ingests for the contact keep coalescing on it.
        retryLater(accountId, wake, attempt + 1, delay * (0.75 + Math.random() / 2));
        return;
      }
      await releaseWakeUp(deps.db, accountId, wake.contactId, wake.mark).catch(() => undefined);
      deps.logger.warn(
        { err, accountId, contactId: wake.contactId, attempts: attempt + 1 },
        'wake-up not sent; the next ingest or the reconciler will send it',
      );
    } finally {
      inFlight -= 1;
    }
  };

  const retryLater = (accountId: string, wake: WakeUp, attempt: number, delayMs: number): void => {
    const timer = setTimeout(() => {
      if (deps.temporalGate.closing) return; // the reconciler of the next process finds it
      send(accountId, wake, attempt).catch((err: unknown) =>
        deps.logger.error({ err, accountId }, 'wake-up refused by Temporal; check its configuration'),
      );
    }, delayMs);
    timer.unref();
  };

  const sendAll = async (accountId: string, wakeUps: readonly WakeUp[]): Promise<void> => {
    let next = 0;
    const lane = async () => {
      for (let i = next++; i < wakeUps.length; i = next++) await send(accountId, wakeUps[i]!);
    };
    await Promise.all(Array.from({ length: Math.min(LANES, wakeUps.length) }, lane));
  };

  return {
    /** Resolves once the request may be answered; throws only a Temporal configuration problem. */
    async wake(accountId: string, wakeUps: readonly WakeUp[]): Promise<void> {
      let rest = wakeUps;
      if (!proven && rest.length > 0) {
        await send(accountId, rest[0]!);
        rest = rest.slice(1);
      }
      if (rest.length === 0) return;
      const sending = sendAll(accountId, rest);
      if (inFlight >= MAX_IN_FLIGHT) return sending;
      sending.catch((err: unknown) =>
        deps.logger.error({ err, accountId }, 'wake-ups refused by Temporal; check its configuration'),
      );
    },
  };
}
