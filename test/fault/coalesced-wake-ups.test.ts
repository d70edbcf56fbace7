import net from 'node:net';
import type { AddressInfo } from 'node:net';
import type { PoolClient } from 'pg';
import { Client, type WorkflowClientInterceptor } from '@temporalio/client';
import { temporalSettingsAt } from '../../config/temporal-connection';
import { lazyApiTemporalClient } from '../../config/temporal';
import { refreshScores, wakeContact } from '../../clients/contact-workflow';
import { storeInteractions, storeInteractionsIn } from '../../db/ingest';
import { readWakeRequest } from '../../db/wake-requests';
import { contactWorkflowId } from '../../domain/ids';
import { WAKE_UP_TIMEOUT_MS } from '../../api/temporal-gate';
import type { Interaction } from '../../domain/interaction';
import { anInteraction } from '../support/builders';
import { eventually } from '../support/eventually';
import { accountVia, rulesFor, sleep, startApi } from '../support/fault-kit';
import { startHarness, type Harness, type TestAccount } from '../support/harness';
import { signalsReceived } from '../support/workflow-signals';

/**
 * Coalesced wake-ups (db/wake-requests.ts): an ingest signals a contact's workflow only when the
 * contact is not already due to wake, and the scoring pass clears that mark in the transaction
 * that claims. Each test drives one interleaving of ingest, claim and crash on the real servers
 * and checks that every interaction is applied exactly once. No reconciler runs here: nothing but
 * the mechanism under test can deliver a stranded interaction.
 */

const STALE_SECONDS = 1;

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ appOptions: { wakeStaleSeconds: STALE_SECONDS } });
});
afterAll(async () => {
  await h?.shutdown();
});

interface Contact {
  account: TestAccount;
  contactId: string;
}

/** A contact of a fresh account whose published profile gives 1 point per email_opened. */
async function aContact(): Promise<Contact> {
  const account = await h.newAccount();
  const profile = { id: 'engagement', name: 'E', rules: rulesFor({ email_opened: 1 }) };
  expect((await account.call('POST', '/profiles', profile)).status).toBe(201);
  expect((await account.call('POST', '/profiles/engagement/publish')).status).toBe(201);
  expect((await account.call('POST', '/contacts', { id: 'c1' })).status).toBe(201);
  return { account, contactId: 'c1' };
}

const opened = (): Interaction => anInteraction({ type: 'email_opened' });

async function post(c: Contact, interaction: Interaction): Promise<void> {
  const res = await c.account.call('POST', `/contacts/${c.contactId}/interactions`, interaction);
  expect(res.status).toBe(202);
}

async function pendingIds(c: Contact): Promise<string[]> {
  const { rows } = await h.db.query<{ id: string }>(
    `SELECT id FROM interactions WHERE account_id = $1 AND contact_id = $2
       AND applied_at IS NULL AND set_aside_at IS NULL ORDER BY id`,
    [c.account.accountId, c.contactId],
  );
  return rows.map((r) => r.id);
}

async function ledgerCount(c: Contact): Promise<number> {
  const { rows } = await h.db.query<{ n: string }>(
    'SELECT count(*) AS n FROM score_ledger WHERE account_id = $1 AND contact_id = $2',
    [c.account.accountId, c.contactId],
  );
  return Number(rows[0]!.n);
}

/** Every interaction applied, each once, and the contact no longer due to wake. */
async function allAppliedOnce(c: Contact, total: number): Promise<void> {
  await eventually(async () => {
    expect(await pendingIds(c)).toEqual([]);
    expect(await ledgerCount(c)).toBe(total);
    expect(await readWakeRequest(h.db, c.account.accountId, c.contactId)).toBeNull();
  });
  const score = await c.account.call('GET', `/contacts/${c.contactId}/score`);
  expect(score.body.score).toBe(total);
}

const signals = (c: Contact) =>
  signalsReceived(h.client, contactWorkflowId(c.account.accountId, c.contactId));

/** A transaction on its own connection, held open by the test. */
async function openTransaction(): Promise<{ client: PoolClient; pid: number; commit(): Promise<void> }> {
  const client = await h.db.connect();
  await client.query('BEGIN');
  const { rows } = await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
  return {
    client,
    pid: rows[0]!.pid,
    async commit() {
      await client.query('COMMIT');
      client.release();
    },
  };
}

