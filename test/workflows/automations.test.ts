import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { WorkflowFailedError, type WorkflowHandle } from '@temporalio/client';
import { historyToJSON } from '@temporalio/common/lib/proto-utils';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode, Worker, type WorkerOptions } from '@temporalio/worker';
import { installTemporalRuntime } from '../../config/temporal-runtime';
import type { AutomationInput } from '../../domain/actions';
import { AUTOMATIONS } from '../../domain/automations/catalog';
import { followUpSequence } from '../../domain/automations/follow-up-sequence';
import { rewardOffer } from '../../domain/automations/reward-offer';
import type { AutomationStatus } from '../../domain/automation-status';
import { findTemporalTestServer } from '../../stack/temporal-binaries';
import {
  campaignSegmentationWorkflow,
  followUpSequenceWorkflow,
  inactiveContactReviewWorkflow,
  rewardOfferWorkflow,
  webhookNotifyWorkflow,
} from '../../workflows';
import { automationStatusQuery, dndEnabledSignal } from '../../workflows/automations/definitions';
import { uniqueId } from '../support/builders';
import { eventually } from '../support/eventually';
import { ActionValidationError, RecordingActions } from '../support/recording-actions';
import { quietBundlerLogger } from '../../worker/quiet-bundler-logger';
import { temporal } from '@temporalio/proto';

const DAY_MS = 24 * 60 * 60 * 1000;
// The defaults the automations fill in, from their declarations.
const FOLLOW_UP_DEFAULTS = followUpSequence.params.parse({});
const REWARD_OFFER_DEFAULTS = rewardOffer.params.parse({});
const HISTORIES = path.resolve(__dirname, '..', 'histories');

let env: TestWorkflowEnvironment;
let workflowBundle: WorkerOptions['workflowBundle'];

beforeAll(async () => {
  installTemporalRuntime('ERROR');
  env = await TestWorkflowEnvironment.createTimeSkipping({
    server: { executable: { type: 'existing-path', path: await findTemporalTestServer() } },
  });
  // Automations publish their step and outcome as search attributes; the server must know them.
  // The time-skipping server has no ListSearchAttributes, so add them all (each is new to it).
  await env.client.connection.operatorService.addSearchAttributes({
    namespace: 'default',
    searchAttributes: {
      PulseAutomationStep: temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD,
      PulseOutcome: temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD,
    },
  });
  workflowBundle = await bundleWorkflowCode({
    workflowsPath: require.resolve('../../workflows'),
    logger: quietBundlerLogger,
  });
}, 120_000);

afterAll(async () => {
  await env?.teardown();
});

function anAutomationInput(overrides: Partial<AutomationInput> = {}): AutomationInput {
  return {
    accountId: 'acct-automations',
    contactId: uniqueId('contact'),
    triggerId: 'score-trigger',
    profileId: 'engagement',
    score: 12,
    params: {},
    ...overrides,
  };
}

/** A worker on its own task queue with the given fake actions, for the duration of `fn`. */
async function withWorker<T>(
  actions: RecordingActions,
  taskQueue: string,
  fn: () => Promise<T>,
  options: Partial<WorkerOptions> = {},
): Promise<T> {
  const worker = await Worker.create({
    connection: env.nativeConnection,
    taskQueue,
    workflowBundle,
    activities: actions.activities(),
    ...options,
  });
  return worker.runUntil(fn);
}

type Automation =
  | typeof followUpSequenceWorkflow
  | typeof rewardOfferWorkflow
  | typeof campaignSegmentationWorkflow
  | typeof inactiveContactReviewWorkflow;

function start(
  automation: Automation,
  input: AutomationInput,
  taskQueue: string,
): Promise<WorkflowHandle<Automation>> {
  return env.client.workflow.start(automation, {
    workflowId: uniqueId('automation'),
    taskQueue,
    args: [input],
  });
}

