import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import type { Client } from '@temporalio/client';
import { bundleWorkflowCode, NativeConnection, type Worker } from '@temporalio/worker';
import pino from 'pino';
import { createApp } from '../../api/app';
import { createTemporalGate } from '../../api/temporal-gate';
import { installTemporalRuntime } from '../../config/temporal-runtime';
import { createApiKey, ensureAccount, type ApiKeyScope } from '../../db/accounts';
import type { Db } from '../../db/pool';
import type { Rule } from '../../domain/rule';
import { createWorker, workflowsPath, type PulseWorkerOptions } from '../../worker/create-worker';
import { uniqueId } from './builders';
import { quietBundlerLogger } from '../../worker/quiet-bundler-logger';
import { scoreAtIngestFromEnv } from './score-at-ingest-mode';

/**
 * Building blocks for the fault tests (test/fault/): they stop servers, so they wire the API and
 * workers to servers of their own instead of using startHarness() as it is.
 */

export interface RawResponse<T = any> {
  status: number;
  headers: Headers;
  /** The body as sent, for answers that are not JSON. */
  text: string;
  /** Parsed JSON, or undefined when the body is empty or not JSON. */
  body: T;
}

export interface FaultAccount {
  accountId: string;
  keys: Record<ApiKeyScope, string>;
  /**
   * Calls the API as this account (admin key unless another is given). A string body is sent as
   * it is, so a test can send text that is not JSON. Bounded in time: a hung call fails the test.
   */
  call<T = any>(
    method: string,
    path: string,
    body?: unknown,
    opts?: { key?: string | null; contentType?: string | null; timeoutMs?: number },
  ): Promise<RawResponse<T>>;
}

export interface ApiServer {
  baseUrl: string;
  close(): Promise<void>;
}

/** The production app (api/app.ts) on an ephemeral port, wired to the given Postgres and Temporal. */
export async function startApi(deps: { db: Db; temporal: Client; taskQueue: string }): Promise<ApiServer> {
  const temporalGate = createTemporalGate(deps.temporal);
  const app = createApp({
    ...deps,
    temporalGate,
    logger: pino({ level: 'silent' }),
    scoreAtIngest: scoreAtIngestFromEnv(),
  });
  const server: Server = await new Promise((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  return {
    baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: async () => {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        // Requests still hanging on a stopped backend must not keep the test file open.
        server.closeAllConnections();
      });
      // The caller closes the client next: no SDK retry may still be pending on it.
      await temporalGate.drain(10_000);
    },
  };
}

export async function createAccount(db: Db, baseUrl: string): Promise<FaultAccount> {
  const accountId = uniqueId('acct').toLowerCase();
  await ensureAccount(db, accountId, accountId);
  const keys = {} as Record<ApiKeyScope, string>;
  for (const scope of ['read', 'write', 'admin'] as const) {
    keys[scope] = (await createApiKey(db, { accountId, scopes: [scope], name: scope })).key;
  }
  return accountVia(baseUrl, accountId, keys);
}

/** The same account's keys, calling the API at `baseUrl` (another replica, say). */
export function accountVia(
  baseUrl: string,
  accountId: string,
  keys: Record<ApiKeyScope, string>,
): FaultAccount {
  return {
    accountId,
    keys,
    async call(method, path, body, opts = {}) {
      const { key = keys.admin, contentType = 'application/json', timeoutMs = 60_000 } = opts;
      const headers: Record<string, string> = {};
      if (key !== null) headers.authorization = `Bearer ${key}`;
      if (body !== undefined && contentType !== null) headers['content-type'] = contentType;
      const res = await fetch(baseUrl + path, {
        method,
        headers,
        body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
        signal: AbortSignal.timeout(timeoutMs),
      });
      const text = await res.text();
      let parsed: unknown;
      try {
        parsed = text ? JSON.parse(text) : undefined;
      } catch {
        parsed = undefined;
      }
      return { status: res.status, headers: res.headers, text, body: parsed as any };
    },
  };
}

let bundle: Promise<Awaited<ReturnType<typeof bundleWorkflowCode>>> | undefined;

