/** A token bucket's settings: `burst` requests at once, `perSecond` on average. */
export interface TokenBucketOptions {
  /** Tokens added per second: the sustained rate. */
  perSecond: number;
  /** Bucket size: how many requests may come at once after a quiet spell. */
  burst: number;
}

export interface BucketState {
  tokens: number;
  /** When `tokens` was last brought up to date, in ms. */
  at: number;
}

/** The outcome of asking for one token: whether it was granted, and what is left afterwards. */
export interface Take {
  allowed: boolean;
  tokens: number;
}

/** Refills for the time since `state.at` (never above the burst), then takes a token if one is whole. */
export function takeToken(
  options: TokenBucketOptions,
  state: BucketState | undefined,
  now: number,
): {
  take: Take;
  state: BucketState;
} {
  const elapsed = state ? Math.max(0, now - state.at) : 0;
  const refilled = state
    ? Math.min(options.burst, state.tokens + (elapsed / 1000) * options.perSecond)
    : options.burst;
  const allowed = refilled >= 1;
  const tokens = allowed ? refilled - 1 : refilled;
  return { take: { allowed, tokens }, state: { tokens, at: Math.max(now, state?.at ?? now) } };
}
