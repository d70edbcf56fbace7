import { randomUUID } from 'node:crypto';
import type { WorkflowHandle } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import type { AutomationStatus } from '../../domain/automation-status';
import { DEFAULT_RULES } from '../../domain/default-rules';
import { contactWorkflowId } from '../../domain/ids';
import { automationStatusQuery } from '../../workflows/automations/definitions';
import { contactScoreQuery } from '../../workflows/definitions';
import { automationOutcomeAttribute, automationStepAttribute } from '../../workflows/search-attributes';
import { anInteraction } from '../support/builders';
import { eventually } from '../support/eventually';
import { localActivitiesIn } from '../support/local-activities';
import { startHarness, type Harness, type TestAccount } from '../support/harness';

/**
 * The Temporal UI's Terminate and Reset buttons, pressed as a support person would press them, on
 * the real servers: nothing is counted, fired, started or sent twice, and nothing is left wedged.
 * (Request Cancellation is covered in execution-metadata.test.ts.)
 */

const EventType = temporal.api.enums.v1.EventType;
type HistoryEvent = temporal.api.history.v1.IHistoryEvent;

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.shutdown();
});

interface Scene {
  account: TestAccount;
  email: string;
  contactWorkflow: string;
  contact: WorkflowHandle;
  automationId(trigger: string, fire: number): string;
}

/** An account with the default rules, contact `ada` (email and phone) and one trigger. */
async function sceneWith(trigger: Record<string, unknown>): Promise<Scene> {
  const account = await h.newAccount();
  const email = `ada.${account.accountId}@example.com`;
  await account.call('POST', '/profiles', { id: 'engagement', name: 'E', rules: DEFAULT_RULES });
  await account.call('POST', '/profiles/engagement/publish');
  await account.call('POST', '/contacts', { id: 'ada', email, phone: '+15550003333' });
  expect((await account.call('POST', '/triggers', { profileId: 'engagement', ...trigger })).status).toBe(201);
  const contactWorkflow = contactWorkflowId(account.accountId, 'ada');
  return {
    account,
    email,
    contactWorkflow,
    contact: h.client.workflow.getHandle(contactWorkflow),
    automationId: (triggerId, fire) => `${contactWorkflow}/trigger:${triggerId}/${fire}`,
  };
}

const rewardAt10 = {
  id: 'reward-10',
  condition: { op: 'gte', value: 10 },
  reentry: { policy: 'once' },
  automation: 'reward_offer',
  input: { tag: 'vip-reward' },
};

async function send(scene: Scene, ...types: string[]): Promise<void> {
  const res = await scene.account.call(
    'POST',
    '/contacts/ada/interactions',
    types.map((type) => anInteraction({ type })),
  );
  expect(res.status).toBe(202);
}

async function adjust(scene: Scene, points: number): Promise<void> {
  const res = await scene.account.call('POST', '/contacts/ada/score-adjustments', {
    profileId: 'engagement',
    points,
    reason: 'support test',
  });
  expect(res.status).toBe(201);
}

/** The contact's score once every stored interaction is applied, checked against the ledger's sum. */
async function settledScore(scene: Scene, expected: number): Promise<void> {
  await eventually(async () => {
    expect((await scene.account.call('GET', '/contacts/ada/score')).body.score).toBe(expected);
    const { rows } = await h.db.query(
      `SELECT count(*)::int AS waiting FROM interactions
        WHERE account_id = $1 AND contact_id = 'ada' AND applied_at IS NULL`,
      [scene.account.accountId],
    );
    expect(rows[0].waiting).toBe(0);
  });
  const ledger = await h.db.query(
    `SELECT coalesce(sum(delta), 0)::int AS total,
            count(*)::int AS entries,
            count(DISTINCT (interaction_id, rule_id, profile_version))::int AS distinct_entries
       FROM score_ledger WHERE account_id = $1 AND contact_id = 'ada'`,
    [scene.account.accountId],
  );
  expect(ledger.rows[0].total).toBe(expected);
  expect(ledger.rows[0].distinct_entries).toBe(ledger.rows[0].entries);
}