/** The workflow bundle, built once per test file. */
export function workflowBundle(): Promise<Awaited<ReturnType<typeof bundleWorkflowCode>>> {
  bundle ??= bundleWorkflowCode({ workflowsPath: workflowsPath(), logger: quietBundlerLogger });
  return bundle;
}

export interface InProcessWorker {
  worker: Worker;
  /** Settles when Worker.run does; rejects if the worker failed. */
  running: Promise<void>;
  stop(): Promise<void>;
}

/** The production worker factory, run in this process against the given Temporal and Postgres. */
export async function startInProcessWorker(opts: {
  address: string;
  taskQueue: string;
  db: Db;
  overrideActivities?: PulseWorkerOptions['overrideActivities'];
}): Promise<InProcessWorker> {
  installTemporalRuntime('ERROR');
  const connection = await NativeConnection.connect({ address: opts.address });
  const worker = await createWorker({
    connection,
    namespace: 'default',
    taskQueue: opts.taskQueue,
    db: opts.db,
    workflowBundle: await workflowBundle(),
    overrideActivities: opts.overrideActivities,
  });
  const running = worker.run();
  // Observed by the test through `running`; never an unhandled rejection.
  running.catch(() => undefined);
  let stopping: Promise<void> | undefined;
  return {
    worker,
    running,
    stop: () =>
      (stopping ??= (async () => {
        if (worker.getState() === 'RUNNING') worker.shutdown();
        await running.catch(() => undefined);
        await connection.close().catch(() => undefined);
      })()),
  };
}

/** One rule per interaction type, without criteria: the score is a sum of points by type. */
export function rulesFor(points: Record<string, number>): Rule[] {
  return Object.entries(points).map(([type, p]) => ({
    id: `r-${type.replace(/_/g, '-')}`,
    interactionType: type,
    criteria: [],
    points: p,
  }));
}

/** Creates profile `engagement` with the given rules and publishes it (version 1). */
export async function publishProfile(
  account: FaultAccount,
  rules: Rule[],
  profileId = 'engagement',
): Promise<void> {
  const created = await account.call('POST', '/profiles', { id: profileId, name: 'Engagement', rules });
  if (created.status !== 201) throw new Error(`POST /profiles: ${created.status} ${created.text}`);
  const published = await account.call('POST', `/profiles/${profileId}/publish`);
  if (published.status !== 201) throw new Error(`publish: ${published.status} ${published.text}`);
}

/** A small seeded PRNG (mulberry32), so a failing random schedule can be replayed from its seed. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function shuffled<T>(items: readonly T[], random: () => number): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Every response a delivery got, in order, so a test can assert on what clients saw. */
export interface DeliveryAttempt {
  status: number | 'network-error';
  retryAfter: string | null;
  contentType: string | null;
  /** problem+json title/detail for errors. */
  detail?: string;
  /** When the answer came, and how long the request took. */
  at: number;
  ms: number;
}

export interface Delivery {
  path: string;
  body: unknown;
  attempts: DeliveryAttempt[];
  /** The last status: 2xx when the delivery got through. */
  final?: number | 'network-error';
}

/**
 * Posts every delivery with at most `concurrency` in flight, spread over `spreadMs`, the way a
 * well-behaved client would: a 503 is retried after its Retry-After (capped at `maxRetryAfterMs`)
 * until `deadline`; anything else is final. Resolves when every delivery has a final answer.
 */
