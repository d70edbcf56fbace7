import type { Rule } from '../../domain/rule';
import { anInteraction } from '../support/builders';
import { eventually } from '../support/eventually';
import { startHarness, type Harness, type TestAccount } from '../support/harness';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.shutdown();
});

const rule = (id: string, interactionType: string, points: number, extra: Partial<Rule> = {}): Rule => ({
  id,
  interactionType,
  criteria: [],
  points,
  ...extra,
});
const LIVE_RULES = [
  rule('opened', 'email_opened', 1),
  rule('clicked', 'email_clicked', 3),
  rule('paid', 'payment_succeeded', 20),
];

/** An account whose profile "engagement" is published (version 1) with LIVE_RULES. */
async function publishedAccount(): Promise<TestAccount> {
  const account = await h.newAccount();
  expect(
    (await account.call('POST', '/profiles', { id: 'engagement', name: 'Engagement', rules: LIVE_RULES }))
      .status,
  ).toBe(201);
  expect((await account.call('POST', '/profiles/engagement/publish')).status).toBe(201);
  return account;
}

async function aContact(account: TestAccount, id: string): Promise<string> {
  expect((await account.call('POST', '/contacts', { id })).status).toBe(201);
  return id;
}

/** Sends interactions of these types, a minute apart from `start` in that order. */
async function send(
  account: TestAccount,
  contact: string,
  types: string[],
  start = '2026-01-01T00:00:00.000Z',
) {
  const t0 = Date.parse(start);
  const interactions = types.map((type, i) =>
    anInteraction({ type, occurredAt: new Date(t0 + i * 60_000).toISOString() }),
  );
  expect((await account.call('POST', `/contacts/${contact}/interactions`, interactions)).status).toBe(202);
}

async function scoreUnder(
  account: TestAccount,
  contact: string,
  profileId = 'engagement',
): Promise<number | null> {
  const res = await account.call('GET', `/contacts/${contact}/score`);
  expect(res.status).toBe(200);
  return res.body.profiles.find((p: { profileId: string }) => p.profileId === profileId).score;
}

async function settled(account: TestAccount, contact: string, score: number, profileId = 'engagement') {
  await eventually(async () => expect(await scoreUnder(account, contact, profileId)).toBe(score));
}

function expectFieldError(res: { status: number; body: { errors?: Array<{ path: string }> } }, path: string) {
  expect(res.status).toBe(400);
  expect(res.body.errors?.map((e) => e.path)).toContain(path);
}

/** Everything scoring writes for the account, to tell that nothing was written. */
async function scoringState(accountId: string) {
  const { rows } = await h.db.query(
    `SELECT
       (SELECT count(*)::int FROM interactions WHERE account_id = $1) AS interactions,
       (SELECT count(*)::int FROM interactions WHERE account_id = $1 AND applied_at IS NOT NULL) AS applied,
       (SELECT count(*)::int FROM score_ledger WHERE account_id = $1) AS ledger,
       (SELECT COALESCE(max(id), 0)::text FROM score_ledger WHERE account_id = $1) AS last_ledger_id,
       (SELECT count(*)::int FROM contact_scores WHERE account_id = $1) AS scores,
       (SELECT md5(COALESCE(string_agg(concat_ws('|', contact_id, profile_id, score, profile_version, updated_at), ',' ORDER BY contact_id, profile_id), ''))
          FROM contact_scores WHERE account_id = $1) AS scores_checksum,
       (SELECT count(*)::int FROM profile_versions WHERE account_id = $1) AS versions,
       (SELECT md5(string_agg(concat_ws('|', id, draft_rules, floor, ceiling, live_version, updated_at), ',' ORDER BY id))
          FROM score_profiles WHERE account_id = $1) AS profiles_checksum`,
    [accountId],
  );
  return rows[0];
}