/** Runs one automation to its end on a fresh worker; `during` runs once it has started. */
async function runAutomation(
  automation: Automation,
  input: AutomationInput,
  actions = new RecordingActions(),
  during: (handle: WorkflowHandle<Automation>) => Promise<void> = () => Promise.resolve(),
) {
  const taskQueue = uniqueId('automations');
  return withWorker(actions, taskQueue, async () => {
    const handle = await start(automation, input, taskQueue);
    await during(handle);
    const status = await handle.result();
    return { handle, status, workflowId: handle.workflowId, actions };
  });
}

const waiting = async (handle: WorkflowHandle) =>
  eventually(async () => {
    const status = await handle.query(automationStatusQuery);
    expect(status.phase).toBe('waiting');
    return status;
  });

const stepsOf = (status: AutomationStatus) =>
  status.steps.map(({ step, status: s, reason }) => (reason === undefined ? [step, s] : [step, s, reason]));

const replayStored = (file: string) =>
  Worker.runReplayHistory(
    { workflowBundle, replayName: file },
    JSON.parse(readFileSync(path.join(HISTORIES, file), 'utf8')),
  );

/**
 * Replays a fresh history, stores it under `file` when none is there (or PULSE_RECORD_HISTORIES=1),
 * then replays the stored one: kept once recorded, so old histories keep guarding old code shapes.
 */
async function recordAndReplay(file: string, history: temporal.api.history.v1.IHistory): Promise<void> {
  await Worker.runReplayHistory({ workflowBundle, replayName: `${file} (fresh)` }, history);
  const stored = path.join(HISTORIES, file);
  if (!existsSync(stored) || process.env.PULSE_RECORD_HISTORIES === '1') {
    writeFileSync(stored, historyToJSON(history) + '\n');
  }
  await expect(replayStored(file)).resolves.toBeUndefined();
}

describe('the automation catalog', () => {
  it('names an exported workflow for every automation', () => {
    const exported: Record<string, unknown> = {
      followUpSequenceWorkflow,
      rewardOfferWorkflow,
      campaignSegmentationWorkflow,
      inactiveContactReviewWorkflow,
      webhookNotifyWorkflow,
    };
    for (const { workflowType } of AUTOMATIONS) expect(typeof exported[workflowType]).toBe('function');
  });
});