async function emailsTo(address: string): Promise<number> {
  const { rows } = await h.db.query('SELECT count(*)::int AS n FROM email_outbox WHERE to_address = $1', [
    address,
  ]);
  return rows[0].n;
}

async function actionRows(scene: Scene): Promise<{ action_key: string; state: string; attempts: number }[]> {
  const { rows } = await h.db.query(
    `SELECT action_key, state, attempts FROM automation_actions WHERE account_id = $1 ORDER BY action_key`,
    [scene.account.accountId],
  );
  return rows;
}

/** Every run the server keeps for a workflow id (visibility, so polled). */
async function runsOf(workflowId: string): Promise<string[]> {
  const runs: string[] = [];
  for await (const execution of h.client.workflow.list({ query: `WorkflowId = "${workflowId}"` }))
    runs.push(execution.runId);
  return runs;
}

async function historyOf(workflowId: string, runId?: string): Promise<HistoryEvent[]> {
  const history = await h.client.workflow.getHandle(workflowId, runId).fetchHistory();
  return history.events ?? [];
}

const idOf = (event: HistoryEvent) => Number(event.eventId);
const completedTasks = (events: HistoryEvent[]) =>
  events.filter((e) => e.eventType === EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED);

/**
 * What the UI's Reset button sends: reset the current run to a workflow task, reapplying the
 * signals that came after it. Returns the new run's id.
 */
async function reset(workflowId: string, workflowTaskCompleted: HistoryEvent): Promise<string> {
  const { runId: current } = await h.client.workflow.getHandle(workflowId).describe();
  const { runId } = await h.client.workflowService.resetWorkflowExecution({
    namespace: 'default',
    workflowExecution: { workflowId, runId: current },
    reason: 'support test: reset',
    workflowTaskFinishEventId: workflowTaskCompleted.eventId,
    requestId: randomUUID(),
  });
  return runId;
}

/**
 * A contact run after a reset has re-run its workflow tasks: a task after the reset point
 * completed (automation starts are local activities: each is recorded with the task that ran it).
 */
async function settledAfterReset(workflowId: string, runId: string): Promise<HistoryEvent[]> {
  return eventually(
    async () => {
      const events = await historyOf(workflowId, runId);
      const resetAt = events.findIndex((e) => e.eventType === EventType.EVENT_TYPE_WORKFLOW_TASK_FAILED);
      expect(resetAt).toBeGreaterThan(-1);
      expect(completedTasks(events.slice(resetAt)).length).toBeGreaterThan(0);
      return events;
    },
    { timeoutMs: 30_000, intervalMs: 200 },
  );
}

/** The automation starts a contact run recorded (its startAutomationWorkflow local activities). */
const startsIn = (events: HistoryEvent[]) => localActivitiesIn(events, 'startAutomationWorkflow');

/** Score 1, then 14: the reward fires in a later workflow task than the contact's first. */
async function rewardFiredInASecondTask(): Promise<Scene & { reward: string; rewardRun: string }> {
  const scene = await sceneWith(rewardAt10);
  await send(scene, 'email_opened');
  await settledScore(scene, 1);
  await send(scene, 'appointment_booked', 'email_clicked');
  await settledScore(scene, 14);
  const reward = scene.automationId('reward-10', 1);
  const rewardHandle = h.client.workflow.getHandle(reward);
  await eventually(() => rewardHandle.describe());
  await rewardHandle.result();
  expect(await emailsTo(scene.email)).toBe(1);
  return { ...scene, reward, rewardRun: (await rewardHandle.describe()).runId };
}

/** After any reset: same score, one fire, one run of the automation, one email, same action rows. */
async function nothingDoubled(
  scene: Scene & { reward: string; rewardRun: string },
  actionsBefore: Awaited<ReturnType<typeof actionRows>>,
): Promise<void> {
  await settledScore(scene, 14);
  const view = await scene.contact.query(contactScoreQuery);
  // A reset to before the fire reads the fire count back from the automation's action records.
  expect(view.triggerStates['reward-10']?.fires).toBe(1);
  expect((await h.client.workflow.getHandle(scene.reward).describe()).runId).toBe(scene.rewardRun);
  expect(await runsOf(scene.reward)).toEqual([scene.rewardRun]);
  expect(await emailsTo(scene.email)).toBe(1);
  expect(await actionRows(scene)).toEqual(actionsBefore);
}

