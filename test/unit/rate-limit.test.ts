import type { Request, Response } from 'express';
import { loadEnv } from '../../config/env';
import { HttpError } from '../../api/http-error';
import {
  DEFAULT_INGEST_RATE_LIMIT,
  memoryBuckets,
  tokenBucketRateLimit,
} from '../../api/middleware/rate-limit';

/** Runs the middleware for one request of `keyId` at the fake clock's time. */
function caller(perSecond: number, burst: number) {
  let now = 0;
  const limit = tokenBucketRateLimit(
    { perSecond, burst },
    memoryBuckets(() => now),
  );
  return {
    advance(ms: number) {
      now += ms;
    },
    async request(
      keyId = 'key_a',
    ): Promise<{ allowed: boolean; headers: Record<string, string>; error?: HttpError }> {
      const headers: Record<string, string> = {};
      const res = {
        locals: { principal: { keyId, accountId: 'acct', scopes: ['write'] } },
        set: (values: Record<string, string>) => Object.assign(headers, values),
      } as unknown as Response;
      let allowed = false;
      try {
        await limit({} as Request, res, () => (allowed = true));
      } catch (err) {
        return { allowed, headers, error: err as HttpError };
      }
      return { allowed, headers };
    },
  };
}

describe('token bucket rate limit', () => {
  it('when a key sends its burst at once, then the next request waits for one token', async () => {
    const c = caller(2, 3);
    expect([await c.request(), await c.request(), await c.request()].map((r) => r.allowed)).toEqual([
      true,
      true,
      true,
    ]);
    const refused = await c.request();
    expect(refused.allowed).toBe(false);
    expect(refused.error).toMatchObject({ status: 429, headers: { 'Retry-After': '1' } });
    expect(refused.headers).toEqual({
      'RateLimit-Limit': '3',
      'RateLimit-Remaining': '0',
      'RateLimit-Reset': '2',
      'RateLimit-Policy': '3;w=2',
    });
    c.advance(499);
    expect((await c.request()).allowed).toBe(false);
    c.advance(1);
    expect((await c.request()).allowed).toBe(true);
  });

  it('when time passes, then tokens come back at the rate, never above the burst', async () => {
    const c = caller(10, 5);
    for (let i = 0; i < 5; i++) await c.request();
    c.advance(250);
    expect((await c.request()).headers['RateLimit-Remaining']).toBe('1');
    c.advance(60_000);
    expect((await c.request()).headers['RateLimit-Remaining']).toBe('4');
  });

  it('when keys differ, then each has its own bucket', async () => {
    const c = caller(1, 1);
    expect((await c.request('key_a')).allowed).toBe(true);
    expect((await c.request('key_a')).allowed).toBe(false);
    expect((await c.request('key_b')).allowed).toBe(true);
  });

  it('when the rate is below one per second, then Retry-After is the whole seconds until a token', async () => {
    const c = caller(0.25, 1);
    await c.request();
    expect((await c.request()).error?.headers['Retry-After']).toBe('4');
  });

  it('when nothing is configured, then the defaults are those of config/env.ts', () => {
    const env = loadEnv({});
    expect({ perSecond: env.RATE_LIMIT_INGEST_PER_SECOND, burst: env.RATE_LIMIT_INGEST_BURST }).toEqual(
      DEFAULT_INGEST_RATE_LIMIT,
    );
    expect(() => loadEnv({ RATE_LIMIT_INGEST_BURST: '0' })).toThrow(/RATE_LIMIT_INGEST_BURST/);
    expect(() => loadEnv({ WORKER_METRICS_ADDRESS: '9464' })).toThrow(
      /WORKER_METRICS_ADDRESS: must be host:port/,
    );
  });
});