describe('followUpSequenceWorkflow', () => {
  // The trigger watched `lt 20`: its threshold travels on the input, beside the author's params.
  const followUp = (score: number, params: Record<string, unknown> = {}) => {
    const input = anAutomationInput({ score: 12, threshold: 20, params });
    const actions = new RecordingActions();
    actions.setContact(input, { scores: { engagement: score } });
    return { input, actions };
  };

  it('when the score has not recovered after the wait, then it texts the contact and makes a task', async () => {
    const { input, actions } = followUp(19);
    const wallStart = Date.now();
    const { status, workflowId } = await runAutomation(followUpSequenceWorkflow, input, actions);
    const wallMs = Date.now() - wallStart;

    const contact = { accountId: input.accountId, contactId: input.contactId };
    expect(actions.actionsTaken()).toEqual([
      [
        'sendEmail',
        {
          ...contact,
          actionKey: `${workflowId}/email`,
          subject: FOLLOW_UP_DEFAULTS.emailSubject,
          text: FOLLOW_UP_DEFAULTS.emailText,
        },
      ],
      ['sendSms', { ...contact, actionKey: `${workflowId}/sms`, text: FOLLOW_UP_DEFAULTS.smsText }],
      ['createTask', { ...contact, actionKey: `${workflowId}/task`, title: FOLLOW_UP_DEFAULTS.taskTitle }],
    ]);
    // Three days of workflow time between the email and the check, in (well) under ten seconds of wall time.
    const [email] = actions.callsOf('sendEmail');
    const [read] = actions.callsOf('readContactForAutomation');
    expect(read!.scheduledAt - email!.scheduledAt).toBeGreaterThanOrEqual(3 * DAY_MS);
    expect(read!.scheduledAt - email!.scheduledAt).toBeLessThan(3 * DAY_MS + 60_000);
    expect(wallMs).toBeLessThan(10_000);
    expect(status.phase).toBe('completed');
    expect(stepsOf(status)).toEqual([
      ['email', 'done'],
      ['wait', 'done'],
      ['check-score', 'done'],
      ['sms', 'done'],
      ['task', 'done'],
    ]);
  });

  it('when the score has recovered to the threshold, then it sends no SMS and makes no task', async () => {
    const { input, actions } = followUp(20);
    const { status } = await runAutomation(followUpSequenceWorkflow, input, actions);

    expect(actions.actionsTaken().map(([name]) => name)).toEqual(['sendEmail']);
    expect(status.phase).toBe('completed');
    expect(stepsOf(status)).toEqual([
      ['email', 'done'],
      ['wait', 'done'],
      ['check-score', 'done'],
      ['sms', 'skipped', 'recovered'],
      ['task', 'skipped', 'recovered'],
    ]);
    expect(status.steps.find((s) => s.step === 'sms')?.detail).toBe('score 20 vs recovery at 20');
  });

  it('uses its params: wait days, recovery score, texts and the task assignee', async () => {
    const params = {
      waitDays: 1,
      recoveredAt: 30,
      emailSubject: 'Still there?',
      emailText: 'Come back',
      smsText: 'Quick hello',
      taskTitle: 'Call them',
      taskAssignee: 'owner-7',
    };
    const { input, actions } = followUp(25, params); // above the threshold, below recoveredAt
    const { workflowId } = await runAutomation(followUpSequenceWorkflow, input, actions);

    const contact = { accountId: input.accountId, contactId: input.contactId };
    expect(actions.actionsTaken()).toEqual([
      [
        'sendEmail',
        { ...contact, actionKey: `${workflowId}/email`, subject: 'Still there?', text: 'Come back' },
      ],
      ['sendSms', { ...contact, actionKey: `${workflowId}/sms`, text: 'Quick hello' }],
      [
        'createTask',
        { ...contact, actionKey: `${workflowId}/task`, title: 'Call them', assignee: 'owner-7' },
      ],
    ]);
    const [email] = actions.callsOf('sendEmail');
    const [read] = actions.callsOf('readContactForAutomation');
    expect(read!.scheduledAt - email!.scheduledAt).toBeGreaterThanOrEqual(DAY_MS);
    expect(read!.scheduledAt - email!.scheduledAt).toBeLessThan(2 * DAY_MS);
  });

  it('when do-not-disturb is signalled during the wait, then it ends at once without the SMS and says why', async () => {
    const { input, actions } = followUp(5);
    let waitingUntil = '';
    const { status } = await runAutomation(followUpSequenceWorkflow, input, actions, async (handle) => {
      waitingUntil = (await waiting(handle)).waitingUntil!;
      await handle.signal(dndEnabledSignal);
    });

    // It ended on the signal, by its own clock, instead of waiting out the timer.
    const stoppedAt = status.steps.find((s) => s.step === 'wait')!.at;
    expect(Date.parse(stoppedAt)).toBeLessThan(Date.parse(waitingUntil) - 2 * DAY_MS);
    expect(actions.actionsTaken().map(([name]) => name)).toEqual(['sendEmail']);
    expect(actions.callsOf('readContactForAutomation')).toHaveLength(0);
    expect(status).toMatchObject({ phase: 'stopped', stopReason: 'dnd_all', dndAll: true });
    expect(stepsOf(status)).toEqual([
      ['email', 'done'],
      ['wait', 'skipped', 'stopped: dnd_all'],
      ['check-score', 'skipped', 'stopped: dnd_all'],
      ['sms', 'skipped', 'stopped: dnd_all'],
      ['task', 'skipped', 'stopped: dnd_all'],
    ]);
  });

  it('when the contact record shows do-not-disturb for all channels after the wait, then it stops before the SMS', async () => {
    const { input, actions } = followUp(5);
    actions.setContact(input, { dndChannels: ['all'] });
    const { status } = await runAutomation(followUpSequenceWorkflow, input, actions);

    expect(actions.actionsTaken()).toEqual([
      ['sendEmail', expect.objectContaining({ actionKey: expect.stringMatching(/\/email$/) })],
    ]);
    expect(actions.effects[0]!.outcome).toMatchObject({ status: 'skipped', reason: 'dnd_email' });
    expect(status).toMatchObject({ phase: 'stopped', stopReason: 'dnd_all' });
    expect(stepsOf(status)).toEqual([
      ['email', 'skipped', 'dnd_email'],
      ['wait', 'done'],
      ['check-score', 'skipped', 'stopped: dnd_all'],
      ['sms', 'skipped', 'stopped: dnd_all'],
      ['task', 'skipped', 'stopped: dnd_all'],
    ]);
  });

  it('when the contact was deleted during the wait, then it stops', async () => {
    const { input, actions } = followUp(5);
    actions.setContact(input, { exists: false });
    const { status } = await runAutomation(followUpSequenceWorkflow, input, actions);

    expect(actions.callsOf('sendSms')).toHaveLength(0);
    expect(status).toMatchObject({ phase: 'stopped', stopReason: 'contact_not_found' });
  });

  it('keeps its action keys across a worker restart in the middle of the wait: no step runs twice', async () => {
    const { input, actions } = followUp(5);
    const taskQueue = uniqueId('automations');
    // No workflow cache on the first worker, so nothing waits for its sticky queue once it is gone.
    const handle = await withWorker(
      actions,
      taskQueue,
      async () => {
        const h = await start(followUpSequenceWorkflow, input, taskQueue);
        await waiting(h);
        return h;
      },
      { maxCachedWorkflows: 0 },
    );
    const workflowId = handle.workflowId;
    expect(actions.effects.map((e) => e.action.actionKey)).toEqual([`${workflowId}/email`]);

    const status = await withWorker(actions, taskQueue, () => handle.result());

    expect(status.phase).toBe('completed');
    expect(actions.effects.map((e) => e.action.actionKey)).toEqual([
      `${workflowId}/email`,
      `${workflowId}/sms`,
      `${workflowId}/task`,
    ]);
    // The second worker replayed the email from history instead of calling the activity again.
    expect(actions.calls.map((c) => c.activity)).toEqual([
      'sendEmail',
      'readContactForAutomation',
      'sendSms',
      'createTask',
    ]);
  });

  // Kept once recorded, so old histories keep guarding old code shapes; PULSE_RECORD_HISTORIES=1 records anew.
  it.each([
    ['follow-up-sequence.json', 'email, timer, score check, SMS, task', null],
    ['follow-up-sequence-dnd.json', 'email, then do-not-disturb cuts the timer short', dndEnabledSignal],
  ] as const)('records %s (%s), a history that replays', async (file, _shape, signal) => {
    const { input, actions } = followUp(5, { waitDays: 3 });
    const { handle } = await runAutomation(followUpSequenceWorkflow, input, actions, async (h) => {
      if (signal === null) return;
      await waiting(h);
      await h.signal(signal);
    });
    await recordAndReplay(file, await handle.fetchHistory());
  });
});

