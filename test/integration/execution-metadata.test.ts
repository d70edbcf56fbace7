import { WorkflowFailedError, type WorkflowHandle } from '@temporalio/client';
import { CancelledFailure, defaultPayloadConverter } from '@temporalio/common';
import { DEFAULT_RULES } from '../../domain/default-rules';
import { contactWorkflowId } from '../../domain/ids';
import { ensureReconcilerSchedule, reconcilerScheduleId } from '../../clients/reconciler-schedule';
import { rescoreWorkflowId } from '../../clients/rescore-workflow';
import { automationStatusQuery } from '../../workflows/automations/definitions';
import { automationOutcomeAttribute, automationStepAttribute } from '../../workflows/search-attributes';
import { anInteraction } from '../support/builders';
import { eventually } from '../support/eventually';
import { startHarness, type Harness } from '../support/harness';

/**
 * What a support person sees in the Temporal UI: each execution's summary and details, the
 * summaries on its history events, its current details, and the step/outcome search attributes.
 */

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
  await account.call('POST', '/contacts', { id: 'ada', email: 'ada@example.com', phone: '+15550002222' });
  const res = await account.call('POST', '/triggers', { profileId: 'engagement', ...trigger });
  expect(res.status).toBe(201);
  return { account, contactWorkflow: contactWorkflowId(account.accountId, 'ada') };
}

/** A follow-up (3-day wait) started by a score adjustment to -5 crossing the `cold` trigger. */
async function startColdFollowUp() {
  const { account, contactWorkflow } = await setUp({
    id: 'cold',
    condition: { op: 'lt', value: 0 },
    reentry: { policy: 'once' },
    automation: 'follow_up_sequence',
    input: { waitDays: 3 },
  });
  const adjusted = await account.call('POST', '/contacts/ada/score-adjustments', {
    profileId: 'engagement',
    points: -5,
    reason: 'churn signal',
  });
  expect(adjusted.status).toBe(201);
  const followUpId = `${contactWorkflow}/trigger:cold/1`;
  return { account, contactWorkflow, followUpId, followUp: h.client.workflow.getHandle(followUpId) };
}

/** Every user-metadata summary in the execution's history, in order (start, activities, timers, children). */
async function historySummaries(handle: WorkflowHandle): Promise<string[]> {
  const history = await handle.fetchHistory();
  return (history.events ?? []).flatMap((event) => {
    const summary = event.userMetadata?.summary;
    return summary ? [defaultPayloadConverter.fromPayload<string>(summary)] : [];
  });
}

/** What the UI's "Current details" panel shows: the SDK's built-in metadata query. */
async function currentDetails(handle: WorkflowHandle): Promise<string> {
  const metadata = await handle.query<{ currentDetails?: string }>('__temporal_workflow_metadata');
  return metadata.currentDetails ?? '';
}

async function listIds(query: string): Promise<string[]> {
  const ids: string[] = [];
  for await (const execution of h.client.workflow.list({ query })) ids.push(execution.workflowId);
  return ids;
}