describe('editing the draft', () => {
  it('when the draft is edited in every way, then live scores, the live version and new scoring stay on the published rules', async () => {
    const account = await publishedAccount();
    const contact = await aContact(account, 'c1');
    await send(account, contact, ['email_opened', 'email_clicked']);
    await settled(account, contact, 4);

    const edits: Array<[string, string, unknown, number]> = [
      ['PATCH', '/profiles/engagement', { name: 'Renamed', description: 'wip', floor: 0, ceiling: 3 }, 200],
      ['PUT', '/profiles/engagement/draft/rules', { rules: [rule('opened', 'email_opened', 50)] }, 200],
      ['POST', '/profiles/engagement/draft/rules', rule('clicked', 'email_clicked', 40), 201],
      ['PUT', '/profiles/engagement/draft/rules/opened', rule('opened', 'email_opened', 60), 200],
      ['POST', '/profiles/engagement/draft/rules/order', { ruleIds: ['clicked', 'opened'] }, 200],
      ['DELETE', '/profiles/engagement/draft/rules/clicked', undefined, 204],
    ];
    for (const [method, path, body, status] of edits) {
      expect([method, path, (await account.call(method, path, body)).status]).toEqual([method, path, status]);
    }
    expect(await scoreUnder(account, contact)).toBe(4);
    const profile = (await account.call('GET', '/profiles/engagement')).body;
    expect(profile).toMatchObject({
      name: 'Renamed',
      floor: 0,
      ceiling: 3,
      liveVersion: 1,
      draftRules: [rule('opened', 'email_opened', 60)],
    });

    // Still the live version 1's points, unclamped: +1 for the open.
    await send(account, contact, ['email_opened'], '2026-01-02T00:00:00.000Z');
    await settled(account, contact, 5);
    const { rows } = await h.db.query(
      'SELECT DISTINCT profile_version FROM score_ledger WHERE account_id = $1 UNION SELECT profile_version FROM contact_scores WHERE account_id = $1',
      [account.accountId],
    );
    expect(rows.map((r) => r.profile_version)).toEqual([1]);
    expect((await account.call('GET', '/profiles/engagement/versions')).body.versions).toHaveLength(1);
  });

  it('when PATCH is invalid, then 400 names the field; a missing profile is 404 and a read key 403', async () => {
    const account = await publishedAccount();
    expectFieldError(
      await account.call('PATCH', '/profiles/engagement', { floor: 10, ceiling: 10 }),
      'body.ceiling',
    );
    expectFieldError(await account.call('PATCH', '/profiles/engagement', { floor: 1.5 }), 'body.floor');
    expectFieldError(await account.call('PATCH', '/profiles/engagement', {}), 'body');
    expectFieldError(await account.call('PATCH', '/profiles/engagement', { rules: [] }), 'body');
    expect((await account.call('PATCH', '/profiles/engagement', { ceiling: 100 })).status).toBe(200);
    // Against the draft's ceiling.
    expectFieldError(await account.call('PATCH', '/profiles/engagement', { floor: 100 }), 'body.floor');
    const cleared = await account.call('PATCH', '/profiles/engagement', { ceiling: null, floor: 100 });
    expect(cleared.body).toMatchObject({ floor: 100, ceiling: null });
    expect((await account.call('PATCH', '/profiles/nope', { name: 'x' })).status).toBe(404);
    expect(
      (await account.call('PATCH', '/profiles/engagement', { name: 'x' }, account.keys.read)).status,
    ).toBe(403);
  });
});