describe('Reset on a contact workflow', () => {
  it('when support resets to the workflow task in which the trigger fired, then the score, the fire, the automation and its email all stay single', async () => {
    const scene = await rewardFiredInASecondTask();
    const actionsBefore = await actionRows(scene);
    const events = await historyOf(scene.contactWorkflow);
    const [start] = startsIn(events);
    expect(start?.result).toEqual({ workflowId: scene.reward, started: true });
    const firedIn = start!.workflowTaskCompletedEventId;
    const firingTask = events.find((e) => idOf(e) === firedIn)!;
    // The task that fired is not the contact's first: its pass knew the ledger up to score 1.
    expect(firedIn).toBeGreaterThan(idOf(completedTasks(events)[0]!));

    const newRun = await reset(scene.contactWorkflow, firingTask);
    await settledAfterReset(scene.contactWorkflow, newRun);

    await nothingDoubled(scene, actionsBefore);
    // The re-run task fired again from the same ledger batch and asked for the same id: the server
    // answered "already exists", which the start takes as "already started".
    const after = await eventually(async () => {
      const all = await historyOf(scene.contactWorkflow, newRun);
      const resetAt = all.findIndex((e) => e.eventType === EventType.EVENT_TYPE_WORKFLOW_TASK_FAILED);
      const rerun = startsIn(all.slice(resetAt));
      expect(rerun.length).toBeGreaterThan(0);
      return rerun;
    });
    expect(after.map((s) => s.result)).toEqual([{ workflowId: scene.reward, started: false }]);
    const view = await scene.contact.query(contactScoreQuery);
    expect(view.triggerStates['reward-10']!.fires).toBe(1);
    expect(view.recentAutomations).toEqual([scene.reward]);

    // The contact goes on scoring in the new run.
    await send(scene, 'email_opened');
    await settledScore(scene, 15);
  }, 90_000);

  it('when support resets to the first workflow task, then nothing is counted, fired, started or sent again', async () => {
    const scene = await rewardFiredInASecondTask();
    const actionsBefore = await actionRows(scene);
    const first = completedTasks(await historyOf(scene.contactWorkflow))[0]!;
    const newRun = await reset(scene.contactWorkflow, first);
    await settledAfterReset(scene.contactWorkflow, newRun);
    await nothingDoubled(scene, actionsBefore);
  }, 90_000);

  it('when support resets to the last workflow task, then nothing is counted, fired, started or sent again', async () => {
    const scene = await rewardFiredInASecondTask();
    const actionsBefore = await actionRows(scene);
    const tasks = completedTasks(await historyOf(scene.contactWorkflow));
    const newRun = await reset(scene.contactWorkflow, tasks[tasks.length - 1]!);
    await settledAfterReset(scene.contactWorkflow, newRun);
    await nothingDoubled(scene, actionsBefore);
  }, 90_000);
});

