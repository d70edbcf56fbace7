import { contactWorkflowId } from '../../domain/ids';
import { DEFAULT_RULES } from '../../domain/default-rules';
import { contactScoreQuery } from '../../workflows/definitions';
import { anInteraction } from '../support/builders';
import { eventually } from '../support/eventually';
import { startHarness, type Harness, type TestAccount } from '../support/harness';
import { signalsReceived } from '../support/workflow-signals';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.shutdown();
});

async function publishedAccount(): Promise<TestAccount> {
  const account = await h.newAccount();
  expect(
    (await account.call('POST', '/profiles', { id: 'engagement', name: 'Engagement', rules: DEFAULT_RULES }))
      .status,
  ).toBe(201);
  expect((await account.call('POST', '/profiles/engagement/publish')).status).toBe(201);
  return account;
}

async function aContact(account: TestAccount, id = 'c1'): Promise<string> {
  expect((await account.call('POST', '/contacts', { id, email: `${id}@example.com` })).status).toBe(201);
  return id;
}

async function scoreOf(account: TestAccount, contactId: string): Promise<number | null> {
  const res = await account.call('GET', `/contacts/${contactId}/score`);
  expect(res.status).toBe(200);
  return res.body.score;
}

async function settledScore(account: TestAccount, contactId: string, expected: number): Promise<void> {
  await eventually(async () => expect(await scoreOf(account, contactId)).toBe(expected));
}

async function ledgerRows(account: TestAccount, contactId: string) {
  const { rows } = await h.db.query(
    'SELECT interaction_id, rule_id, delta FROM score_ledger WHERE account_id = $1 AND contact_id = $2',
    [account.accountId, contactId],
  );
  return rows;
}

