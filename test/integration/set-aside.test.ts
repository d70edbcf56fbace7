import { WorkflowUpdateFailedError } from '@temporalio/client';
import { adjustScore, deliverInteractions, readContactWorkflow } from '../../clients/contact-workflow';
import { insertInteractions } from '../../db/interactions';
import { anInteraction } from '../support/builders';
import { eventually } from '../support/eventually';
import { rulesFor } from '../support/fault-kit';
import { startHarness, type Harness, type TestAccount } from '../support/harness';

/**
 * One value Postgres refuses must not wedge a contact. The poison here is a CHECK constraint the
 * test adds for one interaction id (the edge refuses every value known to break a pass, so a
 * constraint stands in for the next one nobody thought of): its ledger row can never be written.
 */

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.db.query('ALTER TABLE score_ledger DROP CONSTRAINT IF EXISTS test_poison');
  await h?.shutdown();
});

async function poison(account: TestAccount, ...interactionIds: string[]): Promise<void> {
  const ids = interactionIds.map((id) => `'${id}'`).join(', ');
  await h.db.query('ALTER TABLE score_ledger DROP CONSTRAINT IF EXISTS test_poison');
  await h.db.query(
    `ALTER TABLE score_ledger ADD CONSTRAINT test_poison
     CHECK (account_id <> '${account.accountId}' OR interaction_id NOT IN (${ids})) NOT VALID`,
  );
}

async function setUp(contact: string): Promise<TestAccount> {
  const account = await h.newAccount();
  const profile = { id: 'engagement', name: 'E', rules: rulesFor({ email_opened: 1, email_clicked: 3 }) };
  expect((await account.call('POST', '/profiles', profile)).status).toBe(201);
  expect((await account.call('POST', '/profiles/engagement/publish')).status).toBe(201);
  expect((await account.call('POST', '/contacts', { id: contact })).status).toBe(201);
  return account;
}

describe('a value Postgres refuses, in the middle of a batch', () => {
  it('when one interaction of a batch cannot be ledgered, then it is set aside with its reason and the rest is scored', async () => {
    const account = await setUp('c1');
    await poison(account, 'bad-1');
    const batch = [
      anInteraction({ id: 'ok-1', type: 'email_opened' }),
      anInteraction({ id: 'bad-1', type: 'email_clicked' }),
      anInteraction({ id: 'ok-2', type: 'email_clicked' }),
    ];
    expect((await account.call('POST', '/contacts/c1/interactions', batch)).status).toBe(202);

    await eventually(async () =>
      expect((await account.call('GET', '/contacts/c1/score')).body.score).toBe(4),
    );
    const setAside = await account.call('GET', '/contacts/c1/set-aside', undefined, account.keys.read);
    expect(setAside.status).toBe(200);
    expect(setAside.body.items).toEqual([
      expect.objectContaining({
        id: 'bad-1',
        type: 'email_clicked',
        reason: expect.stringMatching(/^23514: /),
      }),
    ]);
    const view = await readContactWorkflow(h.client, { accountId: account.accountId, contactId: 'c1' });
    expect(view.recentlySetAside).toEqual([
      { id: 'bad-1', type: 'email_clicked', reason: expect.stringContaining('test_poison') },
    ]);
    expect(view.appliedCount).toBe(2);

    // The contact goes on scoring.
    const later = anInteraction({ id: 'ok-3', type: 'email_opened' });
    expect((await account.call('POST', '/contacts/c1/interactions', later)).status).toBe(202);
    await eventually(async () =>
      expect((await account.call('GET', '/contacts/c1/score')).body.score).toBe(5),
    );
    const metrics = await fetch(`${h.baseUrl}/metrics`).then((r) => r.text());
    expect(Number(/^pulse_set_aside_interactions (\d+)$/m.exec(metrics)?.[1])).toBeGreaterThanOrEqual(1);
  });

  it('when a score adjustment cannot be ledgered, then the update answers that it was set aside', async () => {
    const account = await setUp('c2');
    await poison(account, 'adj:bad');
    const contact = { accountId: account.accountId, contactId: 'c2' };
    const request = {
      adjustmentId: 'adj:bad',
      profileId: 'engagement',
      points: 5,
      reason: 'r',
      actor: 'test',
    };
    const refused = await adjustScore(h.client, h.taskQueue, contact, request).then(
      () => undefined,
      (err: Error) => err,
    );
    expect(refused).toBeInstanceOf(WorkflowUpdateFailedError);
    expect(refused?.cause).toMatchObject({
      type: 'AdjustmentSetAside',
      message: expect.stringContaining('23514'),
    });

    // Through the API: the same refusal is a 422, and the contact still scores what follows.
    await poison(account, 'adj:bad-2');
    const res = await account.call('POST', '/contacts/c2/score-adjustments', {
      id: 'bad-2',
      profileId: 'engagement',
      points: 5,
      reason: 'r',
    });
    expect(res.status).toBe(422);
    const ok = await account.call('POST', '/contacts/c2/score-adjustments', {
      profileId: 'engagement',
      points: 2,
      reason: 'fine',
    });
    expect(ok.status).toBe(201);
    expect(ok.body.score).toBe(2);
  });

  it('when a poison interaction was stored without an API call, then the next wake-up sets it aside', async () => {
    const account = await setUp('c3');
    await poison(account, 'bad-3');
    await insertInteractions(h.db, account.accountId, 'c3', [
      anInteraction({ id: 'bad-3', type: 'email_opened' }),
      anInteraction({ id: 'ok-4', type: 'email_clicked' }),
    ]);
    await deliverInteractions(h.client, h.taskQueue, account.accountId, 'c3', []);
    await eventually(async () =>
      expect((await account.call('GET', '/contacts/c3/score')).body.score).toBe(3),
    );
    const items = (await account.call('GET', '/contacts/c3/set-aside')).body.items as { id: string }[];
    expect(items.map((i) => i.id)).toEqual(['bad-3']);
  });
});
