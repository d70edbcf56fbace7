import { setTimeout as sleep } from 'node:timers/promises';

export interface Summary {
  count: number;
  min: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
  mean: number;
}

/** Nearest-rank percentiles of a sample (milliseconds, usually). */
export function summarize(values: readonly number[]): Summary {
  if (values.length === 0) return { count: 0, min: NaN, p50: NaN, p95: NaN, p99: NaN, max: NaN, mean: NaN };
  const sorted = [...values].sort((a, b) => a - b);
  const at = (p: number) =>
    sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))]!;
  return {
    count: sorted.length,
    min: round(sorted[0]!),
    p50: round(at(0.5)),
    p95: round(at(0.95)),
    p99: round(at(0.99)),
    max: round(sorted.at(-1)!),
    mean: round(sorted.reduce((s, v) => s + v, 0) / sorted.length),
  };
}

export const round = (value: number, digits = 1) => {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
};

export const now = () => performance.now();

/** The time budget of one section: loops stop issuing work once it is aborted. */
export class SectionContext {
  private readonly controller = new AbortController();
  private currentPhase = 'start';
  readonly notes: string[] = [];

  constructor(
    readonly name: string,
    readonly budgetMs: number,
  ) {}

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  get phaseName(): string {
    return this.currentPhase;
  }

  phase(name: string): void {
    this.currentPhase = name;
    process.stdout.write(`  [${this.name}] ${name}\n`);
  }

  note(text: string): void {
    this.notes.push(text);
    process.stdout.write(`  [${this.name}] ${text}\n`);
  }

  abort(reason: Error): void {
    this.controller.abort(reason);
  }

  /** Throws the section's abort reason if its deadline passed. */
  check(): void {
    if (this.signal.aborted) throw this.signal.reason as Error;
  }

  /** Sleeps, but wakes up (throwing) when the section is aborted. */
  async sleep(ms: number): Promise<void> {
    this.check();
    await sleep(ms, undefined, { signal: this.signal }).catch(() => undefined);
    this.check();
  }

  /** Polls until `done` returns a value, checking every intervalMs. */
  async until<T>(what: string, intervalMs: number, done: () => Promise<T | undefined>): Promise<T> {
    this.phase(`waiting: ${what}`);
    for (;;) {
      const value = await done();
      if (value !== undefined) return value;
      await this.sleep(intervalMs);
    }
  }
}

export class DeadlineError extends Error {
  override name = 'DeadlineError';
}

/**
 * Runs `jobs` jobs with `concurrency` loops pulling the next index. Stops issuing once the section
 * is aborted. A job that throws is counted, not fatal: the caller decides what errors mean.
 */
export async function runPool(
  ctx: SectionContext,
  jobs: number,
  concurrency: number,
  job: (index: number) => Promise<void>,
): Promise<{ errors: number; firstError?: unknown }> {
  let next = 0;
  let errors = 0;
  let firstError: unknown;
  const loop = async () => {
    while (next < jobs && !ctx.signal.aborted) {
      const index = next++;
      try {
        await job(index);
      } catch (err) {
        errors += 1;
        firstError ??= err;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, jobs) }, loop));
  ctx.check();
  return { errors, firstError };
}

/** Retries a call a few times (transient 503s, a busy server), then gives up with the last error. */
export async function withRetries<T>(
  ctx: SectionContext,
  attempts: number,
  call: () => Promise<T>,
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await call();
    } catch (err) {
      if (attempt >= attempts || ctx.signal.aborted) throw err;
      await ctx.sleep(100 * attempt);
    }
  }
}

export function formatError(err: unknown): string {
  if (err instanceof Error) return `${err.name}: ${err.message}`;
  return String(err);
}
