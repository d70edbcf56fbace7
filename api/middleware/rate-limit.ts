import type { RequestHandler } from 'express';
import { takeToken, type BucketState, type Take, type TokenBucketOptions } from '../../domain/token-bucket';
import { HttpError } from '../http-error';
import { principalOf } from './authenticate';

export type RateLimitOptions = TokenBucketOptions;

/** The defaults of RATE_LIMIT_INGEST_PER_SECOND and RATE_LIMIT_INGEST_BURST (config/env.ts). */
export const DEFAULT_INGEST_RATE_LIMIT: RateLimitOptions = { perSecond: 200, burst: 400 };

/** Where the buckets live: takes one token of the key's bucket. */
export type TakeToken = (keyId: string, options: RateLimitOptions) => Promise<Take> | Take;

/** Idle buckets are full, so forgetting them changes nothing; swept at most this often. */
const SWEEP_INTERVAL_MS = 60_000;

/**
 * Buckets in this process's memory: right for one API process, or tests. N processes behind a load
 * balancer would each allow the full rate; the app uses the shared, Postgres-held buckets
 * (db/rate-limit.ts) unless RATE_LIMIT_STORE=memory.
 */
export function memoryBuckets(now: () => number = Date.now): TakeToken {
  const buckets = new Map<string, BucketState>();
  let lastSweep = now();
  return (keyId, options) => {
    const t = now();
    if (t - lastSweep >= SWEEP_INTERVAL_MS) {
      lastSweep = t;
      for (const [key, state] of buckets)
        if (state.tokens + ((t - state.at) / 1000) * options.perSecond >= options.burst) buckets.delete(key);
    }
    const { take, state } = takeToken(options, buckets.get(keyId), t);
    buckets.set(keyId, state);
    return take;
  };
}

/**
 * A token bucket per API key id, for the routes that write interactions and score changes: a key
 * may send `burst` requests at once and `perSecond` on average. Mount after authenticate.
 *
 * Every answer carries RateLimit-Limit / -Remaining / -Reset / -Policy (IETF httpapi draft); a
 * refusal is 429 problem+json with Retry-After, the whole seconds until one request is allowed.
 */
export function tokenBucketRateLimit(options: RateLimitOptions, take: TakeToken): RequestHandler {
  const { perSecond, burst } = options;
  if (!(perSecond > 0) || !(burst >= 1)) throw new Error('rate limit: perSecond > 0 and burst >= 1 required');
  const windowSeconds = Math.ceil(burst / perSecond);
  const policy = `${burst};w=${windowSeconds}`;

  return async (_req, res, next) => {
    const { allowed, tokens } = await take(principalOf(res).keyId, options);
    res.set({
      'RateLimit-Limit': String(burst),
      'RateLimit-Remaining': String(Math.floor(tokens)),
      // Seconds until the bucket is full again.
      'RateLimit-Reset': String(Math.ceil((burst - tokens) / perSecond)),
      'RateLimit-Policy': policy,
    });
    if (allowed) return next();
    const retryAfter = Math.max(1, Math.ceil((1 - tokens) / perSecond));
    throw new HttpError(
      429,
      'Too Many Requests',
      `rate limit of this API key exceeded: ${perSecond} requests per second, bursts of ${burst}; retry in ${retryAfter} s`,
      undefined,
      { 'Retry-After': String(retryAfter) },
    );
  };
}