/** Some other backend is waiting for a lock that `pid` holds. */
async function somebodyWaitsOn(pid: number): Promise<void> {
  await eventually(async () => {
    const { rows } = await h.db.query<{ n: string }>(
      'SELECT count(*) AS n FROM pg_stat_activity WHERE $1 = ANY(pg_blocking_pids(pid))',
      [pid],
    );
    expect(Number(rows[0]!.n)).toBeGreaterThan(0);
  });
}

describe('coalesced wake-ups', () => {
  it('when a burst of single POSTs hits one contact, then each is applied once and the workflow is signalled far fewer times than interactions arrived', async () => {
    const c = await aContact();
    const total = 300;
    const queue = Array.from({ length: total }, opened);
    const lane = async () => {
      for (let one = queue.pop(); one; one = queue.pop()) await post(c, one);
    };
    await Promise.all(Array.from({ length: 32 }, lane));
    await allAppliedOnce(c, total);

    const { signals: received } = await signals(c);
    const perInteraction = received.length / total;
    process.stdout.write(
      `burst of ${total} to one contact: ${received.length} signals, ${perInteraction.toFixed(3)} per interaction\n`,
    );
    expect(perInteraction).toBeLessThanOrEqual(0.3);
  }, 60_000);

  it('when an ingest commits while a pass holds the contact, then it waits for the pass, finds the mark cleared and signals, and nothing is left behind', async () => {
    const c = await aContact();
    await post(c, opened());
    await allAppliedOnce(c, 1);

    // Pause the next pass inside its transaction, after it claimed and cleared the mark: its score
    // write waits for this lock.
    const pause = await openTransaction();
    await pause.client.query(
      'SELECT 1 FROM contact_scores WHERE account_id = $1 AND contact_id = $2 FOR UPDATE',
      [c.account.accountId, c.contactId],
    );
    await post(c, opened());
    await somebodyWaitsOn(pause.pid);

    const late = opened();
    let answered = false;
    const lateIngest = post(c, late).then(() => (answered = true));
    await sleep(500);
    expect(answered).toBe(false); // it waits for the claiming pass to commit
    await pause.commit();
    await lateIngest;

    await allAppliedOnce(c, 3);
    const { signals: received } = await signals(c);
    expect(received.some((s) => s.ids.includes(late.id))).toBe(true);
  }, 60_000);

  it('when a pass starts while an ingest transaction is open and the API dies before signalling, then the pass waits for it and claims its interaction', async () => {
    const c = await aContact();
    await post(c, opened());
    await allAppliedOnce(c, 1);

    const ingest = await openTransaction();
    const orphan = opened();
    const stored = await storeInteractionsIn(
      ingest.client,
      c.account.accountId,
      [{ contactId: c.contactId, interaction: orphan }],
      { wakeStaleSeconds: STALE_SECONDS },
    );
    expect(stored.wakeUps.map((w) => w.contactId)).toEqual([c.contactId]);
    // Something else wakes the workflow (a re-score, an adjustment): its pass must wait for the ingest.
    await refreshScores(h.client, { accountId: c.account.accountId, contactId: c.contactId });
    await somebodyWaitsOn(ingest.pid);
    await ingest.commit(); // ...and the API dies here: no signal is ever sent for `orphan`

    await allAppliedOnce(c, 2);
    const { signals: received } = await signals(c);
    expect(received.some((s) => s.ids.includes(orphan.id))).toBe(false);
  }, 60_000);

  it('when the API dies between marking and signalling, then later ingests do not signal while the mark is fresh, and the first one after it went stale signals and delivers everything', async () => {
    const c = await aContact();
    const lost = opened();
    const stored = await storeInteractions(
      h.db,
      c.account.accountId,
      [{ contactId: c.contactId, interaction: lost }],
      { wakeStaleSeconds: STALE_SECONDS },
    );
    expect(stored.wakeUps).toHaveLength(1); // marked; the signal is never sent

    const meanwhile = opened();
    await post(c, meanwhile);
    await sleep(300);
    expect(await pendingIds(c)).toEqual([lost.id, meanwhile.id].sort());
    // No signal was sent: the contact's workflow does not even exist yet.
    await expect(
      h.client.workflow.getHandle(contactWorkflowId(c.account.accountId, c.contactId)).describe(),
    ).rejects.toThrow(/not found/i);

    await sleep(STALE_SECONDS * 1000);
    const after = opened();
    await post(c, after);
    await allAppliedOnce(c, 3);
    const { signals: received } = await signals(c);
    expect(received).toEqual([{ name: 'interactionsReceived', ids: [after.id] }]);
  }, 60_000);

  it('when the contact is already due to wake, then ingest answers without contacting Temporal at all', async () => {
    const c = await aContact();
    const first = opened();
    await storeInteractions(h.db, c.account.accountId, [{ contactId: c.contactId, interaction: first }], {
      wakeStaleSeconds: STALE_SECONDS,
    }); // marked: awake as far as ingest can tell

    // An API process whose Temporal accepts connections and never answers, counting them.
    let connections = 0;
    const silent = net.createServer((socket) => {
      connections += 1;
      socket.destroy();
    });
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const temporal = lazyApiTemporalClient(
      temporalSettingsAt(`127.0.0.1:${(silent.address() as AddressInfo).port}`),
    );
    const api = await startApi({ db: h.db, temporal, taskQueue: h.taskQueue });
    try {
      const viaSilent = accountVia(api.baseUrl, c.account.accountId, c.account.keys);
      for (let i = 0; i < 5; i++) {
        const res = await viaSilent.call('POST', `/contacts/${c.contactId}/interactions`, opened());
        expect(res.status).toBe(202);
      }
      expect(connections).toBe(0);
    } finally {
      await api.close();
      await temporal.connection.close().catch(() => undefined);
      await new Promise((resolve) => silent.close(resolve));
    }

    await sleep(STALE_SECONDS * 1000);
    await post(c, opened()); // the mark went stale: this one signals and delivers all seven
    await allAppliedOnce(c, 7);
  }, 60_000);

  it('when a busy Temporal does not answer a wake-up in time, then the API sends it again by itself and the interaction is applied with no further traffic', async () => {
    const warm = await aContact();
    const c = await aContact();
    // An API whose Temporal client, for this contact's first signal only, hangs past the wake-up
    // deadline and then fails as a busy server's call does: the signal never reaches the server.
    const target = contactWorkflowId(c.account.accountId, c.contactId);
    let stalled = 0;
    const stallFirst: WorkflowClientInterceptor = {
      async signalWithStart(input, next) {
        if (input.options.workflowId === target && stalled++ === 0) {
          await sleep(WAKE_UP_TIMEOUT_MS + 500);
          throw Object.assign(new Error('Deadline exceeded'), {
            code: 4,
            details: 'Deadline exceeded',
            metadata: {},
          });
        }
        return next(input);
      },
    };
    const temporal = new Client({
      connection: h.client.connection,
      namespace: h.client.options.namespace,
      interceptors: { workflow: [stallFirst] },
    });
    const api = await startApi({ db: h.db, temporal, taskQueue: h.taskQueue });
    try {
      const viaApi = (x: Contact) => accountVia(api.baseUrl, x.account.accountId, x.account.keys);
      // The process has a signal through first, so the request no longer waits for its wake-up.
      expect(
        (await viaApi(warm).call('POST', `/contacts/${warm.contactId}/interactions`, opened())).status,
      ).toBe(202);
      const one = opened();
      const started = Date.now();
      expect((await viaApi(c).call('POST', `/contacts/${c.contactId}/interactions`, one)).status).toBe(202);
      expect(Date.now() - started).toBeLessThan(WAKE_UP_TIMEOUT_MS);
      await allAppliedOnce(c, 1);
      expect(stalled).toBe(2); // the stalled signal, then its retry
      const { signals: received } = await signals(c);
      expect(received).toEqual([{ name: 'interactionsReceived', ids: [one.id] }]);
    } finally {
      await api.close();
    }
  }, 60_000);

  it('when more interactions wait than one pass takes (1,000), then the mark stays until the inbox is empty and one signal delivers them all', async () => {
    const c = await aContact();
    const items = Array.from({ length: 1_500 }, () => ({ contactId: c.contactId, interaction: opened() }));
    const first = await storeInteractions(h.db, c.account.accountId, items.slice(0, 1_000), {
      wakeStaleSeconds: 60,
    });
    const second = await storeInteractions(h.db, c.account.accountId, items.slice(1_000), {
      wakeStaleSeconds: 60,
    });
    expect([first.wakeUps.length, second.wakeUps.length]).toEqual([1, 0]);

    const { id, type, occurredAt } = items[0]!.interaction;
    const ref = { accountId: c.account.accountId, contactId: c.contactId };
    await wakeContact(h.client, h.taskQueue, ref, [{ id, type, occurredAt }]);
    await allAppliedOnce(c, 1_500);
    // (A re-score of the new contact may also send refreshScores: only ingest wake-ups count here.)
    const wakeUps = (await signals(c)).signals.filter((s) => s.name === 'interactionsReceived');
    expect(wakeUps).toHaveLength(1);
  }, 60_000);
});
