import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { Client as PgClient } from 'pg';
import { createPool, type Db } from '../../db/pool';
import { contactWorkflowId } from '../../domain/ids';
import { findFreePorts } from '../../stack/free-port';
import { startTemporalCluster, type TemporalCluster } from '../../stack/temporal-cluster';
import { SEARCH_ATTRIBUTES } from '../../workflows/search-attributes';
import { anInteraction } from '../support/builders';
import { eventually } from '../support/eventually';
import {
  accountVia,
  appliedState,
  createAccount,
  deliverAll,
  ledgerDuplicates,
  publishProfile,
  rulesFor,
  scoresAndLedgerSums,
  seededRandom,
  shuffled,
  sleep,
  type Delivery,
  type FaultAccount,
} from '../support/fault-kit';
import { expectedScoresBySql, storedScores } from '../support/scoring-fixtures';
import { isAlive, startApiProcess, startWorkerProcess, type WorkerProcess } from '../support/worker-process';

/**
 * Pulse as it runs in production, on the production-shaped Temporal (the real server on
 * PostgreSQL, 4 history shards): two worker processes and two API processes that share nothing
 * but Postgres and Temporal. Interactions stream in through both APIs; one worker is SIGKILLed
 * mid-stream (a new one takes its place) and the Temporal server is restarted mid-stream. Then
 * nothing is lost, nothing is counted twice, and every contact that crossed the trigger's
 * threshold started exactly one automation, which sent exactly one email.
 */

// Points only go up, so a contact crosses the threshold at most once: "fired once" is exact.
const POINTS = { email_opened: 1, email_clicked: 2, form_submitted: 4 };
const TYPES = Object.keys(POINTS);
const REWARD_AT = 25;
const CONTACTS = 40;
const STREAM_MS = 40_000;
const KILL_AT = 0.25;
const RESTART_AT = 0.55;
const TEMPORAL_DOWN_MS = 5_000;

let root: string;
let cluster: TemporalCluster | undefined;
let db: Db;
let temporal: Client | undefined;
const processes: WorkerProcess[] = [];

beforeAll(async () => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'pulse-two-of-everything-'));
  cluster = await startTemporalCluster({
    dir: root,
    postgresUrl: process.env.DATABASE_URL!,
    databases: { persistence: 'temporal_multi', visibility: 'temporal_multi_visibility' },
    historyShards: 4,
    searchAttributes: SEARCH_ATTRIBUTES,
    uiPort: 0,
  });
  db = createPool(process.env.DATABASE_URL!);
  temporal = new Client({ connection: await Connection.connect({ address: cluster.address }) });
}, 300_000);

afterAll(async () => {
  for (const p of processes) await p.kill('SIGKILL');
  await temporal?.connection.close();
  await cluster?.stop();
  await db?.end();
  fs.rmSync(root, { recursive: true, force: true });
}, 60_000);

function start(p: WorkerProcess): WorkerProcess {
  processes.push(p);
  return p;
}

