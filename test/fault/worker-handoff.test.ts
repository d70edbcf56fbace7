import { DEFAULT_RULES } from '../../domain/default-rules';
import { anInteraction } from '../support/builders';
import { eventually } from '../support/eventually';
import { startHarness, type Harness, type TestAccount } from '../support/harness';
import { startWorkerProcess, type WorkerProcess } from '../support/worker-process';

/**
 * A worker that dies keeps its cached workflows' next tasks on its sticky queue until the
 * sticky schedule-to-start timeout sends them to the shared queue (Temporal's default: 10 s).
 * Pulse sets 2 s (WORKER_STICKY_TIMEOUT_MS): a SIGKILLed worker's contacts must be scored by a
 * live worker within ~3 s.
 */
const CONTACTS = 8;
/** form_submitted scores 5 under the default rules. */
const POINTS = 5;
/**
 * What the kill may add to the time from sending to scored, over the same round with the worker
 * alive (the machine's load moves both). Measured on 2 busy cores with the worker killed just
 * before the sends: 3.2–3.8 s in all with the 2 s sticky timeout, 11.4 s with
 * WORKER_STICKY_TIMEOUT_MS=10000 (this test then fails, as it should).
 */
const HANDOFF_LIMIT_MS = 4_000;

let h: Harness;
const workers: WorkerProcess[] = [];
beforeAll(async () => {
  h = await startHarness({ inProcessWorker: false });
});
afterAll(async () => {
  for (const w of workers) await w.kill();
  await h?.shutdown();
});

async function scoreOf(account: TestAccount, contact: string): Promise<number | null> {
  return (await account.call('GET', `/contacts/${contact}/score`)).body.score as number | null;
}

async function sendAndTime(account: TestAccount, contacts: string[], expected: number): Promise<number[]> {
  const started = Date.now();
  return Promise.all(
    contacts.map(async (contact) => {
      expect(
        (
          await account.call(
            'POST',
            `/contacts/${contact}/interactions`,
            anInteraction({ type: 'form_submitted' }),
          )
        ).status,
      ).toBe(202);
      await eventually(async () => expect(await scoreOf(account, contact)).toBe(expected), {
        timeoutMs: 30_000,
        intervalMs: 50,
      });
      return Date.now() - started;
    }),
  );
}

describe('worker hand-off after SIGKILL', () => {
  it('when the worker that has the contacts cached is killed as their next interactions arrive, then another worker scores them within a few seconds, not after 10 s', async () => {
    const account = await h.newAccount();
    expect(
      (await account.call('POST', '/profiles', { id: 'engagement', name: 'E', rules: DEFAULT_RULES })).status,
    ).toBe(201);
    expect((await account.call('POST', '/profiles/engagement/publish')).status).toBe(201);
    const contacts = Array.from({ length: CONTACTS }, (_, i) => `c${i}`);
    for (const id of contacts) expect((await account.call('POST', '/contacts', { id })).status).toBe(201);

    const first = startWorkerProcess(h.taskQueue);
    workers.push(first);
    await first.ready;
    // Every contact's workflow is now cached on the first worker, its sticky queue the first's.
    await sendAndTime(account, contacts, POINTS);

    // The same round with the worker alive: what scoring costs on this machine right now.
    const steady = await sendAndTime(account, contacts, 2 * POINTS);

    const second = startWorkerProcess(h.taskQueue);
    workers.push(second);
    await second.ready;
    // Killed just before the interactions arrive, so their workflow tasks go to its sticky queue
    // (or, once the server has seen its polls close, straight to the shared one). A task already
    // in its hands when it dies waits out the workflow task timeout (10 s) instead, which the
    // sticky timeout does not shorten: killed 20 ms after the sends, one run in three took 10.3 s.
    await first.kill('SIGKILL');
    const handoff = await sendAndTime(account, contacts, 3 * POINTS);
    const sorted = [...handoff].sort((a, b) => a - b);
    process.stdout.write(
      `worker hand-off after SIGKILL, ${CONTACTS} contacts: median ${sorted[Math.floor(CONTACTS / 2)]} ms, max ${sorted.at(-1)} ms (same round with the worker alive: max ${Math.max(...steady)} ms)\n`,
    );
    expect(Math.max(...handoff) - Math.max(...steady)).toBeLessThan(HANDOFF_LIMIT_MS);
  }, 120_000);
});