describe('recorded histories of the automations with in-database steps', () => {
  const segmentation = () =>
    anAutomationInput({
      score: 12,
      params: {
        bands: [
          { max: 10, campaignId: 'nurture' },
          { min: 10, campaignId: 'warm' },
        ],
      },
    });
  const review = () => anAutomationInput({ score: 0, params: { leaveCampaigns: ['warm-leads'] } });

  // Recorded by v0.1.0's code, when act steps were activities: never re-recorded, only replayed
  // (patched('act-steps-as-local-activities') keeps them valid).
  it.each([
    'campaign-segmentation-activity-steps.json',
    'reward-offer-activity-steps.json',
    'inactive-contact-review-activity-steps.json',
  ])('%s, recorded by v0.1.0, still replays', async (file) => {
    await expect(replayStored(file)).resolves.toBeUndefined();
  });

  it.each([
    ['campaign-segmentation.json', campaignSegmentationWorkflow, segmentation],
    ['reward-offer.json', rewardOfferWorkflow, () => anAutomationInput()],
    ['inactive-contact-review.json', inactiveContactReviewWorkflow, review],
  ] as const)(
    'records %s (act steps as local activities), a history that replays',
    async (file, automation, input) => {
      const { handle } = await runAutomation(automation, input());
      await recordAndReplay(file, await handle.fetchHistory());
    },
  );
});