describe('draft rules', () => {
  it('when rules are added, edited, reordered and removed one at a time, then the draft shows each change in order', async () => {
    const account = await publishedAccount();
    const base = '/profiles/engagement/draft/rules';
    const ids = async () =>
      ((await account.call('GET', base, undefined, account.keys.read)).body.rules as Rule[]).map((r) => r.id);
    expect(await ids()).toEqual(['opened', 'clicked', 'paid']);

    const added = await account.call(
      'POST',
      base,
      rule('form', 'form_submitted', 5, { maxCount: 2, windowDays: 7, expiresAfterDays: 30 }),
    );
    expect(added.status).toBe(201);
    expect(added.body.draftRules.at(-1)).toEqual(
      rule('form', 'form_submitted', 5, { maxCount: 2, windowDays: 7, expiresAfterDays: 30 }),
    );

    const edited = await account.call('PUT', `${base}/clicked`, rule('clicked', 'email_clicked', 7));
    expect(edited.status).toBe(200);
    expect(edited.body.draftRules[1]).toEqual(rule('clicked', 'email_clicked', 7));

    expect(
      (await account.call('POST', `${base}/order`, { ruleIds: ['paid', 'form', 'opened', 'clicked'] }))
        .status,
    ).toBe(200);
    expect(await ids()).toEqual(['paid', 'form', 'opened', 'clicked']);
    expect((await account.call('DELETE', `${base}/opened`)).status).toBe(204);
    expect(await ids()).toEqual(['paid', 'form', 'clicked']);
  });

  it('when a rule edit is invalid, then it answers 400 naming the field, 404 or 409, and the draft is unchanged', async () => {
    const account = await publishedAccount();
    const base = '/profiles/engagement/draft/rules';
    const before = (await account.call('GET', base)).body.rules;

    expectFieldError(await account.call('POST', base, rule('zero', 'email_opened', 0)), 'body.points');
    expectFieldError(
      await account.call('POST', base, rule('win', 'email_opened', 1, { windowDays: 7 })),
      'body.windowDays',
    );
    expectFieldError(
      await account.call('POST', base, rule('cap', 'email_opened', 1, { maxCount: 0 })),
      'body.maxCount',
    );
    expectFieldError(
      await account.call('PUT', `${base}/opened`, rule('opened', 'email_opened', 1.5)),
      'body.points',
    );
    expectFieldError(
      await account.call('PUT', `${base}/opened`, rule('other', 'email_opened', 1)),
      'body.id',
    );
    expectFieldError(
      await account.call('POST', `${base}/order`, { ruleIds: ['opened', 'clicked'] }),
      'body.ruleIds',
    );
    expectFieldError(
      await account.call('POST', `${base}/order`, { ruleIds: ['opened', 'clicked', 'paid', 'nope'] }),
      'body.ruleIds',
    );
    expectFieldError(
      await account.call('POST', `${base}/order`, { ruleIds: ['opened', 'opened', 'paid'] }),
      'body.ruleIds.1',
    );
    expectFieldError(await account.call('POST', `${base}/order`, {}), 'body.ruleIds');

    expect((await account.call('POST', base, rule('opened', 'email_opened', 2))).status).toBe(409);
    expect((await account.call('PUT', `${base}/nope`, rule('nope', 'email_opened', 2))).status).toBe(404);
    expect((await account.call('DELETE', `${base}/nope`)).status).toBe(404);
    expect(
      (await account.call('POST', '/profiles/nope/draft/rules', rule('x', 'email_opened', 2))).status,
    ).toBe(404);
    expect((await account.call('POST', base, rule('x', 'email_opened', 2), account.keys.write)).status).toBe(
      403,
    );

    expect((await account.call('GET', base)).body.rules).toEqual(before);
  });
});