export async function deliverAll(
  account: FaultAccount,
  deliveries: Delivery[],
  opts: {
    concurrency: number;
    spreadMs: number;
    deadline: number;
    maxRetryAfterMs?: number;
    onAttempt?: (delivery: Delivery, attempt: DeliveryAttempt) => void;
  },
): Promise<void> {
  const started = Date.now();
  const interval = deliveries.length > 0 ? opts.spreadMs / deliveries.length : 0;
  let next = 0;
  async function lane(): Promise<void> {
    for (;;) {
      const index = next++;
      const delivery = deliveries[index];
      if (!delivery) return;
      const notBefore = started + index * interval;
      if (Date.now() < notBefore) await sleep(notBefore - Date.now());
      await deliverOne(delivery);
    }
  }
  async function deliverOne(delivery: Delivery): Promise<void> {
    for (;;) {
      let attempt: DeliveryAttempt;
      const sentAt = Date.now();
      try {
        const res = await account.call('POST', delivery.path, delivery.body, {
          key: account.keys.write,
          timeoutMs: Math.max(1_000, opts.deadline - Date.now()),
        });
        attempt = {
          status: res.status,
          retryAfter: res.headers.get('retry-after'),
          contentType: res.headers.get('content-type'),
          ...(res.status >= 400 && { detail: `${res.body?.title}: ${res.body?.detail}` }),
          at: Date.now(),
          ms: Date.now() - sentAt,
        };
      } catch (err) {
        attempt = {
          status: 'network-error',
          retryAfter: null,
          contentType: null,
          detail: String(err),
          at: Date.now(),
          ms: Date.now() - sentAt,
        };
      }
      delivery.attempts.push(attempt);
      delivery.final = attempt.status;
      opts.onAttempt?.(delivery, attempt);
      const retryable = attempt.status === 503 || attempt.status === 'network-error';
      if (!retryable || Date.now() > opts.deadline) return;
      const retryAfterMs = Number(attempt.retryAfter ?? '1') * 1_000;
      await sleep(
        Math.min(Number.isFinite(retryAfterMs) ? retryAfterMs : 1_000, opts.maxRetryAfterMs ?? 5_000),
      );
    }
  }
  await Promise.all(Array.from({ length: opts.concurrency }, () => lane()));
}

/** Every stored interaction of the account is applied, and exactly the expected ids are stored. */
export async function appliedState(
  db: Db,
  accountId: string,
): Promise<{ stored: number; unapplied: number; ids: Map<string, Set<string>> }> {
  const { rows } = await db.query<{ contact_id: string; id: string; applied: boolean }>(
    `SELECT contact_id, id, applied_at IS NOT NULL AS applied FROM interactions WHERE account_id = $1`,
    [accountId],
  );
  const ids = new Map<string, Set<string>>();
  for (const r of rows) {
    let set = ids.get(r.contact_id);
    if (!set) ids.set(r.contact_id, (set = new Set()));
    set.add(r.id);
  }
  return { stored: rows.length, unapplied: rows.filter((r) => !r.applied).length, ids };
}

/** Ledger rows vs distinct (contact, profile, version, interaction, rule): equal when nothing is doubled. */
export async function ledgerDuplicates(
  db: Db,
  accountId: string,
): Promise<{ rows: number; distinct: number }> {
  const { rows } = await db.query<{ n: number; distinct_n: number }>(
    `SELECT count(*)::int AS n,
            count(DISTINCT (contact_id, profile_id, profile_version, interaction_id, rule_id))::int AS distinct_n
     FROM score_ledger WHERE account_id = $1`,
    [accountId],
  );
  return { rows: rows[0]!.n, distinct: rows[0]!.distinct_n };
}

/** Per contact: the stored score and the sum of its ledger deltas (they must agree). */
export async function scoresAndLedgerSums(
  db: Db,
  accountId: string,
  profileId = 'engagement',
): Promise<Map<string, { score: number | null; ledgerSum: number }>> {
  const { rows } = await db.query<{ contact_id: string; score: number | null; ledger_sum: number }>(
    `SELECT c.id AS contact_id, s.score,
            COALESCE((SELECT sum(l.delta) FROM score_ledger l
                      WHERE l.account_id = c.account_id AND l.contact_id = c.id AND l.profile_id = $2), 0)::int AS ledger_sum
     FROM contacts c
     LEFT JOIN contact_scores s ON s.account_id = c.account_id AND s.contact_id = c.id AND s.profile_id = $2
     WHERE c.account_id = $1`,
    [accountId, profileId],
  );
  return new Map(rows.map((r) => [r.contact_id, { score: r.score, ledgerSum: r.ledger_sum }]));
}