describe('action retries', () => {
  it('when an email attempt fails after sending, then the retry reuses its key and the email is sent once', async () => {
    const input = anAutomationInput({ params: { tag: 'vip-reward' } });
    const actions = new RecordingActions();
    actions.failNext('sendEmail', { timing: 'after-effect' });
    const { status, workflowId } = await runAutomation(rewardOfferWorkflow, input, actions);

    expect(actions.callsOf('sendEmail').map((c) => c.attempt)).toEqual([1, 2]);
    expect(actions.callsOf('sendEmail').map((c) => (c.args as { actionKey: string }).actionKey)).toEqual([
      `${workflowId}/email`,
      `${workflowId}/email`,
    ]);
    expect(actions.effectsOf('sendEmail')).toHaveLength(1);
    expect(status.phase).toBe('completed');
  });

  it('when an email attempt fails before sending, then it is retried and sent once', async () => {
    const input = anAutomationInput();
    const actions = new RecordingActions();
    actions.failNext('sendEmail');
    const { status } = await runAutomation(rewardOfferWorkflow, input, actions);

    expect(actions.callsOf('sendEmail').map((c) => c.attempt)).toEqual([1, 2]);
    expect(actions.effectsOf('sendEmail')).toHaveLength(1);
    expect(stepsOf(status)).toEqual([
      ['email', 'done'],
      ['tag', 'done'],
    ]);
  });

  it('when an action is invalid, then it is not retried and the automation fails naming the step', async () => {
    const input = anAutomationInput();
    const actions = new RecordingActions();
    actions.failNext('addTag', { error: () => new ActionValidationError('tag: too long') });
    const taskQueue = uniqueId('automations');

    const status = await withWorker(actions, taskQueue, async () => {
      const handle = await start(rewardOfferWorkflow, input, taskQueue);
      await expect(handle.result()).rejects.toBeInstanceOf(WorkflowFailedError);
      return handle.query(automationStatusQuery);
    });

    expect(actions.callsOf('addTag')).toHaveLength(1);
    expect(status.phase).toBe('failed');
    expect(status.steps.at(-1)).toMatchObject({ step: 'tag', status: 'failed', reason: 'tag: too long' });
  });
});

describe('webhookNotifyWorkflow', () => {
  it("posts one event carrying the trigger, the profile and the score, under the step's key, whatever do-not-disturb says", async () => {
    const input = anAutomationInput({ score: 55, threshold: 50, params: { event: 'lead.hot' } });
    const actions = new RecordingActions();
    actions.setContact(input, { dndChannels: ['all'] });
    const { workflowId, status } = await runAutomation(webhookNotifyWorkflow, input, actions);

    expect(status.phase).toBe('completed');
    const taken = actions.actionsTaken();
    expect(taken).toHaveLength(1);
    const [activity, webhook] = taken[0]!;
    const action = webhook as unknown as Record<string, unknown>;
    expect(activity).toBe('sendWebhook');
    expect(action).toMatchObject({
      accountId: input.accountId,
      contactId: input.contactId,
      actionKey: `${workflowId}/webhook`,
      event: 'lead.hot',
      data: { triggerId: 'score-trigger', profileId: 'engagement', score: 55, threshold: 50 },
    });
    expect(action.url).toBeUndefined();
    expect(Date.parse(String(action.occurredAt))).not.toBeNaN();
  });
});

