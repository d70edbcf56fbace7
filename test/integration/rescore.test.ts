import { contactWorkflowId } from '../../domain/ids';
import type { Rule } from '../../domain/rule';
import { contactScoreQuery } from '../../workflows/definitions';
import { anInteraction } from '../support/builders';
import { eventually } from '../support/eventually';
import { startHarness, type Harness, type TestAccount } from '../support/harness';
import { expectedScoresBySql, seedAppliedHistory, storedScores } from '../support/scoring-fixtures';
import { startWorkerProcess, type WorkerProcess } from '../support/worker-process';

const TYPES = ['email_opened', 'email_clicked', 'form_submitted', 'appointment_booked'] as const;
const rulesFor = (points: Record<string, number>): Rule[] =>
  Object.entries(points).map(([type, p]) => ({
    id: `r-${type}`,
    interactionType: type,
    criteria: [],
    points: p,
  }));
const V1 = { email_opened: 1, email_clicked: 3 };
const V2 = { email_opened: 2, email_clicked: 1, form_submitted: 5, appointment_booked: -4 };

async function publish(account: TestAccount, points: Record<string, number>, create = false) {
  if (create)
    expect(
      (await account.call('POST', '/profiles', { id: 'engagement', name: 'E', rules: rulesFor(points) }))
        .status,
    ).toBe(201);
  else
    expect(
      (await account.call('PUT', '/profiles/engagement/draft/rules', { rules: rulesFor(points) })).status,
    ).toBe(200);
  const res = await account.call('POST', '/profiles/engagement/publish');
  expect(res.status).toBe(201);
  return res.body as { version: number; rescore: { workflowId: string } };
}

async function finished(account: TestAccount, version: number, timeoutMs = 60_000) {
  return eventually(
    async () => {
      const res = await account.call('GET', `/profiles/engagement/versions/${version}/rescore`);
      expect(res.status).toBe(200);
      expect(res.body.state).toBe('finished');
      return res.body;
    },
    { timeoutMs, intervalMs: 200 },
  );
}

async function expectExact(
  h: Harness,
  account: TestAccount,
  points: Record<string, number>,
  version: number,
) {
  const expected = await expectedScoresBySql(h.db, account.accountId, points);
  const stored = await storedScores(h.db, account.accountId, 'engagement');
  expect(stored.size).toBe(expected.size);
  for (const [contact, score] of expected)
    expect([contact, stored.get(contact)]).toEqual([contact, { score, version }]);
  const { rows } = await h.db.query(
    `SELECT count(*)::int AS n, count(DISTINCT (contact_id, interaction_id, rule_id))::int AS distinct_n
     FROM score_ledger WHERE account_id = $1 AND profile_version = $2`,
    [account.accountId, version],
  );
  expect(rows[0].n).toBe(rows[0].distinct_n);
}