describe('versions', () => {
  it('when the draft is published again, then version 2 is live and carries its diff against version 1, who and when', async () => {
    const account = await publishedAccount();
    expect(
      (
        await account.call(
          'PUT',
          '/profiles/engagement/draft/rules/paid',
          rule('paid', 'payment_succeeded', 25),
        )
      ).status,
    ).toBe(200);
    expect((await account.call('DELETE', '/profiles/engagement/draft/rules/opened')).status).toBe(204);
    expect(
      (await account.call('POST', '/profiles/engagement/draft/rules', rule('form', 'form_submitted', 5)))
        .status,
    ).toBe(201);
    expect((await account.call('PATCH', '/profiles/engagement', { ceiling: 100 })).status).toBe(200);

    const published = await account.call('POST', '/profiles/engagement/publish');
    expect(published.status).toBe(201);
    expect(published.body).toMatchObject({ profileId: 'engagement', version: 2 });

    const list = await account.call('GET', '/profiles/engagement/versions', undefined, account.keys.read);
    expect(
      list.body.versions.map(
        (v: { version: number; live: boolean; ruleCount: number; ceiling: number | null }) => [
          v.version,
          v.live,
          v.ruleCount,
          v.ceiling,
        ],
      ),
    ).toEqual([
      [2, true, 3, 100],
      [1, false, 3, null],
    ]);

    const v2 = (await account.call('GET', '/profiles/engagement/versions/2')).body;
    expect(v2).toMatchObject({
      version: 2,
      live: true,
      floor: null,
      ceiling: 100,
      republishedFrom: null,
      publishedBy: expect.any(String),
    });
    expect(Date.parse(v2.publishedAt)).toBeGreaterThan(Date.now() - 60_000);
    expect(v2.rules.map((r: Rule) => r.id)).toEqual(['clicked', 'paid', 'form']);
    expect(v2.changes).toEqual({
      added: [rule('form', 'form_submitted', 5)],
      removed: [rule('opened', 'email_opened', 1)],
      changed: [
        {
          ruleId: 'paid',
          fields: ['points'],
          before: LIVE_RULES[2],
          after: rule('paid', 'payment_succeeded', 25),
        },
      ],
      reordered: false,
      ceiling: { before: null, after: 100 },
    });
    const v1 = (await account.call('GET', '/profiles/engagement/versions/1')).body;
    expect(v1.changes.added.map((r: Rule) => r.id)).toEqual(['opened', 'clicked', 'paid']);

    expect((await account.call('GET', '/profiles/engagement/versions/3')).status).toBe(404);
    expectFieldError(await account.call('GET', '/profiles/engagement/versions/two'), 'params.version');
    expect((await account.call('GET', '/profiles/nope/versions')).status).toBe(404);
  });

  it('when an earlier version is republished (rollback), then its rules become the next version, live scores follow, the draft stays', async () => {
    const account = await publishedAccount();
    const contact = await aContact(account, 'c1');
    await send(account, contact, ['email_opened', 'payment_succeeded']);
    await settled(account, contact, 21);

    expect(
      (
        await account.call('PUT', '/profiles/engagement/draft/rules', {
          rules: [rule('paid', 'payment_succeeded', 50)],
        })
      ).status,
    ).toBe(200);
    expect((await account.call('POST', '/profiles/engagement/publish')).body.version).toBe(2);
    await settled(account, contact, 50);

    const rollback = await account.call('POST', '/profiles/engagement/versions/1/republish');
    expect(rollback.status).toBe(201);
    expect(rollback.body).toMatchObject({ profileId: 'engagement', version: 3, republishedFrom: 1 });
    const v3 = (await account.call('GET', '/profiles/engagement/versions/3')).body;
    expect(v3).toMatchObject({ live: true, republishedFrom: 1, rules: LIVE_RULES });
    expect(v3.changes.added.map((r: Rule) => r.id)).toEqual(['opened', 'clicked']);
    expect(v3.changes.changed).toEqual([
      {
        ruleId: 'paid',
        fields: ['points'],
        before: rule('paid', 'payment_succeeded', 50),
        after: LIVE_RULES[2],
      },
    ]);
    expect((await account.call('GET', '/profiles/engagement')).body).toMatchObject({
      liveVersion: 3,
      draftRules: [rule('paid', 'payment_succeeded', 50)],
    });
    await settled(account, contact, 21);

    expect((await account.call('POST', '/profiles/engagement/versions/9/republish')).status).toBe(404);
    expect(
      (await account.call('POST', '/profiles/engagement/versions/1/republish', undefined, account.keys.write))
        .status,
    ).toBe(403);
  });
});