describe('two workers and two APIs on the production-shaped cluster', () => {
  it('when a worker is SIGKILLed and the Temporal server restarts mid-stream, then every interaction is applied once, scores are exact and every crossing fired its automation once', async () => {
    const seed = Date.now();
    const random = seededRandom(seed);
    const log: string[] = [`seed ${seed}`];
    const t0 = Date.now();
    const at = () => `${((Date.now() - t0) / 1000).toFixed(1)}s`;
    const env = { TEMPORAL_ADDRESS: cluster!.address };
    const taskQueue = `cluster-${randomUUID()}`;

    const workers = [start(startWorkerProcess(taskQueue, env)), start(startWorkerProcess(taskQueue, env))];
    const apiPorts = await findFreePorts(2);
    const apis = apiPorts.map((port) => start(startApiProcess(taskQueue, port, env)));
    await Promise.all([...workers, ...apis].map((p) => p.ready));
    const pids = [...workers, ...apis].map((p) => p.child.pid!);
    expect(new Set(pids).size).toBe(4);
    log.push(`${at()} 2 workers and 2 APIs up (pids ${pids.join(', ')})`);

    const viaFirst = await createAccount(db, `http://127.0.0.1:${apiPorts[0]}`);
    const via: FaultAccount[] = apiPorts.map((port) =>
      accountVia(`http://127.0.0.1:${port}`, viaFirst.accountId, viaFirst.keys),
    );
    const { accountId } = viaFirst;
    await publishProfile(via[1]!, rulesFor(POINTS));
    const trigger = await via[0]!.call('POST', '/triggers', {
      id: 'reward',
      profileId: 'engagement',
      condition: { op: 'gte', value: REWARD_AT },
      reentry: { policy: 'once' },
      automation: 'reward_offer',
      input: { tag: 'rewarded' },
    });
    expect(trigger.status).toBe(201);
    const contacts = Array.from({ length: CONTACTS }, (_, i) => `c${String(i).padStart(2, '0')}`);
    const emailOf = (contact: string) => `${accountId}.${contact}@example.com`;
    for (const [i, id] of contacts.entries()) {
      const res = await via[i % 2]!.call('POST', '/contacts', { id, email: emailOf(id) });
      expect(res.status).toBe(201);
    }

    // 4 to 14 posts per contact, 1 to 3 interactions each: some contacts stay under the threshold.
    const deliveries: Delivery[] = shuffled(
      contacts.flatMap((contact) =>
        Array.from({ length: 4 + Math.floor(random() * 11) }, () => ({
          path: `/contacts/${contact}/interactions`,
          body: Array.from({ length: 1 + Math.floor(random() * 3) }, () =>
            anInteraction({ type: TYPES[Math.floor(random() * TYPES.length)]! }),
          ),
          attempts: [],
        })),
      ),
      random,
    );
    const halves = [deliveries.filter((_, i) => i % 2 === 0), deliveries.filter((_, i) => i % 2 === 1)];
    const streamStart = Date.now();
    const streaming = Promise.all(
      halves.map((half, i) =>
        deliverAll(via[i]!, half, {
          concurrency: 6,
          spreadMs: STREAM_MS,
          deadline: streamStart + STREAM_MS + 120_000,
        }),
      ),
    );

    // The kill (and the replacement's start) and the restart run on their own clocks: a slow
    // replacement start must not push the restart past the end of the stream.
    const killed = workers[0]!;
    const killing = (async () => {
      await sleep(streamStart + STREAM_MS * KILL_AT - Date.now());
      await killed.kill('SIGKILL');
      expect(isAlive(killed.child.pid)).toBe(false);
      log.push(`${at()} SIGKILLed worker pid ${killed.child.pid}`);
      // As a supervisor (Kubernetes, compose's restart policy) would: a replacement that exits
      // because it started while the Temporal server was away is started again.
      for (let attempt = 1; ; attempt++) {
        const replacement = start(startWorkerProcess(taskQueue, env));
        try {
          await replacement.ready;
          log.push(`${at()} replacement worker ready (pid ${replacement.child.pid})`);
          break;
        } catch (err) {
          if (attempt >= 30) throw err;
          log.push(
            `${at()} replacement worker exited before it was ready (attempt ${attempt}): started again`,
          );
          await sleep(1_000);
        }
      }
    })();
    let restartedAt = 0;
    const restarting = (async () => {
      await sleep(streamStart + STREAM_MS * RESTART_AT - Date.now());
      const serverPid = cluster!.pid();
      restartedAt = Date.now();
      await cluster!.restart({ downMs: TEMPORAL_DOWN_MS });
      expect(cluster!.pid()).not.toBe(serverPid);
      expect(isAlive(serverPid)).toBe(false);
      log.push(`${at()} Temporal server restarted (pid ${serverPid} → ${cluster!.pid()})`);
    })();
    await Promise.all([killing, restarting, streaming]);
    log.push(`${at()} stream done: ${deliveries.length} posts`);

    // What the clients saw: every post accepted in the end, by both replicas; 503 only while Temporal was away.
    const attempts = deliveries.flatMap((d) => d.attempts);
    expect(attempts.filter((a) => a.status !== 202 && a.status !== 503)).toEqual([]);
    expect(deliveries.filter((d) => d.final !== 202)).toEqual([]);
    for (const half of halves) expect(half.filter((d) => d.final === 202).length).toBe(half.length);
    // Mid-stream: posts were still being answered after the restart began.
    expect(attempts.filter((a) => a.at > restartedAt + TEMPORAL_DOWN_MS).length).toBeGreaterThan(0);
    const sent = new Set(deliveries.flatMap((d) => (d.body as { id: string }[]).map((i) => i.id)));

    // 1. Nothing lost, nothing doubled: every interaction applied once, every score exact.
    await eventually(
      async () => {
        const state = await appliedState(db, accountId);
        expect({ stored: state.stored, unapplied: state.unapplied }).toEqual({
          stored: sent.size,
          unapplied: 0,
        });
        const expected = await expectedScoresBySql(db, accountId, POINTS);
        const stored = await storedScores(db, accountId, 'engagement');
        expect(expected.size).toBe(CONTACTS);
        for (const [contact, score] of expected)
          expect([contact, stored.get(contact)]).toEqual([contact, { score, version: 1 }]);
      },
      { timeoutMs: 180_000, intervalMs: 1_000 },
    );
    log.push(`${at()} all ${sent.size} interactions applied, scores exact`);
    const scores = await scoresAndLedgerSums(db, accountId);
    for (const [contact, { score, ledgerSum }] of scores)
      expect([contact, ledgerSum]).toEqual([contact, score]);
    const ledger = await ledgerDuplicates(db, accountId);
    expect(ledger.rows).toBe(ledger.distinct);

    // 2. Every contact at or above the threshold started exactly one automation; the others none.
    const crossed = contacts.filter((c) => (scores.get(c)?.score ?? 0) >= REWARD_AT);
    const automations = await eventually(
      async () => {
        const runs: { workflowId: string; status: string }[] = [];
        for await (const wf of temporal!.workflow.list({
          query: `PulseAccount = "${accountId}" AND PulseTrigger = "reward"`,
        })) {
          runs.push({ workflowId: wf.workflowId, status: wf.status.name });
        }
        expect(runs.map((r) => r.workflowId).sort()).toEqual(
          crossed.map((c) => `${contactWorkflowId(accountId, c)}/trigger:reward/1`).sort(),
        );
        expect(runs.filter((r) => r.status !== 'COMPLETED')).toEqual([]);
        return runs;
      },
      { timeoutMs: 120_000, intervalMs: 2_000 },
    );
    // 3. ...and each sent exactly one email, to its contact.
    const { rows: emails } = await db.query<{ to_address: string }>(
      `SELECT to_address FROM email_outbox WHERE to_address LIKE $1 ORDER BY to_address`,
      [`${accountId}.%`],
    );
    expect(emails.map((e) => e.to_address)).toEqual(crossed.map(emailOf).sort());
    log.push(
      `${at()} ${automations.length} of ${CONTACTS} contacts crossed ${REWARD_AT}: one automation and one email each`,
    );

    // 4. The work really was shared, and the kill came mid-work: workflow tasks were completed by
    // more than one worker process, the killed one among them.
    const identities = new Set<string>();
    for (const contact of contacts) {
      const history = await temporal!.workflow
        .getHandle(contactWorkflowId(accountId, contact))
        .fetchHistory();
      for (const event of history.events ?? []) {
        const identity = event.workflowTaskCompletedEventAttributes?.identity;
        if (identity) identities.add(identity.split('@')[0]!);
      }
    }
    expect(identities.size).toBeGreaterThanOrEqual(2);
    expect(identities.has(String(killed.child.pid))).toBe(true);

    // 5. The cluster's shape: 4 history shards in its Postgres, and the contacts spread over them.
    const temporalDb = new URL(process.env.DATABASE_URL!);
    temporalDb.pathname = '/temporal_multi';
    const pg = new PgClient({ connectionString: temporalDb.toString() });
    await pg.connect();
    try {
      const shards = await pg.query<{ n: number }>('SELECT count(*)::int AS n FROM shards');
      expect(shards.rows[0]!.n).toBe(4);
      const used = await pg.query<{ n: number }>(
        `SELECT count(DISTINCT shard_id)::int AS n FROM executions WHERE workflow_id LIKE $1`,
        [`contact:${accountId}:%`],
      );
      expect(used.rows[0]!.n).toBeGreaterThanOrEqual(2);
      log.push(
        `contact workflows on ${used.rows[0]!.n} of 4 shards; workers seen: ${[...identities].join(', ')}`,
      );
    } finally {
      await pg.end();
    }

    // 6. The Web UI server built beside it answers for the same cluster: support staff's query
    // (README, "For support staff") lists the same workflows through it as through the client.
    const query = `PulseAccount = "${accountId}"`;
    const viaClient: string[] = [];
    for await (const wf of temporal!.workflow.list({ query })) viaClient.push(wf.workflowId);
    const ui = await fetch(
      `${cluster!.uiUrl}/api/v1/namespaces/default/workflows?${new URLSearchParams({ query, pageSize: '1000' }).toString()}`,
    );
    expect(ui.status).toBe(200);
    const { executions } = (await ui.json()) as { executions: { execution: { workflowId: string } }[] };
    expect(executions.map((e) => e.execution.workflowId).sort()).toEqual(viaClient.sort());
    // The contacts' workflows and their automations (and the publish's re-score) are all there.
    for (const contact of contacts) expect(viaClient).toContain(contactWorkflowId(accountId, contact));
    for (const run of automations) expect(viaClient).toContain(run.workflowId);

    const statuses: Record<string, number> = {};
    for (const a of attempts) statuses[String(a.status)] = (statuses[String(a.status)] ?? 0) + 1;
    log.push(`answers: ${JSON.stringify(statuses)}; ledger ${ledger.rows} rows`);
    console.log(`two-of-everything:\n  ${log.join('\n  ')}`);
  }, 600_000);
});
