import { ensureReconcilerSchedule, reconcilerScheduleId } from '../../clients/reconciler-schedule';
import { readContactWorkflow } from '../../clients/contact-workflow';
import { insertInteractions } from '../../db/interactions';
import { contactWorkflowId } from '../../domain/ids';
import { SCORE_ADJUSTMENT_TYPE } from '../../domain/score-computation';
import { aRewardTrigger, anInteraction } from '../support/builders';
import { eventually } from '../support/eventually';
import { rulesFor } from '../support/fault-kit';
import { workflowExists } from '../support/workflow-exists';
import { startHarness, type Harness, type TestAccount } from '../support/harness';

/**
 * SCORE_AT_INGEST=on: the API scores in the ingest's transaction and signals a contact's workflow
 * only when it must act. Scores are exact and visible at the 202; triggers fire once, including
 * over steps scored before the contact's workflow existed; what the API cannot score (a value
 * Postgres refuses, a pending manual adjustment) is left to the workflow as without the option;
 * the workflow's own view catches up through the reconciler.
 */

const POINTS = { email_opened: 1, email_clicked: 3, dnd_all_enabled: -25 };
const REFRESH_AFTER_SECONDS = 1;

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ appOptions: { scoreAtIngest: { refreshAfterSeconds: REFRESH_AFTER_SECONDS } } });
});
afterAll(async () => {
  await h?.db.query('ALTER TABLE score_ledger DROP CONSTRAINT IF EXISTS test_poison_at_ingest');
  await h?.shutdown();
});

async function setUp(triggers: unknown[] = []): Promise<TestAccount> {
  const account = await h.newAccount();
  const profile = { id: 'engagement', name: 'E', rules: rulesFor(POINTS) };
  expect((await account.call('POST', '/profiles', profile)).status).toBe(201);
  expect((await account.call('POST', '/profiles/engagement/publish')).status).toBe(201);
  for (const trigger of triggers) expect((await account.call('POST', '/triggers', trigger)).status).toBe(201);
  expect((await account.call('POST', '/contacts', { id: 'c1', email: 'c1@example.com' })).status).toBe(201);
  return account;
}

async function send(account: TestAccount, ...types: string[]) {
  const res = await account.call(
    'POST',
    '/contacts/c1/interactions',
    types.map((type) => anInteraction({ type })),
  );
  expect(res.status).toBe(202);
}

const scoreNow = async (account: TestAccount) => (await account.call('GET', '/contacts/c1/score')).body.score;

const contactWorkflowExists = (account: TestAccount) =>
  workflowExists(h.client, contactWorkflowId(account.accountId, 'c1'));

