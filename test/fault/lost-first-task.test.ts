import { contactWorkflowId } from '../../domain/ids';
import { contactWorkflowStart, readContactWorkflow } from '../../clients/contact-workflow';
import { anInteraction } from '../support/builders';
import { eventually } from '../support/eventually';
import { rulesFor } from '../support/fault-kit';
import { startHarness, type Harness, type TestAccount } from '../support/harness';
import { startWorkerProcess, type WorkerProcess } from '../support/worker-process';

/**
 * The worker dies right after a scoring pass committed, before the workflow task that ran it
 * completed: the retried task (on another worker) runs the pass again, which finds the batch
 * applied. The batch is still a step its triggers see, whether the pass was the run's first (a
 * new contact's first run; the first run after continue-as-new) or followed a re-score.
 */

const POINTS = { email_opened: 1, form_submitted: 5 };
const DYING_WORKER = 'test/support/dying-worker.main.ts';

let h: Harness;
const workers: WorkerProcess[] = [];

beforeAll(async () => {
  h = await startHarness({ inProcessWorker: false });
}, 120_000);

// Each test brings its own workers to the file's task queue: none may take the next test's tasks.
afterEach(async () => {
  for (const w of workers.splice(0)) await w.kill('SIGTERM');
}, 60_000);

afterAll(async () => {
  await h?.shutdown();
}, 60_000);

function worker(env: Record<string, string> = {}, entry?: string): WorkerProcess {
  const w = startWorkerProcess(h.taskQueue, env, entry);
  workers.push(w);
  return w;
}

/** A worker that dies after the commit bringing `contact` to `appliedTotal` applied interactions. */
function dyingWorker(contact: string, appliedTotal: number): { died: Promise<unknown> } & WorkerProcess {
  return dyingWorkerWith({ PULSE_FAULT_CONTACT: contact, PULSE_FAULT_APPLIED_TOTAL: String(appliedTotal) });
}

/** test/support/dying-worker.main.ts with its fault named by `env`; `died` is the signal it died of. */
function dyingWorkerWith(env: Record<string, string>): { died: Promise<unknown> } & WorkerProcess {
  const w = worker(env, DYING_WORKER);
  return { ...w, died: new Promise((resolve) => w.child.once('exit', (_code, signal) => resolve(signal))) };
}

async function setUp(reentry: Record<string, unknown> = { policy: 'once' }): Promise<TestAccount> {
  const account = await h.newAccount();
  const profile = { id: 'engagement', name: 'E', rules: rulesFor(POINTS) };
  expect((await account.call('POST', '/profiles', profile)).status).toBe(201);
  expect((await account.call('POST', '/profiles/engagement/publish')).status).toBe(201);
  const trigger = {
    id: 'reward',
    profileId: 'engagement',
    condition: { op: 'gte', value: 5 },
    reentry,
    automation: 'reward_offer',
    input: {},
  };
  expect((await account.call('POST', '/triggers', trigger)).status).toBe(201);
  return account;
}

async function send(account: TestAccount, contact: string, type: string): Promise<void> {
  expect(
    (await account.call('POST', `/contacts/${contact}/interactions`, anInteraction({ type }))).status,
  ).toBe(202);
}

/** The fire the contact's workflow counted, and the automation it started, exactly once. */
async function expectRewardedOnce(account: TestAccount, contact: string): Promise<void> {
  const ref = { accountId: account.accountId, contactId: contact };
  await eventually(
    async () => expect((await readContactWorkflow(h.client, ref)).triggerStates.reward?.fires).toBe(1),
    { timeoutMs: 60_000 },
  );
  const wf = contactWorkflowId(account.accountId, contact);
  await eventually(async () => {
    const ids: string[] = [];
    for await (const run of h.client.workflow.list({
      query: `PulseAccount = "${account.accountId}" AND PulseContact = "${contact}" AND PulseTrigger = "reward"`,
    }))
      ids.push(run.workflowId);
    expect(ids).toEqual([`${wf}/trigger:reward/1`]);
  });
}

