import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from 'pino';

export interface WaitOptions {
  /** What is awaited, for the log: "Temporal at 10.0.0.5:7233". */
  what: string;
  /** The setting to check when it never answers: TEMPORAL_ADDRESS, DATABASE_URL. */
  variable: string;
  logger: Logger;
  /** Aborted (SIGTERM while waiting): stop waiting and reject. */
  signal?: AbortSignal;
  firstDelayMs?: number;
  maxDelayMs?: number;
}

/**
 * Runs `attempt` until it succeeds, with exponential backoff (1 s doubling to 30 s) and a warning
 * per failure naming the variable to check, instead of exiting on the first refusal: in a
 * deployment Postgres and Temporal often come up after Pulse does.
 */
export async function waitFor<T>(attempt: () => Promise<T>, opts: WaitOptions): Promise<T> {
  const maxDelay = opts.maxDelayMs ?? 30_000;
  let delay = opts.firstDelayMs ?? 1_000;
  for (let tries = 1; ; tries++) {
    try {
      const result = await attempt();
      if (tries > 1) opts.logger.info({ tries }, `${opts.what} answered`);
      return result;
    } catch (err) {
      if (opts.signal?.aborted) throw err;
      opts.logger.warn(
        { tries, retryInMs: delay, reason: err instanceof Error ? err.message : String(err) },
        `${opts.what} is not reachable yet; retrying (check ${opts.variable} if this persists)`,
      );
      await sleep(delay, undefined, { signal: opts.signal }).catch(() => undefined);
      if (opts.signal?.aborted) throw new Error(`stopped while waiting for ${opts.what}`, { cause: err });
      delay = Math.min(maxDelay, delay * 2);
    }
  }
}
