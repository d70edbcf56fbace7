import { readWakeRequest } from '../../db/wake-requests';
import { anInteraction } from '../support/builders';
import { eventually } from '../support/eventually';
import { rulesFor } from '../support/fault-kit';
import { startHarness, type Harness, type TestAccount } from '../support/harness';
import { startWorkerProcess, type WorkerProcess } from '../support/worker-process';

/**
 * Coalesced wake-ups when the worker dies right after a scoring pass committed (its claim cleared
 * the contact's wake-up mark) and before the workflow task that ran it completed: an ingest in the
 * gap finds no mark, so it signals, and the retried task on another worker applies it. The
 * survivor's reconciler is held off (a grace of an hour), so only the mechanism can deliver.
 */

const DYING_WORKER = 'test/support/dying-worker.main.ts';

let h: Harness;
const workers: WorkerProcess[] = [];

beforeAll(async () => {
  h = await startHarness({ inProcessWorker: false });
}, 120_000);

afterEach(async () => {
  for (const w of workers.splice(0)) await w.kill('SIGTERM');
}, 60_000);

afterAll(async () => {
  await h?.shutdown();
}, 60_000);

function worker(env: Record<string, string>, entry?: string): WorkerProcess {
  const w = startWorkerProcess(h.taskQueue, env, entry);
  workers.push(w);
  return w;
}

async function post(account: TestAccount, contactId: string): Promise<void> {
  const res = await account.call(
    'POST',
    `/contacts/${contactId}/interactions`,
    anInteraction({ type: 'email_opened' }),
  );
  expect(res.status).toBe(202);
}

async function pendingCount(account: TestAccount, contactId: string): Promise<number> {
  const { rows } = await h.db.query<{ n: string }>(
    `SELECT count(*) AS n FROM interactions WHERE account_id = $1 AND contact_id = $2
       AND applied_at IS NULL AND set_aside_at IS NULL`,
    [account.accountId, contactId],
  );
  return Number(rows[0]!.n);
}

describe('a worker dies after a pass cleared the wake-up mark', () => {
  it('when an interaction arrives before another worker takes over, then its ingest signals and it is applied once', async () => {
    const account = await h.newAccount();
    const profile = { id: 'engagement', name: 'E', rules: rulesFor({ email_opened: 1 }) };
    expect((await account.call('POST', '/profiles', profile)).status).toBe(201);
    expect((await account.call('POST', '/profiles/engagement/publish')).status).toBe(201);
    expect((await account.call('POST', '/contacts', { id: 'c1' })).status).toBe(201);

    const dying = worker({ PULSE_FAULT_CONTACT: 'c1', PULSE_FAULT_APPLIED_TOTAL: '1' }, DYING_WORKER);
    const died = new Promise((resolve) => dying.child.once('exit', (_code, signal) => resolve(signal)));
    await dying.ready;
    await post(account, 'c1');
    expect(await died).toBe('SIGKILL');
    // The pass committed: claimed, and the mark cleared with it.
    expect(await pendingCount(account, 'c1')).toBe(0);
    expect(await readWakeRequest(h.db, account.accountId, 'c1')).toBeNull();

    await post(account, 'c1'); // no worker now: marks the contact and signals
    expect(await readWakeRequest(h.db, account.accountId, 'c1')).not.toBeNull();
    expect(await pendingCount(account, 'c1')).toBe(1);

    const survivor = worker({ RECONCILE_GRACE_SECONDS: '3600' });
    await survivor.ready;
    await eventually(
      async () => {
        expect(await pendingCount(account, 'c1')).toBe(0);
        expect((await account.call('GET', '/contacts/c1/score')).body.score).toBe(2);
        expect(await readWakeRequest(h.db, account.accountId, 'c1')).toBeNull();
      },
      { timeoutMs: 30_000 },
    );
    await post(account, 'c1');
    await eventually(async () =>
      expect((await account.call('GET', '/contacts/c1/score')).body.score).toBe(3),
    );
  }, 90_000);
});