describe('executions a support person can read', () => {
  it('when a trigger fires, then the contact workflow and its automation carry summaries, details, event summaries and an outcome', async () => {
    const { account, contactWorkflow } = await setUp({
      id: 'reward-10',
      condition: { op: 'gte', value: 10 },
      reentry: { policy: 'once' },
      automation: 'reward_offer',
      input: { tag: 'vip-reward' },
    });
    const res = await account.call('POST', '/contacts/ada/interactions', [
      anInteraction({ type: 'appointment_booked' }),
      anInteraction({ type: 'email_clicked' }),
    ]);
    expect(res.status).toBe(202);

    const contact = h.client.workflow.getHandle(contactWorkflow);
    const contactDescription = await contact.describe();
    expect(await contactDescription.staticSummary()).toBe(`Contact ada · ${account.accountId}`);
    const contactDetails = await contactDescription.staticDetails();
    expect(contactDetails).toContain(`**Account**: \`${account.accountId}\``);
    expect(contactDetails).toContain('**Contact**: `ada`');

    const rewardId = `${contactWorkflow}/trigger:reward-10/1`;
    const reward = h.client.workflow.getHandle(rewardId);
    await eventually(async () => expect((await reward.query(automationStatusQuery)).phase).toBe('completed'));
    await reward.result();
    expect((await account.call('GET', '/contacts/ada/score')).body.score).toBe(13);
    const rewardDescription = await reward.describe();
    expect(await rewardDescription.staticSummary()).toBe(
      'Reward offer for ada · trigger reward-10 fired at 13',
    );
    const rewardDetails = await rewardDescription.staticDetails();
    expect(rewardDetails).toContain('**Trigger**: `reward-10 (score gte 10)`');
    expect(rewardDetails).toContain('**Profile**: `engagement`');
    expect(rewardDetails).toContain('"tag":"vip-reward"');
    // Started by id, not as a child: the details name the contact workflow and the fire instead.
    expect(rewardDescription.parentExecution).toBeUndefined();
    expect(rewardDetails).toContain(`**Started by**: \`${contactWorkflow} (fire 1)\``);

    // The automation's history reads as a story, and its search attributes say where it ended.
    expect(await historySummaries(reward)).toEqual([
      'Reward offer for ada · trigger reward-10 fired at 13', // the started event
      'Send reward email to ada',
      'Tag ada as vip-reward',
    ]);
    expect(rewardDescription.typedSearchAttributes.get(automationStepAttribute)).toBe('tag');
    expect(rewardDescription.typedSearchAttributes.get(automationOutcomeAttribute)).toBe('completed');
    await eventually(async () =>
      expect(
        await listIds(
          `PulseAccount = "${account.accountId}" AND PulseAutomation = "reward_offer" AND PulseOutcome = "completed"`,
        ),
      ).toEqual([rewardId]),
    );

    // The contact's history names its scoring pass; its current details name scores, fires, automations.
    expect(await historySummaries(contact)).toContain('Apply 2 interactions');
    const details = await eventually(async () => {
      const text = await currentDetails(contact);
      expect(text).toContain(`\`${rewardId}\``);
      return text;
    });
    expect(details).toContain('engagement v1: **13** (default)');
    expect(details).toContain('2 applied, 0 pending');
    expect(details).toContain('by rule `appointment-booked`');
    expect(details).toMatch(/reward-10: fired 1×, last at 20\d\d-/);
  }, 60_000);

  it('when a follow-up waits and the contact turns on do-not-disturb, then both states are one query each', async () => {
    const { account, contactWorkflow, followUpId, followUp } = await startColdFollowUp();
    const scope = `PulseAccount = "${account.accountId}" AND PulseAutomation = "follow_up_sequence"`;

    // "Follow-ups waiting on their SMS"
    await eventually(async () =>
      expect(await listIds(`${scope} AND PulseAutomationStep = "wait" AND PulseOutcome = "running"`)).toEqual(
        [followUpId],
      ),
    );
    expect(await followUp.describe().then((d) => d.staticSummary())).toBe(
      'Follow up sequence for ada · trigger cold fired at -5',
    );
    const waiting = await currentDetails(followUp);
    expect(waiting).toMatch(/waiting at step `wait` until 20\d\d-/);
    expect(waiting).toContain('- email: done');
    expect(await historySummaries(followUp)).toEqual([
      'Follow up sequence for ada · trigger cold fired at -5',
      'Send follow-up email to ada',
      'Wait 3 days before the SMS',
    ]);
    expect(await historySummaries(h.client.workflow.getHandle(contactWorkflow))).toContain(
      'Record a manual adjustment of -5 on engagement: churn signal',
    );

    // "Automations stopped by do-not-disturb"
    await account.call('POST', '/contacts/ada/interactions', anInteraction({ type: 'dnd_all_enabled' }));
    await followUp.result();
    await eventually(async () =>
      expect(await listIds(`${scope} AND PulseOutcome = "stopped:dnd_all"`)).toEqual([followUpId]),
    );
    expect(await listIds(`${scope} AND PulseOutcome = "running"`)).toEqual([]);
  }, 60_000);

  it('when an operator cancels a waiting follow-up in the UI, then it ends between steps and records the steps it will not take', async () => {
    const { account, followUpId, followUp } = await startColdFollowUp();
    await eventually(async () => expect((await followUp.query(automationStatusQuery)).phase).toBe('waiting'));

    await followUp.cancel(); // what the UI's Request Cancellation button sends
    const failure = await followUp.result().then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(failure).toBeInstanceOf(WorkflowFailedError);
    expect((failure as WorkflowFailedError).cause).toBeInstanceOf(CancelledFailure);
    const description = await followUp.describe();
    expect(description.status.name).toBe('CANCELLED');
    expect(description.typedSearchAttributes.get(automationOutcomeAttribute)).toBe('cancelled');

    const { rows } = await h.db.query(
      `SELECT action_key, state, reason FROM automation_actions WHERE account_id = $1 ORDER BY created_at, action_key`,
      [account.accountId],
    );
    expect(rows).toEqual([
      { action_key: `${followUpId}/email`, state: 'done', reason: null },
      ...['check-score', 'sms', 'task', 'wait'].map((step) => ({
        action_key: `${followUpId}/${step}`,
        state: 'skipped',
        reason: 'cancelled by an operator',
      })),
    ]);
    const sms = await h.db.query('SELECT count(*)::int AS n FROM sms_outbox WHERE account_id = $1', [
      account.accountId,
    ]);
    expect(sms.rows[0].n).toBe(0);
    await eventually(async () =>
      expect(await listIds(`PulseAccount = "${account.accountId}" AND PulseOutcome = "cancelled"`)).toEqual([
        followUpId,
      ]),
    );
  }, 60_000);

  it('when a profile is published, then its re-score workflow says which account, profile and version', async () => {
    const account = await h.newAccount();
    await account.call('POST', '/profiles', { id: 'engagement', name: 'E', rules: DEFAULT_RULES });
    expect((await account.call('POST', '/profiles/engagement/publish')).status).toBeLessThan(300);
    const rescore = h.client.workflow.getHandle(rescoreWorkflowId(account.accountId, 'engagement', 1));
    const description = await eventually(() => rescore.describe());
    expect(await description.staticSummary()).toBe(`Re-score ${account.accountId} · profile engagement v1`);
    expect(await description.staticDetails()).toContain('**Version**: 1');
  });

  it('the reconciler Schedule starts passes that say what they do', async () => {
    const taskQueue = `${h.taskQueue}-reconciler-text`;
    await ensureReconcilerSchedule(h.client, { taskQueue, intervalSeconds: 3600, graceSeconds: 30 });
    const schedule = h.client.schedule.getHandle(reconcilerScheduleId(taskQueue));
    try {
      const { action } = await schedule.describe();
      expect(action.staticSummary).toBe(
        'Inbox reconciler · all accounts · wakes contacts unsignalled for 30 s',
      );
      expect(action.staticDetails).toContain('**Grace**: 30 s');
    } finally {
      await schedule.delete();
    }
  });
});
