import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Client } from '@temporalio/client';
import { ensureReconcilerSchedule } from '../../clients/reconciler-schedule';
import { lazyApiTemporalClient } from '../../config/temporal';
import { temporalSettingsAt } from '../../config/temporal-connection';
import { createPool, type Db } from '../../db/pool';
import { findFreePort } from '../../stack/free-port';
import { anInteraction } from '../support/builders';
import { eventually } from '../support/eventually';
import {
  appliedState,
  createAccount,
  deliverAll,
  ledgerDuplicates,
  publishProfile,
  rulesFor,
  seededRandom,
  shuffled,
  sleep,
  startApi,
  startInProcessWorker,
  type ApiServer,
  type Delivery,
  type FaultAccount,
  type InProcessWorker,
  type RawResponse,
} from '../support/fault-kit';
import { expectedScoresBySql, storedScores } from '../support/scoring-fixtures';
import { startTestTemporal, type TestTemporal } from '../support/test-temporal';

/**
 * The Temporal server goes away mid-stream and comes back on the same database and port. This
 * file runs a Temporal server of its own (it stops it: a dev server, or under test:cluster the
 * real server on Postgres), with the API and an in-process worker wired to it, and the reconciler
 * Schedule on it; Pulse's Postgres is the global one.
 */

const POINTS = { email_opened: 1, email_clicked: 3, form_submitted: 5, appointment_booked: -2 };
const TYPES = Object.keys(POINTS);
const CONTACTS = 20;
const BATCHES_PER_CONTACT = 12;
/**
 * Longer than the SDK client's default gRPC retries (10 attempts, ≈20 s of backoff), which once
 * held every request 18–23 s before its 503; and longer than the stream, which ends while
 * Temporal is still away, so what was accepted meanwhile can only be applied by the reconciler.
 */
const DOWN_MS = 30_000;
/** Every answer that depends on Temporal being away comes within this. */
const ANSWER_BOUND_MS = 2_000;

let root: string;
let port: number;
let temporal: TestTemporal | undefined;
let db: Db;
let client: Client | undefined;
let api: ApiServer | undefined;
let worker: InProcessWorker | undefined;
let taskQueue: string;
/** Left by the scenario for the BUG test after it. */
let outage: { account: FaultAccount; publishStatus: number } | undefined;

function startServer(): Promise<TestTemporal> {
  return startTestTemporal({ dir: root, name: 'restart', postgresUrl: process.env.DATABASE_URL!, port });
}

beforeAll(async () => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'pulse-fault-temporal-'));
  port = await findFreePort();
  temporal = await startServer();
  db = createPool(process.env.DATABASE_URL!);
  // The API's own way of connecting (api/server.ts).
  client = lazyApiTemporalClient(temporalSettingsAt(temporal.address));
  taskQueue = `fault-temporal-${randomUUID()}`;
  worker = await startInProcessWorker({ address: temporal.address, taskQueue, db });
  api = await startApi({ db, temporal: client, taskQueue });
}, 120_000);

afterAll(async () => {
  await api?.close();
  await worker?.stop();
  await client?.connection.close().catch(() => undefined);
  await temporal?.stop();
  await db?.end();
  fs.rmSync(root, { recursive: true, force: true });
}, 60_000);

