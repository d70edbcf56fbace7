import { contactWorkflowStart } from '../../clients/contact-workflow';
import { DEFAULT_RULES } from '../../domain/default-rules';
import { contactWorkflowId } from '../../domain/ids';
import { automationStatusQuery } from '../../workflows/automations/definitions';
import { contactScoreQuery, interactionsReceivedSignal } from '../../workflows/definitions';
import { anInteraction, uniqueId } from '../support/builders';
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

async function setUp(trigger: Record<string, unknown>) {
  const account = await h.newAccount();
  await account.call('POST', '/profiles', { id: 'engagement', name: 'E', rules: DEFAULT_RULES });
  await account.call('POST', '/profiles/engagement/publish');
  const email = `${uniqueId('x')}@example.com`.toLowerCase();
  await account.call('POST', '/contacts', { id: 'c1', email, phone: '+15550002222' });
  const res = await account.call('POST', '/triggers', { profileId: 'engagement', ...trigger });
  expect(res.status).toBe(201);
  return { account, email, workflowId: contactWorkflowId(account.accountId, 'c1') };
}

const childId = (parent: string, trigger: string, n: number) => `${parent}/trigger:${trigger}/${n}`;

const exists = (workflowId: string) => workflowExists(h.client, workflowId);

async function storeAndSignal(account: TestAccount, type: string, maxSignalsPerRun: number) {
  const interaction = anInteraction({ type });
  await h.db.query(
    `INSERT INTO interactions (account_id, contact_id, id, type, occurred_at, attributes) VALUES ($1, 'c1', $2, $3, $4, '{}')`,
    [account.accountId, interaction.id, type, interaction.occurredAt],
  );
  // The gateway's start, with a hand-off after `maxSignalsPerRun` signals.
  const start = contactWorkflowStart(h.taskQueue, { accountId: account.accountId, contactId: 'c1' });
  await h.client.workflow.signalWithStart('contactScoringWorkflow', {
    ...start,
    args: [{ ...start.args[0], maxSignalsPerRun }],
    signal: interactionsReceivedSignal,
    signalArgs: [[{ id: interaction.id, type, occurredAt: interaction.occurredAt }]],
  });
}

describe('automations started by the contact workflow', () => {
  it('when a trigger fires in the batch just before continue-as-new, then its automation starts once and the next run remembers it', async () => {
    const { account, workflowId } = await setUp({
      id: 'reward',
      condition: { op: 'gte', value: 20 },
      reentry: { policy: 'always' },
      automation: 'reward_offer',
    });
    // Two signals per run: the first crosses the threshold and fires, the second makes the run hand over.
    await storeAndSignal(account, 'payment_succeeded', 2);
    await eventually(async () => expect(await exists(childId(workflowId, 'reward', 1))).toBe(true));
    await storeAndSignal(account, 'email_opened', 2);
    const next = await eventually(async () => {
      const view = await h.client.workflow.getHandle(workflowId).query(contactScoreQuery);
      expect(view.runNumber).toBe(2);
      expect(view.appliedCount).toBe(2);
      return view;
    });
    expect(next.triggerStates.reward!.fires).toBe(1);
    expect(next.recentAutomations).toEqual([childId(workflowId, 'reward', 1)]);
    await h.client.workflow.getHandle(childId(workflowId, 'reward', 1)).result();

    await storeAndSignal(account, 'email_clicked', 2); // still above: no crossing
    await eventually(async () =>
      expect((await h.client.workflow.getHandle(workflowId).query(contactScoreQuery)).appliedCount).toBe(3),
    );
    expect(await exists(childId(workflowId, 'reward', 2))).toBe(false);
    const { rows } = await h.db.query(
      `SELECT count(*)::int AS n FROM automation_actions WHERE account_id = $1 AND kind = 'send_email'`,
      [account.accountId],
    );
    expect(rows[0].n).toBe(1);
  });

  it('when the contact enables do-not-disturb during a follow-up wait, then the follow-up stops before its SMS', async () => {
    const { account, email, workflowId } = await setUp({
      id: 'follow-up',
      condition: { op: 'lt', value: 0 },
      reentry: { policy: 'once' },
      automation: 'follow_up_sequence',
      input: { waitDays: 0.0001 }, // about 9 seconds
    });
    const res = await account.call('POST', '/contacts/c1/score-adjustments', {
      profileId: 'engagement',
      points: -5,
      reason: 'churn signal',
    });
    expect(res.body.score).toBe(-5);
    const followUp = h.client.workflow.getHandle(childId(workflowId, 'follow-up', 1));
    await eventually(async () => expect((await followUp.query(automationStatusQuery)).phase).toBe('waiting'));

    await account.call('POST', '/contacts/c1/interactions', anInteraction({ type: 'dnd_all_enabled' }));
    const status = await eventually(async () => {
      const s = await followUp.query(automationStatusQuery);
      expect(s.phase).toBe('stopped');
      return s;
    });
    expect(status.stopReason).toBe('dnd_all');
    await followUp.result();

    const mails = await h.db.query('SELECT count(*)::int AS n FROM email_outbox WHERE to_address = $1', [
      email,
    ]);
    expect(mails.rows[0].n).toBe(1);
    const sms = await h.db.query('SELECT count(*)::int AS n FROM sms_outbox WHERE account_id = $1', [
      account.accountId,
    ]);
    expect(sms.rows[0].n).toBe(0);
  }, 60_000);
});