describe('Terminate on a contact workflow', () => {
  it('when support terminates it, then the next interaction restarts it with the exact score, and a re-crossing does not start the automation again', async () => {
    const scene = await sceneWith(rewardAt10);
    await send(scene, 'appointment_booked', 'email_clicked');
    await settledScore(scene, 13);
    const reward = scene.automationId('reward-10', 1);
    await eventually(() => h.client.workflow.getHandle(reward).describe());
    await h.client.workflow.getHandle(reward).result();
    const rewardRun = (await h.client.workflow.getHandle(reward).describe()).runId;

    await scene.contact.terminate('support test: terminate');
    expect((await scene.contact.describe()).status.name).toBe('TERMINATED');

    // signalWithStart starts a fresh run, which sweeps the inbox from where the ledger is.
    await send(scene, 'email_opened');
    await settledScore(scene, 14);
    expect((await scene.contact.describe()).status.name).toBe('RUNNING');

    // The fresh run read the fire back from the automation's records: the `once` trigger has
    // fired, so a dip and a new crossing do not fire it again.
    expect((await scene.contact.query(contactScoreQuery)).triggerStates['reward-10']?.fires).toBe(1);
    await adjust(scene, -10);
    await adjust(scene, 10);
    await settledScore(scene, 14);
    expect((await scene.contact.query(contactScoreQuery)).triggerStates['reward-10']?.fires).toBe(1);
    expect(await runsOf(reward)).toEqual([rewardRun]);
    expect(await emailsTo(scene.email)).toBe(1);
  }, 90_000);
  it('when support terminates it, then an always trigger fires again with the next fire number, not a number already used', async () => {
    const scene = await sceneWith({ ...rewardAt10, reentry: { policy: 'always' } });
    await send(scene, 'appointment_booked', 'email_clicked');
    await settledScore(scene, 13);
    const first = h.client.workflow.getHandle(scene.automationId('reward-10', 1));
    await eventually(() => first.describe());
    await first.result();

    await scene.contact.terminate('support test: terminate');
    await adjust(scene, -10); // update-with-start: a fresh run, at 3
    await adjust(scene, 10); // 13: crosses again
    await settledScore(scene, 13);

    const second = h.client.workflow.getHandle(scene.automationId('reward-10', 2));
    await eventually(() => second.describe());
    expect((await second.result()).phase).toBe('completed');
    expect(await emailsTo(scene.email)).toBe(2);
    expect((await scene.contact.query(contactScoreQuery)).triggerStates['reward-10']?.fires).toBe(2);
    expect(await runsOf(scene.automationId('reward-10', 1))).toHaveLength(1);
  }, 90_000);
});

const coldFollowUp = {
  id: 'cold',
  condition: { op: 'lt', value: 0 },
  reentry: { policy: 'always' },
  automation: 'follow_up_sequence',
  input: { waitDays: 3 },
};

async function waitingFollowUp(scene: Scene, fire: number): Promise<WorkflowHandle> {
  const handle = h.client.workflow.getHandle(scene.automationId('cold', fire));
  await eventually(async () => expect((await handle.query(automationStatusQuery)).phase).toBe('waiting'));
  return handle;
}

describe('Terminate on an automation', () => {
  it('when support terminates a follow-up waiting before its SMS, then its actions show the email only, a later fire starts a new one, and the contact workflow goes on', async () => {
    const scene = await sceneWith(coldFollowUp);
    await adjust(scene, -5);
    const first = await waitingFollowUp(scene, 1);

    await first.terminate('support test: terminate');
    const terminated = await first.describe();
    expect(terminated.status.name).toBe('TERMINATED');
    // Terminate runs no workflow code: the search attributes stay where the automation was.
    expect(terminated.typedSearchAttributes.get(automationStepAttribute)).toBe('wait');
    expect(terminated.typedSearchAttributes.get(automationOutcomeAttribute)).toBe('running');
    expect(await actionRows(scene)).toEqual([
      { action_key: `${scene.automationId('cold', 1)}/email`, state: 'done', attempts: 1 },
    ]);

    // The score leaves the condition and crosses it again: fire 2, a new follow-up.
    await adjust(scene, 10);
    await adjust(scene, -10);
    const second = await waitingFollowUp(scene, 2);
    expect(await emailsTo(scene.email)).toBe(2);

    // Do-not-disturb: the contact workflow tells both; the terminated one cannot hear it, and
    // that does not stop the contact workflow or the running follow-up from hearing it.
    await send(scene, 'dnd_all_enabled');
    await second.result();
    expect((await second.describe()).typedSearchAttributes.get(automationOutcomeAttribute)).toBe(
      'stopped:dnd_all',
    );
    await send(scene, 'email_opened');
    await settledScore(scene, -5 + 10 - 10 - 25 + 1);
    const sms = await h.db.query('SELECT count(*)::int AS n FROM sms_outbox WHERE account_id = $1', [
      scene.account.accountId,
    ]);
    expect(sms.rows[0].n).toBe(0);
    expect((await actionRows(scene)).filter((r) => r.action_key.includes('/trigger:cold/1/'))).toEqual([
      { action_key: `${scene.automationId('cold', 1)}/email`, state: 'done', attempts: 1 },
    ]);
  }, 90_000);
});

