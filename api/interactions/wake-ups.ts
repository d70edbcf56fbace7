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
 * fails releases its mark, so the next ingest for the contact signals again; the reconciler
 * remains the safety net for a contact nobody writes to again.
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

  const send = async (accountId: string, wake: WakeUp): Promise<void> => {
    inFlight += 1;
    try {
      await deps.temporalGate.call(
        () => wakeContact(deps.temporal, deps.taskQueue, { accountId, contactId: wake.contactId }, wake.refs),
        { timeoutMs: WAKE_UP_TIMEOUT_MS },
      );
      proven = true;
    } catch (err) {
      await releaseWakeUp(deps.db, accountId, wake.contactId, wake.mark).catch(() => undefined);
      if (temporalConfigurationProblem(err)) {
        proven = false;
        throw err;
      }
      deps.logger.warn(
        { err, accountId, contactId: wake.contactId },
        'wake-up not sent; the next ingest or the reconciler will send it',
      );
    } finally {
      inFlight -= 1;
    }
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