describe('re-scoring on publish', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => {
    await h?.shutdown();
  });

  it('when a new version is published, then every contact is re-scored from its history, matching an independent recomputation', async () => {
    const account = await h.newAccount();
    await publish(account, V1, true);
    await seedAppliedHistory(h.db, account.accountId, {
      contacts: 300,
      interactionsPerContact: 4,
      types: TYPES,
    });
    const v2 = await publish(account, V2);
    expect(v2.version).toBe(2);
    expect(v2.rescore.workflowId).toBe(`rescore:${account.accountId}:engagement:v2`);
    const progress = await finished(account, 2);
    expect(progress).toMatchObject({ total: 300, done: 300, rescored: 300 });
    await expectExact(h, account, V2, 2);
    // The re-score's rows say so (triggers and readers must not take them for new engagement).
    const { rows } = await h.db.query<{ version: number; rescore: boolean; contact: string }>(
      `SELECT DISTINCT ON (profile_version, rescore) profile_version AS version, rescore, contact_id AS contact
       FROM score_ledger WHERE account_id = $1 ORDER BY profile_version, rescore, id`,
      [account.accountId],
    );
    expect(rows.map((r) => [r.version, r.rescore])).toEqual([[2, true]]);
    const ledger = await account.call('GET', `/contacts/${rows[0]!.contact}/ledger`);
    expect(ledger.status).toBe(200);
    expect(ledger.body.entries.map((e: { profileVersion: number; rescore: boolean }) => e.rescore)).toContain(
      true,
    );
  });

  it('when a contact workflow is running, then the re-score tells it, and its cached score shows the new version', async () => {
    const account = await h.newAccount();
    await publish(account, V1, true);
    await seedAppliedHistory(h.db, account.accountId, {
      contacts: 50,
      interactionsPerContact: 2,
      types: TYPES,
    });
    expect((await account.call('POST', '/contacts', { id: 'zed-running' })).status).toBe(201);
    await account.call('POST', '/contacts/zed-running/interactions', [
      anInteraction({ type: 'email_opened' }),
      anInteraction({ type: 'email_clicked' }),
    ]);
    const handle = h.client.workflow.getHandle(contactWorkflowId(account.accountId, 'zed-running'));
    await eventually(async () =>
      expect((await handle.query(contactScoreQuery)).scores).toEqual([
        expect.objectContaining({
          profileId: 'engagement',
          version: 1,
          score: V1.email_opened + V1.email_clicked,
        }),
      ]),
    );
    await publish(account, V2);
    await finished(account, 2);
    // Nothing new arrives for this contact: only the re-score's refresh can update what it holds.
    await eventually(async () =>
      expect((await handle.query(contactScoreQuery)).scores).toEqual([
        expect.objectContaining({
          profileId: 'engagement',
          version: 2,
          score: V2.email_opened + V2.email_clicked,
        }),
      ]),
    );
  });

  it('when interactions arrive during a re-score, then each counts once under the live version', async () => {
    const account = await h.newAccount();
    await publish(account, V1, true);
    const contacts = await seedAppliedHistory(h.db, account.accountId, {
      contacts: 400,
      interactionsPerContact: 3,
      types: TYPES,
    });
    await publish(account, V2);
    const live = contacts.filter((_, i) => i % 40 === 0);
    await Promise.all(
      live.map((c) =>
        account.call('POST', `/contacts/${c}/interactions`, [
          anInteraction({ type: 'form_submitted' }),
          anInteraction({ type: 'email_opened' }),
        ]),
      ),
    );
    await finished(account, 2);
    for (const c of live) {
      const handle = h.client.workflow.getHandle(contactWorkflowId(account.accountId, c));
      await eventually(async () => expect((await handle.query(contactScoreQuery)).pendingCount).toBe(0));
    }
    await eventually(() => expectExact(h, account, V2, 2));
  });
});

describe('re-scoring survives a killed worker', () => {
  let h: Harness;
  const workers: WorkerProcess[] = [];
  beforeAll(async () => {
    h = await startHarness({ inProcessWorker: false });
  });
  afterAll(async () => {
    for (const w of workers) await w.kill();
    await h?.shutdown();
  });

  it('when the worker is SIGKILLed mid re-score and another starts, then scores are exact and nothing is counted twice', async () => {
    const account = await h.newAccount();
    const first = startWorkerProcess(h.taskQueue);
    workers.push(first);
    await first.ready;
    await publish(account, V1, true);
    await seedAppliedHistory(h.db, account.accountId, {
      contacts: 3000,
      interactionsPerContact: 3,
      types: TYPES,
    });
    await publish(account, V2);
    const midway = await eventually(
      async () => {
        const res = await account.call('GET', '/profiles/engagement/versions/2/rescore');
        expect(res.body.done).toBeGreaterThan(0);
        return res.body;
      },
      { timeoutMs: 30_000, intervalMs: 50 },
    );
    await first.kill('SIGKILL');
    // Queries need a worker, so the state is read just before the kill.
    expect(midway.state).toBe('running');
    expect(midway.done).toBeLessThan(3000);

    const second = startWorkerProcess(h.taskQueue);
    workers.push(second);
    await second.ready;
    const progress = await finished(account, 2, 120_000);
    expect(progress.done).toBe(3000);
    await expectExact(h, account, V2, 2);
  }, 180_000);
});
