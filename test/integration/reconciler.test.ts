import { ScheduleOverlapPolicy } from '@temporalio/client';
import {
  ensureReconcilerSchedule,
  reconcilerScheduleId,
  type ReconcilerSettings,
} from '../../clients/reconciler-schedule';
import { insertInteractions } from '../../db/interactions';
import { SCORE_ADJUSTMENT_TYPE } from '../../domain/score-computation';
import { anInteraction } from '../support/builders';
import { eventually } from '../support/eventually';
import { rulesFor, sleep } from '../support/fault-kit';
import { startHarness, type Harness, type TestAccount } from '../support/harness';

/**
 * Interactions that were stored but whose wake-up never came (the API stored them and then could
 * not signal, or died in between; an automation's score change stored before its worker died) are
 * applied by the reconciler Schedule, with no request after them.
 */

const POINTS = { email_opened: 1, email_clicked: 3 };

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.shutdown();
});

/** The reconciler of this file's task queue, limited to one account (other files share Postgres). */
async function withReconciler(settings: Omit<ReconcilerSettings, 'taskQueue'>, body: () => Promise<void>) {
  await ensureReconcilerSchedule(h.client, { taskQueue: h.taskQueue, ...settings });
  try {
    await body();
  } finally {
    await h.client.schedule.getHandle(reconcilerScheduleId(h.taskQueue)).delete();
  }
}

async function newAccountWithProfile(): Promise<TestAccount> {
  const account = await h.newAccount();
  expect(
    (await account.call('POST', '/profiles', { id: 'engagement', name: 'E', rules: rulesFor(POINTS) }))
      .status,
  ).toBe(201);
  expect((await account.call('POST', '/profiles/engagement/publish')).status).toBe(201);
  return account;
}

async function score(account: TestAccount, contact: string): Promise<number | null> {
  return (await account.call('GET', `/contacts/${contact}/score`, undefined, account.keys.read)).body.score;
}

async function unapplied(accountId: string): Promise<number> {
  const { rows } = await h.db.query<{ n: number }>(
    'SELECT count(*)::int AS n FROM interactions WHERE account_id = $1 AND applied_at IS NULL',
    [accountId],
  );
  return rows[0]!.n;
}

describe('the reconciler', () => {
  it('when interactions and an adjustment are stored without a wake-up, then the Schedule applies them all within seconds, with no new request', async () => {
    const account = await newAccountWithProfile();
    const { accountId } = account;
    for (const id of ['awake', 'asleep', 'adjusted'])
      expect((await account.call('POST', '/contacts', { id })).status).toBe(201);
    // "awake" has a running workflow (one interaction went through the API); "asleep" never had one.
    expect(
      (await account.call('POST', '/contacts/awake/interactions', anInteraction({ type: 'email_opened' })))
        .status,
    ).toBe(202);
    await eventually(async () => expect(await score(account, 'awake')).toBe(1));

    // Stored the way the API and the actions store them, with no signal after.
    await insertInteractions(h.db, accountId, 'awake', [
      anInteraction({ type: 'email_clicked' }),
      anInteraction({ type: 'email_opened' }),
    ]);
    await insertInteractions(h.db, accountId, 'asleep', [anInteraction({ type: 'email_clicked' })]);
    await insertInteractions(h.db, accountId, 'adjusted', [
      anInteraction({
        id: 'auto:stranded-adjustment',
        type: SCORE_ADJUSTMENT_TYPE,
        attributes: { profileId: 'engagement', points: 7, reason: 'reward', actor: 'test' },
      }),
    ]);

    // Without the reconciler nothing would ever apply them.
    await sleep(3_000);
    expect(await unapplied(accountId)).toBe(4);

    const started = Date.now();
    await withReconciler({ intervalSeconds: 1, graceSeconds: 1, accountId }, async () => {
      await eventually(
        async () => {
          expect(await unapplied(accountId)).toBe(0);
          expect({
            awake: await score(account, 'awake'),
            asleep: await score(account, 'asleep'),
            adjusted: await score(account, 'adjusted'),
          }).toEqual({ awake: 5, asleep: 3, adjusted: 7 });
        },
        { timeoutMs: 20_000, intervalMs: 250 },
      );
    });
    const ms = Date.now() - started;
    console.log(
      `reconciler: 4 stranded interactions of 3 contacts applied ${ms} ms after the Schedule was created`,
    );
    expect(ms).toBeLessThan(10_000);
    // Each counted once.
    const { rows } = await h.db.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM score_ledger WHERE account_id = $1',
      [accountId],
    );
    expect(rows[0]!.n).toBe(5);
  }, 60_000);

  it('when interactions are younger than the grace period, then it leaves them to their own wake-up', async () => {
    const account = await newAccountWithProfile();
    expect((await account.call('POST', '/contacts', { id: 'young' })).status).toBe(201);
    await insertInteractions(h.db, account.accountId, 'young', [anInteraction({ type: 'email_opened' })]);
    await withReconciler({ intervalSeconds: 1, graceSeconds: 8, accountId: account.accountId }, async () => {
      await sleep(4_000);
      expect(await unapplied(account.accountId)).toBe(1);
      await eventually(async () => expect(await score(account, 'young')).toBe(1), { timeoutMs: 15_000 });
    });
  }, 60_000);

  it('when it is ensured twice, then one Schedule holds the latest settings, skipping overlapping passes', async () => {
    const scheduleId = reconcilerScheduleId(h.taskQueue);
    await ensureReconcilerSchedule(h.client, {
      taskQueue: h.taskQueue,
      intervalSeconds: 30,
      graceSeconds: 5,
    });
    try {
      await ensureReconcilerSchedule(h.client, {
        taskQueue: h.taskQueue,
        intervalSeconds: 7,
        graceSeconds: 3,
      });
      const described = await h.client.schedule.getHandle(scheduleId).describe();
      expect(described.spec.intervals?.map((i) => i.every)).toEqual([7_000]);
      expect(described.policies.overlap).toBe(ScheduleOverlapPolicy.SKIP);
      expect(described.action.args).toEqual([{ graceSeconds: 3 }]);
      expect(described.action.taskQueue).toBe(h.taskQueue);
    } finally {
      await h.client.schedule.getHandle(scheduleId).delete();
    }
  });
});
