import { isGrpcDeadlineError, type Client } from '@temporalio/client';
import { HttpError } from './http-error';
import { isUnavailableError } from './unavailable';

/** The longest a request waits on Temporal before it is told 503 (the answer comes within 2 s). */
export const TEMPORAL_CALL_TIMEOUT_MS = 1_500;
/**
 * The longest ingest waits for its wake-up signal once Temporal is known to answer. Longer than
 * the rest: a busy server slows ingest down (back-pressure) rather than leaving every wake-up to
 * the reconciler; past it the request is accepted anyway. An absent server costs no wait at all.
 */
export const WAKE_UP_TIMEOUT_MS = 5_000;
/** How long a probe may take: a server that accepts connections but does not answer is down too. */
const PROBE_TIMEOUT_MS = 1_000;
/** A probe's verdict is reused this long, so a busy API asks at most about once a second. */
const VERDICT_TTL_MS = 1_000;
/** What a 503 for Temporal tells the client to wait. */
export const TEMPORAL_RETRY_AFTER_SECONDS = 5;

/**
 * The API's one way to Temporal. When Temporal is away, a request that needs it (score
 * adjustments, publishing, re-score progress) is answered 503 + Retry-After within 2 s instead of
 * riding out the client's retries, and ingestion does not wait for it at all: stored is accepted,
 * and the reconciler wakes the contact later.
 *
 * Reachability comes from a shared, short probe (getSystemInfo with a deadline, reused for a
 * second); a call that fails to reach Temporal marks it down until the next probe.
 */
export interface TemporalGate {
  /** Whether Temporal answered lately; never throws. `fresh`: probe now rather than reuse a verdict. */
  reachable(opts?: { fresh?: boolean }): Promise<boolean>;
  /**
   * Runs a Temporal call once Temporal is known to answer; 503 + Retry-After when it does not, or
   * when the call cannot reach it. `timeoutMs` bounds calls that are one round trip (a start or a
   * signal); leave it out for calls that wait on a workflow (an update), which are bounded only by
   * the client's retries.
   */
  call<T>(fn: () => Promise<T>, opts?: { timeoutMs?: number; fresh?: boolean }): Promise<T>;
  /**
   * Resolves once every call the gate started has settled, or after `maxMs`. A call answered 503
   * on its deadline may still have a retry scheduled inside the SDK; closing the connection under
   * it throws from a timer and kills the process, so whoever closes the client drains first.
   */
  drain(maxMs: number): Promise<void>;
  /** True once drain was called: background work (a wake-up's retry) must not start new calls. */
  readonly closing: boolean;
}

export function createTemporalGate(temporal: Client): TemporalGate {
  let verdict: { up: boolean; at: number } | undefined;
  let probing: Promise<boolean> | undefined;
  const inFlight = new Set<Promise<unknown>>();
  let closing = false;
  const tracked = <T>(promise: Promise<T>): Promise<T> => {
    const settled = promise.then(
      () => undefined,
      () => undefined,
    );
    inFlight.add(settled);
    void settled.then(() => inFlight.delete(settled));
    return promise;
  };

  const probe = (): Promise<boolean> =>
    (probing ??= withTimeout(
      tracked(
        temporal.connection.withDeadline(Date.now() + PROBE_TIMEOUT_MS, () =>
          temporal.workflowService.getSystemInfo({}),
        ),
      ),
      // The SDK's retry interceptor may schedule one more attempt after the deadline: a backstop.
      PROBE_TIMEOUT_MS + 200,
    )
      .then(
        () => true,
        () => false,
      )
      .then((up) => {
        verdict = { up, at: Date.now() };
        probing = undefined;
        return up;
      }));

  const reachable = async (opts: { fresh?: boolean } = {}): Promise<boolean> => {
    if (!opts.fresh && verdict && Date.now() - verdict.at < VERDICT_TTL_MS) return verdict.up;
    return probe();
  };

  return {
    reachable,
    get closing() {
      return closing;
    },
    async call(fn, opts = {}) {
      if (!(await reachable({ fresh: opts.fresh ?? false }))) throw temporalUnavailable();
      try {
        return opts.timeoutMs === undefined
          ? await tracked(fn())
          : await withTimeout(
              tracked(temporal.connection.withDeadline(Date.now() + opts.timeoutMs, fn)),
              opts.timeoutMs + 200,
            );
      } catch (err) {
        const slow = err instanceof TimeoutError || isGrpcDeadlineError(err);
        if (!slow && !isUnavailableError(err)) throw err;
        // A slow answer (a busy server) is no sign of an absent one: only a failure to reach it
        // makes the next requests fail fast without asking.
        if (!slow) verdict = { up: false, at: Date.now() };
        throw temporalUnavailable();
      }
    },
    async drain(maxMs) {
      closing = true;
      let timer: NodeJS.Timeout | undefined;
      const deadline = new Promise<void>((resolve) => {
        timer = setTimeout(resolve, maxMs);
      });
      while (inFlight.size > 0) {
        const more = await Promise.race([Promise.all(inFlight).then(() => true), deadline.then(() => false)]);
        if (!more) break;
      }
      clearTimeout(timer);
    },
  };
}

export function temporalUnavailable(): HttpError {
  return HttpError.unavailable('Temporal is unavailable; retry shortly', TEMPORAL_RETRY_AFTER_SECONDS);
}

class TimeoutError extends Error {}

/** A backstop for promises that might not settle in time; the promise itself is left to finish. */
async function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      promise,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new TimeoutError(`no answer within ${ms} ms`)), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}