describe('rewardOfferWorkflow', () => {
  it('sends the offer email and tags the contact with the default tag', async () => {
    const input = anAutomationInput({ score: 85 });
    const { workflowId, actions } = await runAutomation(rewardOfferWorkflow, input);

    const contact = { accountId: input.accountId, contactId: input.contactId };
    expect(actions.actionsTaken()).toEqual([
      [
        'sendEmail',
        {
          ...contact,
          actionKey: `${workflowId}/email`,
          subject: REWARD_OFFER_DEFAULTS.emailSubject,
          text: REWARD_OFFER_DEFAULTS.emailText,
        },
      ],
      ['addTag', { ...contact, actionKey: `${workflowId}/tag`, tag: 'engaged-reward' }],
    ]);
    expect(actions.contact(input).tags).toEqual(['engaged-reward']);
  });

  it('when do-not-disturb arrived before the offer, then it sends nothing and does not tag', async () => {
    const input = anAutomationInput({ score: 85 });
    const { actions, status } = await runWithDndAtStart(rewardOfferWorkflow, input);

    expect(actions.effects).toEqual([]);
    expect(status).toMatchObject({ phase: 'stopped', stopReason: 'dnd_all' });
    expect(stepsOf(status)).toEqual([
      ['email', 'skipped', 'stopped: dnd_all'],
      ['tag', 'skipped', 'stopped: dnd_all'],
    ]);
  });

  it('uses the configured tag and texts', async () => {
    const input = anAutomationInput({
      params: { tag: 'gold', emailSubject: 'For you', emailText: '20% off' },
    });
    const { workflowId, actions } = await runAutomation(rewardOfferWorkflow, input);

    expect(actions.actionsTaken().map(([, action]) => action)).toEqual([
      expect.objectContaining({ actionKey: `${workflowId}/email`, subject: 'For you', text: '20% off' }),
      expect.objectContaining({ actionKey: `${workflowId}/tag`, tag: 'gold' }),
    ]);
  });
});

describe('campaignSegmentationWorkflow', () => {
  // Which band, joins and leaves are decided by the activity from the contact's current score
  // (test/integration/segmentation.test.ts, on Postgres); the workflow hands it the bands once.
  it('segments in one step, keyed by the workflow, with the profile and bands of its trigger', async () => {
    const bands = [
      { max: 30, campaignId: 'nurture' },
      { min: 30, campaignId: 'vip' },
    ];
    const input = anAutomationInput({ score: 75, params: { bands } });
    const { workflowId, actions, status } = await runAutomation(campaignSegmentationWorkflow, input);

    const contact = { accountId: input.accountId, contactId: input.contactId };
    expect(actions.actionsTaken()).toEqual([
      [
        'segmentByCurrentScore',
        { ...contact, actionKey: `${workflowId}/segment`, profileId: input.profileId, bands },
      ],
    ]);
    expect(stepsOf(status)).toEqual([['segment', 'done']]);
    expect(status.phase).toBe('completed');
  });
});

