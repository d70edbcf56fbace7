import { DEFAULT_RULES } from '../../domain/default-rules';
import { contactWorkflowId } from '../../domain/ids';
import { contactScoreQuery } from '../../workflows/definitions';
import { aRewardTrigger, anInteraction, uniqueId } from '../support/builders';
import { eventually } from '../support/eventually';
import { workflowExists } from '../support/workflow-exists';
import { startHarness, type Harness, type TestAccount } from '../support/harness';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.shutdown();
});

async function accountWithContact(): Promise<{ account: TestAccount; contact: string; email: string }> {
  const account = await h.newAccount();
  expect(
    (await account.call('POST', '/profiles', { id: 'engagement', name: 'Engagement', rules: DEFAULT_RULES }))
      .status,
  ).toBe(201);
  expect((await account.call('POST', '/profiles/engagement/publish')).status).toBe(201);
  const email = `${uniqueId('c')}@example.com`.toLowerCase();
  expect((await account.call('POST', '/contacts', { id: 'c1', email, phone: '+15550001111' })).status).toBe(
    201,
  );
  return { account, contact: 'c1', email };
}

const automationId = (account: TestAccount, contact: string, trigger: string, n: number) =>
  `${contactWorkflowId(account.accountId, contact)}/trigger:${trigger}/${n}`;

async function send(account: TestAccount, contact: string, ...types: string[]) {
  const res = await account.call(
    'POST',
    `/contacts/${contact}/interactions`,
    types.map((type) => anInteraction({ type })),
  );
  expect(res.status).toBe(202);
}

async function settled(account: TestAccount, contact: string, score: number) {
  await eventually(async () =>
    expect((await account.call('GET', `/contacts/${contact}/score`)).body.score).toBe(score),
  );
}

const exists = (workflowId: string) => workflowExists(h.client, workflowId);

describe('triggers API', () => {
  it('when a trigger is valid, then it is stored and listed; when not, 400 names the field', async () => {
    const { account } = await accountWithContact();
    expect((await account.call('POST', '/triggers', aRewardTrigger(20))).status).toBe(201);
    expect((await account.call('POST', '/triggers', aRewardTrigger(20))).status).toBe(409);
    expect(
      (await account.call('GET', '/triggers')).body.triggers.map(
        (t: { trigger: { id: string } }) => t.trigger.id,
      ),
    ).toEqual(['reward']);

    const bad = async (body: unknown, path: string) => {
      const res = await account.call('POST', '/triggers', body);
      expect(res.status).toBe(400);
      expect(res.body.errors.map((e: { path: string }) => e.path)).toContain(path);
    };
    await bad({ ...aRewardTrigger(20), id: 'x1', condition: { op: 'gte' } }, 'body.condition.value');
    await bad({ ...aRewardTrigger(20), id: 'x2', automation: 'send_flowers' }, 'body.automation');
    await bad({ ...aRewardTrigger(20), id: 'x3', profileId: 'nope' }, 'body.profileId');
    await bad({ ...aRewardTrigger(20), id: 'x4', input: { tag: 'ok', colour: 'red' } }, 'body.input');
    expect((await account.call('POST', '/triggers', aRewardTrigger(20), account.keys.write)).status).toBe(
      403,
    );
    const own = (automation: Record<string, string>) =>
      aRewardTrigger(20, { id: 'own', automation, input: {} });
    await bad(own({ workflowType: '', taskQueue: 'mine' }), 'body.automation.workflowType');
    await bad(own({ workflowType: 'Mine', taskQueue: 'has space' }), 'body.automation.taskQueue');
    // Pulse's workers would take its tasks and not know the type.
    await bad(own({ workflowType: 'Mine', taskQueue: h.taskQueue }), 'body.automation.taskQueue');
    expect((await account.call('GET', '/triggers/own')).status).toBe(404);
    const stored = await account.call(
      'PUT',
      '/triggers/own',
      own({ workflowType: 'Mine', taskQueue: 'mine' }),
    );
    expect([stored.status, stored.body.trigger.automation]).toEqual([
      201,
      { workflowType: 'Mine', taskQueue: 'mine' },
    ]);

    const paused = await account.call('PATCH', '/triggers/reward', { paused: true });
    expect(paused.body.trigger.paused).toBe(true);
    expect((await account.call('DELETE', '/triggers/reward')).status).toBe(204);
    expect((await account.call('GET', '/triggers/reward')).status).toBe(404);
  });
});