describe('Reset on an automation', () => {
  it('when support resets a waiting follow-up to its first workflow task, then the email is not sent again and it waits again', async () => {
    const scene = await sceneWith(coldFollowUp);
    await adjust(scene, -5);
    const followUpId = scene.automationId('cold', 1);
    await waitingFollowUp(scene, 1);
    const actionsBefore = await actionRows(scene);
    expect(await emailsTo(scene.email)).toBe(1);

    const first = completedTasks(await historyOf(followUpId))[0]!;
    const newRun = await reset(followUpId, first);
    const rerun = h.client.workflow.getHandle(followUpId, newRun);
    await eventually(async () => {
      const status = await rerun.query(automationStatusQuery);
      expect(status.phase).toBe('waiting');
      expect(status.steps.map((s) => [s.step, s.status])).toEqual([['email', 'done']]);
    });
    // The re-run's email activity ran again and found its key recorded: nothing sent.
    const events = await historyOf(followUpId, newRun);
    expect(
      events.filter((e) => e.eventType === EventType.EVENT_TYPE_ACTIVITY_TASK_COMPLETED).length,
    ).toBeGreaterThanOrEqual(1);
    expect(await emailsTo(scene.email)).toBe(1);
    expect(await actionRows(scene)).toEqual(actionsBefore);
  }, 90_000);

  it('when support resets a terminated follow-up to its first workflow task, then it runs again without a second email', async () => {
    const scene = await sceneWith(coldFollowUp);
    await adjust(scene, -5);
    const followUpId = scene.automationId('cold', 1);
    const followUp = await waitingFollowUp(scene, 1);
    await followUp.terminate('support test: terminate');
    const actionsBefore = await actionRows(scene);

    const first = completedTasks(await historyOf(followUpId))[0]!;
    const newRun = await reset(followUpId, first);
    const rerun = h.client.workflow.getHandle(followUpId, newRun);
    await eventually(async () => {
      const status = await rerun.query(automationStatusQuery);
      expect(status.phase).toBe('waiting');
      expect(status.steps.map((s) => [s.step, s.status])).toEqual([['email', 'done']]);
    });
    expect((await rerun.describe()).status.name).toBe('RUNNING');
    expect(await emailsTo(scene.email)).toBe(1);
    expect(await actionRows(scene)).toEqual(actionsBefore);
  }, 90_000);

  it('when support resets a completed reward offer, then the re-run reports the recorded email and tag and sends nothing', async () => {
    const scene = await sceneWith(rewardAt10);
    await send(scene, 'appointment_booked', 'email_clicked');
    const rewardId = scene.automationId('reward-10', 1);
    await eventually(() => h.client.workflow.getHandle(rewardId).describe());
    const firstOutcome = await h.client.workflow.getHandle(rewardId).result();
    const actionsBefore = await actionRows(scene);

    const first = completedTasks(await historyOf(rewardId))[0]!;
    const newRun = await reset(rewardId, first);
    const rerunOutcome = await h.client.workflow.getHandle(rewardId, newRun).result();

    expect(rerunOutcome.phase).toBe('completed');
    // Same steps, same recorded details (the email's Message-ID): the outcomes come from the log.
    const stepsOf = (s: AutomationStatus) =>
      s.steps.map(({ step, status, detail }) => ({ step, status, detail }));
    expect(stepsOf(rerunOutcome)).toEqual(stepsOf(firstOutcome));
    expect(await emailsTo(scene.email)).toBe(1);
    expect(await actionRows(scene)).toEqual(actionsBefore);
    const { rows } = await h.db.query(`SELECT tags FROM contacts WHERE account_id = $1 AND id = 'ada'`, [
      scene.account.accountId,
    ]);
    expect(rows[0].tags.filter((t: string) => t === 'vip-reward')).toHaveLength(1);
  }, 90_000);
});