describe('a worker dies after a committed pass, before its workflow task completes', () => {
  it('when it was a new contact’s first pass, then the crossing in it still fires', async () => {
    const account = await setUp();
    expect((await account.call('POST', '/contacts', { id: 'first' })).status).toBe(201);
    const dying = dyingWorker('first', 1);
    await dying.ready;
    await send(account, 'first', 'form_submitted'); // 0 → 5: crosses gte 5
    expect(await dying.died).toBe('SIGKILL');

    const survivor = worker();
    await survivor.ready;
    await expectRewardedOnce(account, 'first');
  }, 120_000);

  it('when the automation that task started had already acted, then the retried task starts no second one', async () => {
    // `always`: the recovered count alone would not stop a second fire, as `once` would.
    const account = await setUp({ policy: 'always' });
    expect(
      (await account.call('POST', '/contacts', { id: 'acted', email: 'acted@example.com' })).status,
    ).toBe(201);
    const dying = dyingWorkerWith({ PULSE_FAULT_AFTER: 'automation-acted' });
    await dying.ready;
    await send(account, 'acted', 'form_submitted'); // 0 → 5: crosses gte 5, the reward emails
    expect(await dying.died).toBe('SIGKILL');

    const survivor = worker();
    await survivor.ready;
    // The retried first task walks the same ledger with the fire counts its run started with: the
    // same fire, the same id, "already started", not fire 2.
    await expectRewardedOnce(account, 'acted');
  }, 120_000);

  it('when it was the first pass after continue-as-new, then the crossing in it still fires', async () => {
    const account = await setUp();
    expect((await account.call('POST', '/contacts', { id: 'handed' })).status).toBe(201);
    const dying = dyingWorker('handed', 2);
    await dying.ready;
    // Two signals per run: the second hands over before its pass, which the next run makes.
    const start = contactWorkflowStart(h.taskQueue, { accountId: account.accountId, contactId: 'handed' });
    await h.client.workflow.start('contactScoringWorkflow', {
      ...start,
      args: [{ ...start.args[0], maxSignalsPerRun: 2 }],
    });
    await send(account, 'handed', 'email_opened'); // 0 → 1
    await eventually(async () =>
      expect((await account.call('GET', '/contacts/handed/score')).body.score).toBe(1),
    );
    await send(account, 'handed', 'form_submitted'); // 1 → 6 in run 2's first pass
    expect(await dying.died).toBe('SIGKILL');

    const survivor = worker();
    await survivor.ready;
    await expectRewardedOnce(account, 'handed');
    expect(
      (await readContactWorkflow(h.client, { accountId: account.accountId, contactId: 'handed' })).runNumber,
    ).toBe(2);
  }, 120_000);

  it('when it followed a re-score, then the crossing in it still fires', async () => {
    const account = await setUp();
    expect((await account.call('POST', '/contacts', { id: 'rescored' })).status).toBe(201);
    const dying = dyingWorker('rescored', 2);
    await dying.ready;
    await send(account, 'rescored', 'email_opened'); // 0 → 1
    await eventually(async () =>
      expect((await account.call('GET', '/contacts/rescored/score')).body.score).toBe(1),
    );
    // A new version worth 2 per open: the re-score moves 1 → 2 without firing anything.
    const rules = rulesFor({ email_opened: 2, form_submitted: 5 });
    expect((await account.call('PUT', '/profiles/engagement/draft/rules', { rules })).status).toBe(200);
    expect((await account.call('POST', '/profiles/engagement/publish')).status).toBe(201);
    await eventually(async () =>
      expect((await account.call('GET', '/contacts/rescored/score')).body.score).toBe(2),
    );
    await send(account, 'rescored', 'form_submitted'); // 2 → 7
    expect(await dying.died).toBe('SIGKILL');

    const survivor = worker();
    await survivor.ready;
    await expectRewardedOnce(account, 'rescored');
  }, 120_000);
});