describe('DELETE /profiles/:profileId', () => {
  it('when the profile was never published, then it is deleted (the default passing to the next); a published one is 409', async () => {
    const account = await h.newAccount();
    expect((await account.call('POST', '/profiles', { id: 'first', name: 'First' })).body.isDefault).toBe(
      true,
    );
    expect((await account.call('POST', '/profiles', { id: 'second', name: 'Second' })).body.isDefault).toBe(
      false,
    );
    expect((await account.call('POST', '/profiles/second/publish')).status).toBe(201);

    expect((await account.call('DELETE', '/profiles/second')).status).toBe(409);
    expect((await account.call('DELETE', '/profiles/first', undefined, account.keys.write)).status).toBe(403);
    expect((await account.call('DELETE', '/profiles/first')).status).toBe(204);
    expect((await account.call('GET', '/profiles/first')).status).toBe(404);
    expect((await account.call('DELETE', '/profiles/first')).status).toBe(404);
    expect((await account.call('GET', '/profiles/second')).body.isDefault).toBe(true);
  });
});

describe('POST /profiles/:profileId/simulate', () => {
  /*
   * Live (version 1): opened +1, clicked +3, paid +20. Draft: opened +2 at most once, clicked +3,
   * paid +10, floor 0, ceiling 25.
   *
   *   contact  interactions (in time order)        live   draft
   *   a        opened, opened, clicked             5      2 + (capped) + 3 = 5
   *   b        paid, clicked                       23     10 + 3 = 13
   *   c        —                                   0      0
   *   d        opened, paid, paid, adjust −6       35     2 + 10 + 10 − 6 = 16
   *   e        paid, paid, paid                    60     10, 20, 25 (ceiling) = 25
   *
   * a also has a +50 adjustment for the "sales" profile, which the engagement draft ignores.
   */
  async function knownDataSet() {
    const account = await publishedAccount();
    expect((await account.call('POST', '/profiles', { id: 'sales', name: 'Sales', rules: [] })).status).toBe(
      201,
    );
    expect((await account.call('POST', '/profiles/sales/publish')).status).toBe(201);
    const triggers = [
      { id: 'hot', profileId: 'engagement', condition: { op: 'gte', value: 20 } },
      { id: 'cool', profileId: 'engagement', condition: { op: 'lt', value: 20 } },
      { id: 'sales-any', profileId: 'sales', condition: { op: 'gte', value: 1 } },
    ];
    for (const t of triggers) {
      const res = await account.call('POST', '/triggers', {
        ...t,
        reentry: { policy: 'once' },
        automation: 'reward_offer',
        paused: true,
      });
      expect(res.status).toBe(201);
    }

    for (const id of ['a', 'b', 'c', 'd', 'e']) await aContact(account, id);
    await send(account, 'a', ['email_opened', 'email_opened', 'email_clicked']);
    await send(account, 'b', ['payment_succeeded', 'email_clicked']);
    await send(account, 'd', ['email_opened', 'payment_succeeded', 'payment_succeeded']);
    await send(account, 'e', ['payment_succeeded', 'payment_succeeded', 'payment_succeeded']);
    for (const [id, score] of [
      ['a', 5],
      ['b', 23],
      ['d', 41],
      ['e', 60],
    ] as const)
      await settled(account, id, score);
    const adjust = async (contact: string, profileId: string, points: number) =>
      expect(
        (
          await account.call('POST', `/contacts/${contact}/score-adjustments`, {
            profileId,
            points,
            reason: 'test',
          })
        ).status,
      ).toBe(201);
    await adjust('d', 'engagement', -6);
    await adjust('a', 'sales', 50);
    await settled(account, 'd', 35);
    await settled(account, 'a', 50, 'sales');

    expect(
      (
        await account.call('PUT', '/profiles/engagement/draft/rules', {
          rules: [
            rule('opened', 'email_opened', 2, { maxCount: 1 }),
            rule('clicked', 'email_clicked', 3),
            rule('paid', 'payment_succeeded', 10),
          ],
        })
      ).status,
    ).toBe(200);
    expect((await account.call('PATCH', '/profiles/engagement', { floor: 0, ceiling: 25 })).status).toBe(200);
    return account;
  }

  it('when run on a known data set, then it answers the distribution, stats, trigger counts and movers, and writes nothing', async () => {
    const account = await knownDataSet();
    const before = await scoringState(account.accountId);

    const res = await account.call('POST', '/profiles/engagement/simulate?binWidth=10');
    expect(res.status).toBe(200);
    const sim = res.body;
    expect(sim).toMatchObject({ profileId: 'engagement', liveVersion: 1, contacts: 5, changed: 3 });
    expect(sim.draft).toEqual({ count: 5, min: 0, max: 25, mean: 11.8, median: 13 });
    expect(sim.current).toEqual({ count: 5, min: 0, max: 60, mean: 24.6, median: 23, empty: 0 });
    expect(sim.histogram.binWidth).toBe(10);
    expect(
      sim.histogram.bins.map((b: { from: number; draft: number; current: number }) => [
        b.from,
        b.draft,
        b.current,
      ]),
    ).toEqual([
      [0, 2, 2],
      [10, 2, 0],
      [20, 1, 1],
      [30, 0, 1],
      [40, 0, 0],
      [50, 0, 0],
      [60, 0, 1],
    ]);
    expect(sim.triggers).toEqual([
      {
        triggerId: 'hot',
        condition: { op: 'gte', value: 20 },
        paused: true,
        current: 3,
        simulated: 1,
        entering: 0,
        leaving: 2,
      },
      {
        triggerId: 'cool',
        condition: { op: 'lt', value: 20 },
        paused: true,
        current: 2,
        simulated: 4,
        entering: 2,
        leaving: 0,
      },
    ]);
    expect(sim.movers).toEqual([
      { contactId: 'e', current: 60, simulated: 25, delta: -35 },
      { contactId: 'd', current: 35, simulated: 16, delta: -19 },
      { contactId: 'b', current: 23, simulated: 13, delta: -10 },
    ]);

    const top = await account.call('POST', '/profiles/engagement/simulate?top=1', undefined);
    expect(top.body.movers.map((m: { contactId: string }) => m.contactId)).toEqual(['e']);
    expect(top.body.histogram.binWidth).toBe(5);

    expect(await scoringState(account.accountId)).toEqual(before);
  });

  it('when the draft is then published, then the re-scored live scores are the simulated ones', async () => {
    const account = await knownDataSet();
    const sim = (await account.call('POST', '/profiles/engagement/simulate?top=100')).body;
    expect((await account.call('POST', '/profiles/engagement/publish')).status).toBe(201);
    const expected: Record<string, number> = { a: 5, c: 0 };
    for (const m of sim.movers as Array<{ contactId: string; simulated: number }>)
      expected[m.contactId] = m.simulated;
    for (const [contact, score] of Object.entries(expected)) await settled(account, contact, score);
  });

  it('when the profile was never published, then current scores are empty; bad options name the field; admin only', async () => {
    const account = await publishedAccount();
    expect(
      (
        await account.call('POST', '/profiles', {
          id: 'fresh',
          name: 'Fresh',
          rules: [rule('clicked', 'email_clicked', 4)],
        })
      ).status,
    ).toBe(201);
    await aContact(account, 'a');
    await send(account, 'a', ['email_clicked', 'email_clicked']);
    await settled(account, 'a', 6);

    const sim = (await account.call('POST', '/profiles/fresh/simulate')).body;
    expect(sim).toMatchObject({ liveVersion: null, contacts: 1, changed: 1 });
    expect(sim.current).toEqual({ count: 0, min: null, max: null, mean: null, median: null, empty: 1 });
    expect(sim.movers).toEqual([{ contactId: 'a', current: null, simulated: 8, delta: 8 }]);

    expectFieldError(await account.call('POST', '/profiles/fresh/simulate?binWidth=0'), 'query.binWidth');
    expectFieldError(await account.call('POST', '/profiles/fresh/simulate?top=abc'), 'query.top');
    expectFieldError(await account.call('POST', '/profiles/fresh/simulate?bins=3'), 'query');
    expect((await account.call('POST', '/profiles/nope/simulate')).status).toBe(404);
    expect(
      (await account.call('POST', '/profiles/fresh/simulate', undefined, account.keys.write)).status,
    ).toBe(403);
  });
});