describe('scoring at ingest', () => {
  it('when no trigger can fire, then the score is exact at the 202, no workflow is signalled, and a refresh is due', async () => {
    const account = await setUp();
    await send(account, 'email_opened', 'email_clicked');
    expect(await scoreNow(account)).toBe(4);
    await send(account, 'email_clicked');
    expect(await scoreNow(account)).toBe(7);
    const ledger = await account.call('GET', '/contacts/c1/ledger');
    expect(ledger.body.entries).toHaveLength(3);
    expect(await contactWorkflowExists(account)).toBe(false);
    const { rows } = await h.db.query(
      'SELECT refresh_due_at IS NOT NULL AS due, wake_requested_at IS NULL AS unmarked FROM contacts WHERE account_id = $1',
      [account.accountId],
    );
    expect(rows).toEqual([{ due: true, unmarked: true }]);
  });

  it('when a bulk request spans many contacts, then every score is exact at the 202 and repeats count once', async () => {
    const account = await setUp();
    const contacts = ['c2', 'c3', 'c4'];
    for (const id of contacts) expect((await account.call('POST', '/contacts', { id })).status).toBe(201);
    const items = contacts.flatMap((contactId, n) =>
      Array.from({ length: n + 1 }, () => ({ contactId, ...anInteraction({ type: 'email_clicked' }) })),
    );
    const unknown = { contactId: 'nobody', ...anInteraction({ type: 'email_opened' }) };
    const res = await account.call('POST', '/interactions', { items: [...items, items[0], unknown] });
    expect(res.status).toBe(202);
    expect(res.body).toMatchObject({ accepted: 6, duplicates: 1 });
    const again = await account.call('POST', '/interactions', { items });
    expect(again.body).toMatchObject({ accepted: 0, duplicates: 6 });
    for (const [n, id] of contacts.entries())
      expect((await account.call('GET', `/contacts/${id}/score`)).body.score).toBe(3 * (n + 1));
    const { rows } = await h.db.query(
      'SELECT id AS contact_id, applied_count::int AS n FROM contacts WHERE account_id = $1 ORDER BY id',
      [account.accountId],
    );
    expect(rows).toEqual([
      { contact_id: 'c1', n: 0 },
      { contact_id: 'c2', n: 1 },
      { contact_id: 'c3', n: 2 },
      { contact_id: 'c4', n: 3 },
    ]);
  });

  it('when a refresh is due, then the reconciler wakes the workflow and its view catches up', async () => {
    const account = await setUp();
    await send(account, 'email_opened', 'email_opened', 'email_clicked');
    expect(await scoreNow(account)).toBe(5);
    await ensureReconcilerSchedule(h.client, {
      taskQueue: h.taskQueue,
      intervalSeconds: 1,
      graceSeconds: 1,
      accountId: account.accountId,
    });
    try {
      await eventually(async () => {
        const view = await readContactWorkflow(h.client, { accountId: account.accountId, contactId: 'c1' });
        expect(view.appliedCount).toBe(3);
        expect(view.scores).toEqual([{ profileId: 'engagement', isDefault: true, version: 1, score: 5 }]);
      });
      await eventually(async () => {
        const { rows } = await h.db.query('SELECT refresh_due_at FROM contacts WHERE account_id = $1', [
          account.accountId,
        ]);
        expect(rows).toEqual([{ refresh_due_at: null }]);
      });
    } finally {
      await h.client.schedule.getHandle(reconcilerScheduleId(h.taskQueue)).delete();
    }
  });

  it('when a step may fire a trigger, then the workflow is woken at once and fires once, counting steps scored before it existed', async () => {
    const account = await setUp([aRewardTrigger(5)]);
    await send(account, 'email_opened', 'email_opened', 'email_opened'); // 3: below, no wake
    expect(await scoreNow(account)).toBe(3);
    expect(await contactWorkflowExists(account)).toBe(false);
    await send(account, 'email_clicked'); // 6: crosses 5
    const contact = { accountId: account.accountId, contactId: 'c1' };
    await eventually(async () => {
      const view = await readContactWorkflow(h.client, contact);
      expect(view.triggerStates.reward?.fires).toBe(1);
      expect(view.recentAutomations).toEqual([
        `${contactWorkflowId(account.accountId, 'c1')}/trigger:reward/1`,
      ]);
    });
    await send(account, 'email_opened'); // 7: still above, no crossing
    expect(await scoreNow(account)).toBe(7);
    await send(account, 'dnd_all_enabled'); // -18: do-not-disturb wakes the workflow at once
    await eventually(async () => expect((await readContactWorkflow(h.client, contact)).appliedCount).toBe(6));
    const view = await readContactWorkflow(h.client, contact);
    expect(view.triggerStates.reward?.fires).toBe(1);
    expect(view.recentAutomations).toHaveLength(1);
  });

  it('when Postgres refuses what scoring writes, then the interactions stay stored and the workflow sets the bad one aside', async () => {
    const account = await setUp();
    await h.db.query('ALTER TABLE score_ledger DROP CONSTRAINT IF EXISTS test_poison_at_ingest');
    await h.db.query(
      `ALTER TABLE score_ledger ADD CONSTRAINT test_poison_at_ingest
       CHECK (account_id <> '${account.accountId}' OR interaction_id <> 'bad-1') NOT VALID`,
    );
    const batch = [
      anInteraction({ id: 'ok-1', type: 'email_opened' }),
      anInteraction({ id: 'bad-1', type: 'email_clicked' }),
      anInteraction({ id: 'ok-2', type: 'email_clicked' }),
    ];
    const res = await account.call('POST', '/contacts/c1/interactions', batch);
    expect(res.status).toBe(202);
    expect(res.body.accepted).toBe(3);
    await eventually(async () => expect(await scoreNow(account)).toBe(4));
    const setAside = await account.call('GET', '/contacts/c1/set-aside');
    expect(setAside.body.items).toEqual([expect.objectContaining({ id: 'bad-1' })]);
  });

  it('when a manual adjustment waits in the inbox, then the contact is left to its workflow, which applies both', async () => {
    const account = await setUp();
    await insertInteractions(h.db, account.accountId, 'c1', [
      anInteraction({
        id: 'auto:adj-1',
        type: SCORE_ADJUSTMENT_TYPE,
        attributes: { profileId: 'engagement', points: 10, reason: 'test', actor: 'test' },
      }),
    ]);
    await send(account, 'email_opened');
    const { rows } = await h.db.query(
      'SELECT count(*)::int AS n FROM interactions WHERE account_id = $1 AND applied_at IS NULL',
      [account.accountId],
    );
    expect(rows[0].n).toBe(2); // nothing scored at ingest: order is the workflow's
    await eventually(async () => expect(await scoreNow(account)).toBe(11));
  });
});
