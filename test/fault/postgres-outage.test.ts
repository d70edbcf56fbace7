import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Context as ActivityContext } from '@temporalio/activity';
import type { Client } from '@temporalio/client';
import { deliverInteractions } from '../../clients/contact-workflow';
import { connectTemporalClient } from '../../config/temporal';
import { temporalSettingsAt } from '../../config/temporal-connection';
import { isUnavailableError } from '../../api/unavailable';
import { createPool, withTransaction, type Db } from '../../db/pool';
import { forEachSimulationPage } from '../../db/simulation';
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
  type InProcessWorker,
} from '../support/fault-kit';
import { startPostgresProcess, type PostgresProcess } from '../support/postgres-process';
import { expectedScoresBySql, storedScores } from '../support/scoring-fixtures';

/**
 * Postgres goes away for a few seconds mid-stream and comes back on the same port and data.
 * This file runs an embedded Postgres of its own (it stops it), with the API and an in-process
 * worker wired to it; Temporal is the global one, on a task queue of this file's own.
 */

const POINTS = { email_opened: 1, email_clicked: 3, form_submitted: 5, appointment_booked: -2 };
const TYPES = Object.keys(POINTS);
const CONTACTS = 20;
const BATCHES_PER_CONTACT = 12;
/** At least this long down; longer if the activities' retrying takes longer to show. */
const DOWN_MS = 6_000;
const MAX_DOWN_MS = 20_000;

let root: string;
let port: number;
let postgres: PostgresProcess | undefined;
let db: Db | undefined;
let client: Client | undefined;
let api: ApiServer | undefined;
let worker: InProcessWorker | undefined;
let taskQueue: string;
/** Attempts of scoring passes (local activities, so not in describe()'s pending activities), by contact. */
const scoringAttempts = new Map<string, number>();

function startPostgres(): Promise<PostgresProcess> {
  return startPostgresProcess({ dataDir: path.join(root, 'postgres'), port, database: 'pulse_fault' });
}

beforeAll(async () => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'pulse-fault-pg-'));
  port = await findFreePort();
  postgres = await startPostgres();
  db = createPool(postgres.url);
  client = await connectTemporalClient(temporalSettingsAt(process.env.TEMPORAL_ADDRESS!));
  taskQueue = `fault-pg-${randomUUID()}`;
  worker = await startInProcessWorker({
    address: process.env.TEMPORAL_ADDRESS!,
    taskQueue,
    db,
    // Observes the real pass, unchanged: which attempt each contact's latest call was.
    overrideActivities: (real) => ({
      applyScoringRules(input) {
        const { attempt } = ActivityContext.current().info;
        scoringAttempts.set(input.contactId, Math.max(attempt, scoringAttempts.get(input.contactId) ?? 0));
        return real.applyScoringRules(input);
      },
    }),
  });
  api = await startApi({ db, temporal: client, taskQueue });
}, 120_000);

afterAll(async () => {
  await api?.close();
  await worker?.stop();
  await client?.connection.close().catch(() => undefined);
  await db?.end();
  await postgres?.stop();
  fs.rmSync(root, { recursive: true, force: true });
}, 60_000);