describe('in-database steps', () => {
  const eventTypes = async (handle: WorkflowHandle) =>
    ((await handle.fetchHistory()).events ?? []).map((e) => temporal.api.enums.v1.EventType[e.eventType!]);

  it('when a segmentation runs, then its one step is a local activity: the automation starts and ends in one workflow task', async () => {
    const input = anAutomationInput({ params: { bands: [{ campaignId: 'all' }] } });
    const { handle, actions, status } = await runAutomation(campaignSegmentationWorkflow, input);

    expect(actions.effectsOf('segmentByCurrentScore')).toHaveLength(1);
    expect(status.phase).toBe('completed');
    const events = await eventTypes(handle);
    expect(events.filter((t) => t === 'EVENT_TYPE_WORKFLOW_TASK_COMPLETED')).toHaveLength(1);
    expect(events.filter((t) => t === 'EVENT_TYPE_ACTIVITY_TASK_SCHEDULED')).toHaveLength(0);
  });

  it('when a reward runs, then the email is an activity of its own and the tag runs in the task that hears of it', async () => {
    const { handle, actions } = await runAutomation(rewardOfferWorkflow, anAutomationInput());

    expect(actions.effectsOf('addTag')).toHaveLength(1);
    const events = await eventTypes(handle);
    expect(events.filter((t) => t === 'EVENT_TYPE_ACTIVITY_TASK_SCHEDULED')).toHaveLength(1);
    expect(events.filter((t) => t === 'EVENT_TYPE_WORKFLOW_TASK_COMPLETED')).toHaveLength(2);
  });

  it('when a local step fails once, then it is retried under the same key and takes effect once', async () => {
    const input = anAutomationInput({ params: { bands: [{ campaignId: 'all' }] } });
    const actions = new RecordingActions();
    actions.failNext('segmentByCurrentScore', { timing: 'after-effect' });
    const { status, workflowId } = await runAutomation(campaignSegmentationWorkflow, input, actions);

    expect(actions.callsOf('segmentByCurrentScore').map((c) => c.attempt)).toEqual([1, 2]);
    expect(
      actions.callsOf('segmentByCurrentScore').map((c) => (c.args as { actionKey: string }).actionKey),
    ).toEqual([`${workflowId}/segment`, `${workflowId}/segment`]);
    expect(actions.effectsOf('segmentByCurrentScore')).toHaveLength(1);
    expect(status.phase).toBe('completed');
  });
});

describe('inactiveContactReviewWorkflow', () => {
  it('tags the contact for review and takes it out of the given campaigns unless it recovered', async () => {
    const input = anAutomationInput({
      score: null,
      params: { leaveCampaigns: ['spring-promo', 'newsletter'] },
    });
    const { workflowId, actions, status } = await runAutomation(inactiveContactReviewWorkflow, input);

    const contact = { accountId: input.accountId, contactId: input.contactId };
    expect(actions.actionsTaken()).toEqual([
      ['addTag', { ...contact, actionKey: `${workflowId}/tag`, tag: 'needs-review' }],
      [
        'leaveCampaignUnlessRecovered',
        {
          ...contact,
          actionKey: `${workflowId}/leave-campaign:spring-promo`,
          campaignId: 'spring-promo',
          triggerId: input.triggerId,
        },
      ],
      [
        'leaveCampaignUnlessRecovered',
        {
          ...contact,
          actionKey: `${workflowId}/leave-campaign:newsletter`,
          campaignId: 'newsletter',
          triggerId: input.triggerId,
        },
      ],
    ]);
    expect(status.phase).toBe('completed');
  });

  it('uses the configured review tag and leaves campaigns alone when none are given', async () => {
    const input = anAutomationInput({ score: null, params: { reviewTag: 'stale' } });
    const { workflowId, actions } = await runAutomation(inactiveContactReviewWorkflow, input);

    expect(actions.actionsTaken()).toEqual([
      [
        'addTag',
        {
          accountId: input.accountId,
          contactId: input.contactId,
          actionKey: `${workflowId}/tag`,
          tag: 'stale',
        },
      ],
    ]);
  });

  it('keeps cleaning after do-not-disturb: it sends nothing', async () => {
    const input = anAutomationInput({ score: null });
    const { actions, status } = await runWithDndAtStart(inactiveContactReviewWorkflow, input);

    expect(actions.effectsOf('addTag')).toHaveLength(1);
    expect(status).toMatchObject({ phase: 'completed', dndAll: true });
  });
});

/** Starts an automation with the do-not-disturb signal already waiting, as when it arrives at once. */
async function runWithDndAtStart(
  automation: Automation,
  input: AutomationInput,
  actions = new RecordingActions(),
) {
  const taskQueue = uniqueId('automations');
  return withWorker(actions, taskQueue, async () => {
    const handle = await env.client.workflow.signalWithStart(automation, {
      workflowId: uniqueId('automation'),
      taskQueue,
      args: [input],
      signal: dndEnabledSignal,
      signalArgs: [],
    });
    return { status: await handle.result(), actions };
  });
}