describe('the Temporal server restarts mid-stream', () => {
  it('when it is down, then interactions are still accepted (202) and the routes that need it answer 503 + Retry-After, all within 2 s; once back, the reconciler applies everything accepted meanwhile with no new request', async () => {
    const seed = Date.now();
    const random = seededRandom(seed);
    const account = await createAccount(db, api!.baseUrl);
    await ensureReconcilerSchedule(client!, {
      taskQueue,
      intervalSeconds: 1,
      graceSeconds: 1,
      accountId: account.accountId,
    });
    await publishProfile(account, rulesFor(POINTS));
    // A second profile, published while Temporal is down (its re-score is a workflow).
    const second = await account.call('POST', '/profiles', {
      id: 'second',
      name: 'S',
      rules: rulesFor({ email_opened: 2 }),
    });
    expect(second.status).toBe(201);
    const contacts = Array.from({ length: CONTACTS }, (_, i) => `c${String(i).padStart(2, '0')}`);
    for (const id of contacts) expect((await account.call('POST', '/contacts', { id })).status).toBe(201);

    const deliveries: Delivery[] = shuffled(
      contacts.flatMap((contact) =>
        Array.from({ length: BATCHES_PER_CONTACT }, () => ({
          path: `/contacts/${contact}/interactions`,
          body: Array.from({ length: 1 + Math.floor(random() * 3) }, () =>
            anInteraction({ type: TYPES[Math.floor(random() * TYPES.length)]! }),
          ),
          attempts: [],
        })),
      ),
      random,
    );

    const started = Date.now();
    const streaming = deliverAll(account, deliveries, {
      concurrency: 12,
      spreadMs: 20_000,
      deadline: started + 150_000,
    });

    // Mid-stream: some deliveries are in, most are still to come.
    await eventually(
      () =>
        Promise.resolve().then(() =>
          expect(deliveries.filter((d) => d.final === 202).length).toBeGreaterThan(30),
        ),
      { timeoutMs: 30_000 },
    );
    const downAt = Date.now();
    await temporal!.stop();
    temporal = undefined;
    // Besides ingest, the other routes that need Temporal, and one that does not.
    const timed = async (call: Promise<RawResponse>) => {
      const sentAt = Date.now();
      const res = await call;
      return { res, ms: Date.now() - sentAt };
    };
    const probes = await Promise.all([
      timed(
        account.call('POST', '/contacts/c00/score-adjustments', {
          profileId: 'engagement',
          points: 3,
          reason: 'outage',
        }),
      ),
      timed(account.call('POST', '/profiles/second/publish')),
      timed(account.call('GET', '/profiles/engagement/versions/1/rescore')),
      timed(account.call('GET', '/contacts/c01/score', undefined, { key: account.keys.read })),
    ]);
    const readiness = await fetch(`${api!.baseUrl}/readyz`);
    const readinessBody = (await readiness.json()) as Record<string, string>;
    await streaming;
    const streamEndedAt = Date.now();
    // The stream ended while Temporal was away: from here on, nobody sends anything.
    expect(streamEndedAt - downAt).toBeLessThan(DOWN_MS);
    // Nothing can apply what came in while Temporal is away: it waits in Postgres.
    const sent = new Set(deliveries.flatMap((d) => (d.body as { id: string }[]).map((i) => i.id)));
    const stranded = await appliedState(db, account.accountId);
    expect(stranded.stored).toBe(sent.size);
    expect(stranded.unapplied).toBeGreaterThan(0);
    await sleep(DOWN_MS - (Date.now() - downAt));
    const restartAt = Date.now();
    temporal = await startServer();
    const upAt = Date.now();

    // What the clients saw.
    const attempts = deliveries.flatMap((d) => d.attempts);
    const duringOutage = attempts.filter((a) => a.at - a.ms >= downAt);
    const outageLatencies = duringOutage.map((a) => a.ms);
    console.log(
      `temporal-restart (seed ${seed}): ${deliveries.length} deliveries, ${attempts.length} attempts in ${streamEndedAt - started} ms; ` +
        `down ${upAt - downAt} ms; statuses ${JSON.stringify(countBy(attempts.map((a) => a.status)))}; ` +
        `${duringOutage.length} sent during the outage, answered in ${Math.min(...outageLatencies)}–${Math.max(...outageLatencies)} ms; ` +
        `503s of the routes that need Temporal in ${probes
          .slice(0, 3)
          .map((p) => p.ms)
          .join(', ')} ms`,
    );
    // Every delivery was accepted at once, the ones sent during the outage too.
    expect(attempts.filter((a) => a.status !== 202)).toEqual([]);
    expect(deliveries.filter((d) => d.attempts.length !== 1)).toEqual([]);
    expect(duringOutage.length).toBeGreaterThan(50);
    expect(Math.max(...outageLatencies)).toBeLessThan(ANSWER_BOUND_MS);

    // The other routes: 503 + Retry-After within the bound where Temporal is needed, an answer where it is not.
    expect(probes.map((p) => p.res.status)).toEqual([503, 503, 503, 200]);
    for (const probe of probes.slice(0, 3)) {
      expect(probe.ms).toBeLessThan(ANSWER_BOUND_MS);
      expect(probe.res.headers.get('retry-after')).toMatch(/^\d+$/);
      expect(probe.res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect(probe.res.body.detail).toMatch(/Temporal is unavailable/);
    }
    // Ready (it takes interactions), and says what is down.
    expect(readiness.status).toBe(200);
    expect(readinessBody).toMatchObject({ postgres: 'ok', temporal: 'down' });

    // Nothing lost: every interaction stored once and applied, every score exact, with no new request.
    await eventually(
      async () => {
        const state = await appliedState(db, account.accountId);
        expect({ stored: state.stored, unapplied: state.unapplied }).toEqual({
          stored: sent.size,
          unapplied: 0,
        });
        const expected = await expectedScoresBySql(db, account.accountId, POINTS);
        const stored = await storedScores(db, account.accountId, 'engagement');
        for (const [contact, score] of expected)
          expect([contact, stored.get(contact)]).toEqual([contact, { score, version: 1 }]);
      },
      { timeoutMs: 120_000, intervalMs: 500 },
    );
    console.log(
      `temporal-restart: ${stranded.unapplied} interactions accepted during the outage applied ${Date.now() - restartAt} ms after the restart began (the dev server took ${upAt - restartAt} ms to be ready)`,
    );
    const ledger = await ledgerDuplicates(db, account.accountId);
    expect(ledger.rows).toBe(ledger.distinct);
    // The worker rode out the outage without being restarted.
    expect(worker!.worker.getState()).toBe('RUNNING');
    outage = { account, publishStatus: probes[1].res.status };
  }, 300_000);

  /*
   * BUG 4 (found by this file; fails until fixed). POST /profiles/:id/publish commits the new
   * version in Postgres first and then starts its re-score workflow (api/app.ts onPublished →
   * clients/rescore-workflow.ts startRescore). With Temporal away the start fails and the client
   * gets 503 + Retry-After, which says "nothing happened, try again", but the version is live and
   * no re-score is ever started: contacts that get no new interaction are never brought to the
   * new version (here, under a profile never published before, they show 0 whatever their
   * history; the stream's contacts heal only because applyScoringRules re-scores on their next
   * batch). A client that does retry publishes a second, identical version instead. Fix: make the publish all-or-nothing
   * (start the re-score, idempotent per version with USE_EXISTING, before committing the version,
   * and have the re-score do nothing for a version that never committed), or record the pending
   * re-score in the publish transaction and let a reconciler (or the next publish/GET) start it.
   */
  it('BUG 4: a publish answered 503 while Temporal was down leaves no live version without its re-score', async () => {
    if (!outage) throw new Error('the scenario above did not finish');
    const { account, publishStatus } = outage;
    expect(publishStatus).toBe(503);
    const profile = await account.call('GET', '/profiles/second', undefined, { key: account.keys.read });
    expect(profile.status).toBe(200);
    const liveVersion = (profile.body as { liveVersion: number | null }).liveVersion;
    if (liveVersion === null) return; // not published: the 503 told the truth
    const rescore = await eventually(
      async () => {
        const res = await account.call('GET', `/profiles/second/versions/${liveVersion}/rescore`, undefined, {
          key: account.keys.read,
        });
        expect([`live version ${liveVersion}, its re-score`, res.status]).toEqual([
          `live version ${liveVersion}, its re-score`,
          200,
        ]);
        return res;
      },
      { timeoutMs: 20_000, intervalMs: 1_000 },
    );
    expect(rescore.body.version).toBe(liveVersion);
  }, 60_000);
});

function countBy<T extends string | number>(values: T[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const v of values) out[String(v)] = (out[String(v)] ?? 0) + 1;
  return out;
}