describe('Postgres is away for a few seconds mid-stream', () => {
  it('when it is down, then the API answers 503 with Retry-After (never 500) and activities retry; once back, nothing is lost and every score is exact', async () => {
    const seed = Date.now();
    const random = seededRandom(seed);
    const account = await createAccount(db!, api!.baseUrl);
    await publishProfile(account, rulesFor(POINTS));
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
      concurrency: 8,
      spreadMs: 30_000,
      deadline: started + 120_000,
    });

    await eventually(
      () =>
        Promise.resolve().then(() =>
          expect(deliveries.filter((d) => d.final === 202).length).toBeGreaterThan(40),
        ),
      { timeoutMs: 30_000 },
    );
    // The moment it goes away is chosen: a transaction and a simulation read on the shared pool are
    // each between two statements, holding their clients. A checked-out client whose server
    // vanishes emits 'error'; unheard, that kills this process.
    const held = holdAcrossOutage(db!, account.accountId);
    await held.holding;
    const downAt = Date.now();
    await postgres!.stop();
    postgres = undefined;
    const heldOutcomes = await held.finish();

    // While it is down: every route that needs Postgres answers 503 with Retry-After.
    const probes = await Promise.all([
      account.call('GET', '/contacts/c00/score', undefined, { key: account.keys.read }),
      account.call('GET', '/contacts?limit=5', undefined, { key: account.keys.read }),
      account.call('POST', '/contacts', { id: 'during-outage' }),
      account.call('POST', '/contacts/c01/interactions', anInteraction()),
      account.call('POST', '/profiles', { id: 'during-outage', name: 'x' }),
      account.call('POST', '/contacts/c02/score-adjustments', {
        profileId: 'engagement',
        points: 1,
        reason: 'x',
      }),
    ]);
    const readyz = await fetch(`${api!.baseUrl}/readyz`);
    // Signals still reach the contact workflows (Temporal is up): their activities must retry.
    const retrying = contacts.slice(0, 3);
    for (const contact of retrying) {
      await deliverInteractions(client!, taskQueue, account.accountId, contact, [
        { id: `nudge-${randomUUID()}`, type: 'email_opened', occurredAt: new Date().toISOString() },
      ]);
    }
    let maxActivityAttempt = 0;
    await eventually(
      () => {
        for (const contact of retrying)
          maxActivityAttempt = Math.max(maxActivityAttempt, scoringAttempts.get(contact) ?? 0);
        expect(maxActivityAttempt).toBeGreaterThanOrEqual(2);
        return Promise.resolve();
      },
      { timeoutMs: MAX_DOWN_MS, intervalMs: 250 },
    ).catch(() => undefined); // asserted below, once Postgres is back
    const remaining = downAt + DOWN_MS - Date.now();
    if (remaining > 0) await sleep(remaining);
    postgres = await startPostgres();
    const upAt = Date.now();
    await streaming;

    const attempts = deliveries.flatMap((d) => d.attempts);
    const duringOutage = attempts.filter((a) => a.at >= downAt && a.at <= upAt);
    console.log(
      `postgres-outage (seed ${seed}): ${deliveries.length} deliveries, ${attempts.length} attempts in ${Date.now() - started} ms; ` +
        `down ${upAt - downAt} ms; statuses ${JSON.stringify(countBy(attempts.map((a) => a.status)))}; ` +
        `answered during the outage: ${JSON.stringify(countBy(duringOutage.map((a) => a.status)))}; ` +
        `probe statuses ${probes.map((p) => p.status).join(',')}; highest applyScoringRules attempt seen while down: ${maxActivityAttempt}`,
    );

    // Both held checkouts failed as "unavailable" (a 503 for the API, a retry for an activity).
    for (const outcome of heldOutcomes)
      expect([outcome, isUnavailableError(outcome)]).toEqual([outcome, true]);

    for (const probe of probes) {
      expect([probe.status, probe.body?.title]).toEqual([503, 'Service Unavailable']);
      expect(probe.headers.get('retry-after')).toMatch(/^\d+$/);
      expect(probe.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    }
    expect(readyz.status).toBe(503);
    // Activities kept trying while Postgres was away (attempt 2 or later was pending).
    expect(maxActivityAttempt).toBeGreaterThanOrEqual(2);

    expect(attempts.filter((a) => a.status !== 202 && a.status !== 503)).toEqual([]);
    for (const a of attempts.filter((x) => x.status === 503)) {
      expect(a.retryAfter).toMatch(/^\d+$/);
      expect(a.contentType).toMatch(/^application\/problem\+json/);
    }
    expect(deliveries.filter((d) => d.final !== 202)).toEqual([]);

    // The probe writes were refused, not half-done.
    const sent = new Set(deliveries.flatMap((d) => (d.body as { id: string }[]).map((i) => i.id)));
    await eventually(
      async () => {
        const state = await appliedState(db!, account.accountId);
        expect({ stored: state.stored, unapplied: state.unapplied }).toEqual({
          stored: sent.size,
          unapplied: 0,
        });
        const expected = await expectedScoresBySql(db!, account.accountId, POINTS);
        const stored = await storedScores(db!, account.accountId, 'engagement');
        expect(expected.size).toBe(CONTACTS);
        for (const [contact, score] of expected)
          expect([contact, stored.get(contact)]).toEqual([contact, { score, version: 1 }]);
      },
      { timeoutMs: 120_000, intervalMs: 500 },
    );
    const ledger = await ledgerDuplicates(db!, account.accountId);
    expect(ledger.rows).toBe(ledger.distinct);
    const { rows } = await db!.query(`SELECT id FROM score_profiles WHERE account_id = $1`, [
      account.accountId,
    ]);
    expect(rows.map((r: { id: string }) => r.id)).toEqual(['engagement']);
    expect(worker!.worker.getState()).toBe('RUNNING');
  }, 300_000);
});

/**
 * Starts a transaction (withTransaction) and a paged simulation read (forEachSimulationPage) that
 * stop between two statements until `finish`, which waits a little for the dead connections to
 * report, then lets each try its next statement and returns what each ended with.
 */
function holdAcrossOutage(db: Db, accountId: string) {
  let resume!: () => void;
  const resumed = new Promise<void>((resolve) => (resume = resolve));
  const reached: Array<Promise<void>> = [];
  const pause = () => {
    let arrived!: () => void;
    reached.push(new Promise<void>((resolve) => (arrived = resolve)));
    return async () => {
      arrived();
      await resumed;
    };
  };
  const inTransaction = pause();
  const inSimulation = pause();
  const outcomes = [
    withTransaction(db, async (tx) => {
      await tx.query('SELECT 1');
      await inTransaction();
      await tx.query('SELECT 1');
    }),
    forEachSimulationPage(db, accountId, 'engagement', () => inSimulation(), 5),
  ].map((work) =>
    work.then(
      () => new Error('finished although its server was gone'),
      (err: unknown) => err,
    ),
  );
  return {
    holding: Promise.all(reached),
    async finish(): Promise<unknown[]> {
      await sleep(1_000);
      resume();
      return Promise.all(outcomes);
    },
  };
}

function countBy<T extends string | number>(values: T[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const v of values) out[String(v)] = (out[String(v)] ?? 0) + 1;
  return out;
}
