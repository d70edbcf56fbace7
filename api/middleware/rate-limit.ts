import type { RequestHandler } from 'express';
import { HttpError } from '../http-error';
import { principalOf } from './authenticate';

export interface RateLimitOptions {
  /** Tokens added per second: the sustained rate. */
  perSecond: number;
  /** Bucket size: how many requests may come at once after a quiet spell. */
  burst: number;
}

/** The defaults of RATE_LIMIT_INGEST_PER_SECOND and RATE_LIMIT_INGEST_BURST (config/env.ts). */
export const DEFAULT_INGEST_RATE_LIMIT: RateLimitOptions = { perSecond: 200, burst: 400 };

interface Bucket {
  tokens: number;
  /** When `tokens` was last brought up to date, in ms. */
  at: number;
}

/** Idle buckets are full, so forgetting them changes nothing; swept at most this often. */
const SWEEP_INTERVAL_MS = 60_000;

/**
 * A token bucket per API key id, for the routes that write interactions and score changes: a key
 * may send `burst` requests at once and `perSecond` on average. Mount after authenticate.
 *
 * The buckets live in this process's memory. That is enough while one API process serves an
 * account's keys: N processes behind a load balancer would each allow the full rate (N× in
 * total). A shared store (Postgres or Redis) would be needed then; per process is deliberate.
 *
 * Every answer carries RateLimit-Limit / -Remaining / -Reset / -Policy (IETF httpapi draft); a
 * refusal is 429 problem+json with Retry-After, the whole seconds until one request is allowed.
 */
export function tokenBucketRateLimit(
  options: RateLimitOptions,
  now: () => number = Date.now,
): RequestHandler {
  const { perSecond, burst } = options;
  if (!(perSecond > 0) || !(burst >= 1)) throw new Error('rate limit: perSecond > 0 and burst >= 1 required');
  const buckets = new Map<string, Bucket>();
  const windowSeconds = Math.ceil(burst / perSecond);
  const policy = `${burst};w=${windowSeconds}`;
  let lastSweep = now();

  const refill = (bucket: Bucket, t: number) => {
    bucket.tokens = Math.min(burst, bucket.tokens + ((t - bucket.at) / 1000) * perSecond);
    bucket.at = t;
  };

  const sweep = (t: number) => {
    if (t - lastSweep < SWEEP_INTERVAL_MS) return;
    lastSweep = t;
    for (const [key, bucket] of buckets) {
      refill(bucket, t);
      if (bucket.tokens >= burst) buckets.delete(key);
    }
  };

  return (_req, res, next) => {
    const t = now();
    sweep(t);
    const key = principalOf(res).keyId;
    let bucket = buckets.get(key);
    if (!bucket) {
      bucket = { tokens: burst, at: t };
      buckets.set(key, bucket);
    }
    refill(bucket, t);
    const allowed = bucket.tokens >= 1;
    if (allowed) bucket.tokens -= 1;
    res.set({
      'RateLimit-Limit': String(burst),
      'RateLimit-Remaining': String(Math.floor(bucket.tokens)),
      // Seconds until the bucket is full again.
      'RateLimit-Reset': String(Math.ceil((burst - bucket.tokens) / perSecond)),
      'RateLimit-Policy': policy,
    });
    if (allowed) return next();
    const retryAfter = Math.max(1, Math.ceil((1 - bucket.tokens) / perSecond));
    throw new HttpError(
      429,
      'Too Many Requests',
      `rate limit of this API key exceeded: ${perSecond} requests per second, bursts of ${burst}; retry in ${retryAfter} s`,
      undefined,
      { 'Retry-After': String(retryAfter) },
    );
  };
}