describe('triggers start automations', () => {
  it('when the score crosses into the condition, then the automation runs once and stays quiet while the score stays there', async () => {
    const { account, contact, email } = await accountWithContact();
    await account.call('POST', '/triggers', aRewardTrigger(20));
    await send(account, contact, 'email_clicked', 'email_clicked'); // 6: below
    await settled(account, contact, 6);
    await send(account, contact, 'payment_succeeded'); // 26: crosses
    await settled(account, contact, 26);

    const first = automationId(account, contact, 'reward', 1);
    await eventually(async () => expect(await exists(first)).toBe(true));
    await h.client.workflow.getHandle(first).result();
    const description = await h.client.workflow.getHandle(first).describe();
    expect(description.typedSearchAttributes.getAll().map((p) => [p.key.name, p.value])).toEqual(
      expect.arrayContaining([
        ['PulseTrigger', 'reward'],
        ['PulseAutomation', 'reward_offer'],
        ['PulseContact', contact],
      ]),
    );

    await send(account, contact, 'email_opened', 'email_clicked'); // 30: still above, no crossing
    await settled(account, contact, 30);
    const view = await h.client.workflow
      .getHandle(contactWorkflowId(account.accountId, contact))
      .query(contactScoreQuery);
    expect(view.triggerStates.reward!.fires).toBe(1);
    expect(await exists(automationId(account, contact, 'reward', 2))).toBe(false);

    const { rows: mails } = await h.db.query('SELECT subject FROM email_outbox WHERE to_address = $1', [
      email,
    ]);
    expect(mails).toHaveLength(1);
    const { rows: contactRows } = await h.db.query(
      'SELECT tags FROM contacts WHERE account_id = $1 AND id = $2',
      [account.accountId, contact],
    );
    expect(contactRows[0].tags).toContain('rewarded');
  });

  it('when the score falls, re-arms and crosses again, then it fires again (policy always)', async () => {
    const { account, contact } = await accountWithContact();
    await account.call('POST', '/triggers', aRewardTrigger(20));
    await send(account, contact, 'payment_succeeded'); // 20: fires
    await settled(account, contact, 20);
    await send(account, contact, 'dnd_all_enabled'); // -5: leaves
    await settled(account, contact, -5);
    await send(account, contact, 'payment_succeeded', 'appointment_booked'); // 25: crosses again
    await settled(account, contact, 25);
    await eventually(async () =>
      expect(await exists(automationId(account, contact, 'reward', 2))).toBe(true),
    );
  });

  it('when a new version re-scores a contact across the threshold, then nothing fires: a re-score is no engagement', async () => {
    const { account, contact } = await accountWithContact();
    await account.call('POST', '/triggers', aRewardTrigger(20));
    await send(account, contact, 'email_clicked', 'email_clicked'); // 6: below
    await settled(account, contact, 6);
    const rules = DEFAULT_RULES.map((r) => (r.id === 'email-clicked' ? { ...r, points: 10 } : r));
    expect((await account.call('PUT', '/profiles/engagement/draft/rules', { rules })).status).toBe(200);
    expect((await account.call('POST', '/profiles/engagement/publish')).status).toBe(201);
    await settled(account, contact, 20); // re-scored under version 2: 2 clicks x 10
    await send(account, contact, 'email_clicked'); // 30: engagement, but from 20, already inside
    await settled(account, contact, 30);
    const view = await h.client.workflow
      .getHandle(contactWorkflowId(account.accountId, contact))
      .query(contactScoreQuery);
    expect(view.scores.map((s) => [s.score, s.version])).toEqual([[30, 2]]);
    expect(view.triggerStates.reward?.fires ?? 0).toBe(0);
    expect(await exists(automationId(account, contact, 'reward', 1))).toBe(false);
  });

  it('when a trigger is paused, then a crossing starts nothing', async () => {
    const { account, contact } = await accountWithContact();
    await account.call('POST', '/triggers', aRewardTrigger(20, { paused: true }));
    await send(account, contact, 'payment_succeeded');
    await settled(account, contact, 20);
    const view = await h.client.workflow
      .getHandle(contactWorkflowId(account.accountId, contact))
      .query(contactScoreQuery);
    expect(view.triggerStates.reward!.fires).toBe(0);
    expect(await exists(automationId(account, contact, 'reward', 1))).toBe(false);
  });
});