describe('POST /contacts/:contactId/interactions', () => {
  it('when interactions arrive, then the score in Postgres and in the workflow query reflect the published rules', async () => {
    const account = await publishedAccount();
    const contact = await aContact(account);
    const res = await account.call('POST', `/contacts/${contact}/interactions`, [
      anInteraction({ type: 'email_opened' }),
      anInteraction({ type: 'email_clicked' }),
      anInteraction({ type: 'tag_added', attributes: { tag: 'VIP' } }),
      anInteraction({ type: 'reply_received', attributes: { text: 'What is your pricing?' } }),
      anInteraction({ type: 'tag_added', attributes: { tag: 'newsletter' } }),
    ]);
    expect(res.status).toBe(202);
    expect(res.body.accepted).toBe(5);

    const expected = 1 + 3 + 15 + 8;
    await settledScore(account, contact, expected);
    const handle = h.client.workflow.getHandle(contactWorkflowId(account.accountId, contact));
    const view = await handle.query(contactScoreQuery);
    expect(view.scores).toEqual([{ profileId: 'engagement', isDefault: true, version: 1, score: expected }]);
    expect(view.appliedCount).toBe(5);

    const score = await account.call('GET', `/contacts/${contact}/score`);
    expect(score.body.profiles[0].breakdown).toEqual([
      { ruleId: 'email-clicked', description: 'Link clicked', count: 1, points: 3 },
      { ruleId: 'email-opened', description: 'Email opened', count: 1, points: 1 },
      { ruleId: 'pricing-reply', description: 'Reply mentions pricing', count: 1, points: 8 },
      { ruleId: 'vip-tag', description: 'Tag "vip" added', count: 1, points: 15 },
    ]);
    const ledger = await account.call('GET', `/contacts/${contact}/ledger`);
    expect(ledger.body.entries).toHaveLength(4);
    expect(ledger.body.entries[0].scoreAfter).toBe(expected);
  });

  it('when the same interaction id is sent twice, alone or in one batch, then it counts once', async () => {
    const account = await publishedAccount();
    const contact = await aContact(account);
    const click = anInteraction({ type: 'email_clicked' });
    expect((await account.call('POST', `/contacts/${contact}/interactions`, click)).body).toEqual({
      accepted: 1,
      duplicates: [],
    });
    expect((await account.call('POST', `/contacts/${contact}/interactions`, click)).body).toEqual({
      accepted: 0,
      duplicates: [click.id],
    });
    await account.call('POST', `/contacts/${contact}/interactions`, [click, click, anInteraction()]);
    await settledScore(account, contact, 4);
    // Give a would-be double count time to show before declaring there is none.
    await new Promise((r) => setTimeout(r, 500));
    expect(await scoreOf(account, contact)).toBe(4);
    expect(await ledgerRows(account, contact)).toHaveLength(2);
  });

  it('when 500 interactions hit one contact concurrently, then the score is exact and coalesced wake-ups signalled the workflow far fewer times', async () => {
    const account = await publishedAccount();
    const contact = await aContact(account);
    const interactions = Array.from({ length: 500 }, (_, i) =>
      anInteraction({ type: i % 5 === 0 ? 'email_clicked' : 'email_opened' }),
    );
    const results = await Promise.all(
      interactions.map((one) => account.call('POST', `/contacts/${contact}/interactions`, one)),
    );
    expect(results.every((r) => r.status === 202)).toBe(true);

    const expected = 100 * 3 + 400 * 1;
    await settledScore(account, contact, expected);
    const rows = await ledgerRows(account, contact);
    expect(rows).toHaveLength(500);
    expect(new Set(rows.map((r) => r.interaction_id)).size).toBe(500);

    const workflowId = contactWorkflowId(account.accountId, contact);
    const view = await eventually(async () => {
      const v = await h.client.workflow.getHandle(workflowId).query(contactScoreQuery);
      expect(v.appliedCount).toBe(500);
      return v;
    });
    expect(view.scores[0]!.score).toBe(expected);
    // A contact already due to wake is not signalled again (db/wake-requests.ts). Continue-as-new
    // with work pending is covered by test/workflows/contact-scoring.test.ts and the histories.
    const { signals } = await signalsReceived(h.client, workflowId);
    expect(signals.length).toBeLessThan(500 / 3);
  });

  it('when the body is malformed, then it answers 400 naming the field and writes nothing', async () => {
    const account = await publishedAccount();
    const contact = await aContact(account);
    const cases: Array<[unknown, string]> = [
      [{ id: 'x1', type: 'email_opened', occurredAt: 'yesterday' }, 'body.occurredAt'],
      [{ id: 'x2', type: 'Email Opened', occurredAt: new Date().toISOString() }, 'body.type'],
      [{ type: 'email_opened', occurredAt: new Date().toISOString() }, 'body.id'],
      [
        [
          anInteraction({ id: 'ok-1' }),
          { ...anInteraction({ id: 'bad-2' }), attributes: { nested: { no: 1 } } },
        ],
        'body.1.attributes.nested',
      ],
      [{ ...anInteraction({ id: 'x3' }), extra: true }, 'body'],
      [[], 'body'],
    ];
    for (const [body, path] of cases) {
      const res = await account.call('POST', `/contacts/${contact}/interactions`, body);
      expect(res.status).toBe(400);
      expect(res.headers.get('content-type')).toMatch(/application\/problem\+json/);
      expect(res.body.errors.map((e: { path: string }) => e.path)).toContain(path);
    }
    const bad = await account.call('POST', `/contacts/${contact}/interactions`, '{"id": ');
    expect(bad.status).toBe(400);
    const { rows } = await h.db.query('SELECT count(*)::int AS n FROM interactions WHERE account_id = $1', [
      account.accountId,
    ]);
    expect(rows[0].n).toBe(0);
  });

  it('when the contact or the key is unknown, then it answers 404 or 401', async () => {
    const account = await publishedAccount();
    expect((await account.call('POST', '/contacts/nobody/interactions', anInteraction())).status).toBe(404);
    expect((await account.call('GET', '/contacts/nobody/score')).status).toBe(404);
    expect((await account.call('POST', '/contacts/nobody/interactions', anInteraction(), null)).status).toBe(
      401,
    );
    expect(
      (await account.call('POST', '/contacts/nobody/interactions', anInteraction(), 'pulse_wrong')).status,
    ).toBe(401);
    expect((await account.call('POST', '/contacts', { id: 'c9' }, account.keys.read)).status).toBe(403);
  });
});

describe('GET /contacts/:contactId/score', () => {
  it('when no profile is published, then the score is empty (null), and 0 once one is', async () => {
    const account = await h.newAccount();
    await account.call('POST', '/profiles', { id: 'engagement', name: 'Engagement', rules: DEFAULT_RULES });
    const contact = await aContact(account);
    expect(await scoreOf(account, contact)).toBeNull();
    await account.call('POST', '/profiles/engagement/publish');
    expect(await scoreOf(account, contact)).toBe(0);
  });

  it("when another account's key asks, then the contact does not exist for it", async () => {
    const owner = await publishedAccount();
    const contact = await aContact(owner, 'private');
    const other = await h.newAccount();
    expect((await other.call('GET', `/contacts/${contact}/score`)).status).toBe(404);
    expect((await other.call('POST', `/contacts/${contact}/interactions`, anInteraction())).status).toBe(404);
  });
});