describe('POST /contacts/:contactId/score-adjustments', () => {
  it('when staff adjust a score, then the answer is the new score, the ledger says who, and a retry counts once', async () => {
    const { account, contact } = await accountWithContact();
    await send(account, contact, 'email_clicked');
    await settled(account, contact, 3);
    const body = { id: 'call-note-1', profileId: 'engagement', points: 12, reason: 'great sales call' };
    const res = await account.call(
      'POST',
      `/contacts/${contact}/score-adjustments`,
      body,
      account.keys.write,
    );
    expect(res.status).toBe(201);
    expect(res.body.score).toBe(15);
    const again = await account.call(
      'POST',
      `/contacts/${contact}/score-adjustments`,
      body,
      account.keys.write,
    );
    expect(again.status).toBe(201);
    expect(again.body.score).toBe(15);
    await settled(account, contact, 15);

    const ledger = await account.call('GET', `/contacts/${contact}/ledger`);
    const adjustments = ledger.body.entries.filter((e: { ruleId: string }) => e.ruleId === 'adjustment');
    expect(adjustments).toHaveLength(1);
    expect(adjustments[0].delta).toBe(12);
    const { rows } = await h.db.query(
      `SELECT attributes->>'actor' AS actor, attributes->>'reason' AS reason FROM interactions WHERE account_id = $1 AND type = 'score_adjustment'`,
      [account.accountId],
    );
    expect(rows).toEqual([{ actor: expect.stringMatching(/^key_/), reason: 'great sales call' }]);
  });

  it('when an adjustment crosses a trigger, then the trigger fires like for any change', async () => {
    const { account, contact } = await accountWithContact();
    await account.call('POST', '/triggers', aRewardTrigger(10));
    const res = await account.call('POST', `/contacts/${contact}/score-adjustments`, {
      profileId: 'engagement',
      points: 10,
      reason: 'manual',
    });
    expect(res.body.score).toBe(10);
    await eventually(async () =>
      expect(await exists(automationId(account, contact, 'reward', 1))).toBe(true),
    );
  });

  it('when the input is bad or the profile unknown, then 400 or 404', async () => {
    const { account, contact } = await accountWithContact();
    const zero = await account.call('POST', `/contacts/${contact}/score-adjustments`, {
      profileId: 'engagement',
      points: 0,
      reason: 'x',
    });
    expect(zero.status).toBe(400);
    expect(zero.body.errors[0].path).toBe('body.points');
    const unknown = await account.call('POST', `/contacts/${contact}/score-adjustments`, {
      profileId: 'ghost',
      points: 1,
      reason: 'x',
    });
    expect(unknown.status).toBe(404);
    expect(
      (
        await account.call('POST', '/contacts/nobody/score-adjustments', {
          profileId: 'engagement',
          points: 1,
          reason: 'x',
        })
      ).status,
    ).toBe(404);
  });
});

describe('score adjustments on an unpublished profile', () => {
  it('when the profile is a draft, then 409 says it is not published and nothing changes', async () => {
    const account = await h.newAccount();
    await account.call('POST', '/profiles', { id: 'draft', name: 'Draft', rules: DEFAULT_RULES });
    await account.call('POST', '/contacts', { id: 'c1' });
    const res = await account.call('POST', '/contacts/c1/score-adjustments', {
      profileId: 'draft',
      points: 5,
      reason: 'x',
    });
    expect(res.status).toBe(409);
    expect(res.body.detail).toMatch(/not published/);
    expect((await account.call('GET', '/contacts/c1/score')).body.score).toBeNull();
  });
});
