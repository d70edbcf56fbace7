import { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode, Worker, type WorkerOptions } from '@temporalio/worker';
import { installTemporalRuntime } from '../../config/temporal-runtime';
import { triggerSchema } from '../../domain/trigger';
import { quietBundlerLogger } from '../../worker/quiet-bundler-logger';
import {
  adjustScoreUpdate,
  contactScoreQuery,
  interactionsReceivedSignal,
} from '../../workflows/definitions';
import { contactScoringWorkflow } from '../../workflows';
import { uniqueId } from '../support/builders';
import { eventually } from '../support/eventually';
import { FakeScoring } from '../support/fake-scoring';
import { RecordingActions } from '../support/recording-actions';

/**
 * The contact workflow's orchestration with its activities stubbed (FakeScoring: an inbox and a
 * score in memory): hand-offs, updates, fires. On the suite's dev server, not the time-skipping
 * one: the contact workflow upserts custom search attributes, which the time-skipping server
 * cannot register (it has no OperatorService), and these cases need no timers.
 */

let env: TestWorkflowEnvironment;
let workflowBundle: WorkerOptions['workflowBundle'];

beforeAll(async () => {
  installTemporalRuntime('ERROR');
  env = await TestWorkflowEnvironment.createFromExistingServer({ address: process.env.TEMPORAL_ADDRESS! });
  workflowBundle = await bundleWorkflowCode({
    workflowsPath: require.resolve('../../workflows'),
    logger: quietBundlerLogger,
  });
}, 120_000);

afterAll(async () => {
  await env?.teardown();
});

const reward = triggerSchema.parse({
  id: 'reward',
  profileId: 'engagement',
  condition: { op: 'gte', value: 5 },
  reentry: { policy: 'once' },
  automation: 'reward_offer',
});

async function withContactWorkflow<T>(
  fake: FakeScoring,
  maxSignalsPerRun: number | undefined,
  fn: (ctx: { workflowId: string; signal: (id: string, points: number) => Promise<void> }) => Promise<T>,
): Promise<T> {
  const taskQueue = uniqueId('contact-scoring');
  const workflowId = `contact:acct:${uniqueId('c')}`;
  const worker = await Worker.create({
    connection: env.nativeConnection,
    taskQueue,
    workflowBundle,
    activities: { ...new RecordingActions().activities(), ...fake.activities() },
  });
  return worker.runUntil(async () => {
    await env.client.workflow.start(contactScoringWorkflow, {
      workflowId,
      taskQueue,
      args: [{ accountId: 'acct', contactId: 'c', ...(maxSignalsPerRun && { maxSignalsPerRun }) }],
    });
    const signal = async (id: string, points: number) =>
      env.client.workflow.getHandle(workflowId).signal(interactionsReceivedSignal, [fake.store(id, points)]);
    return fn({ workflowId, signal });
  });
}

const view = (workflowId: string) => env.client.workflow.getHandle(workflowId).query(contactScoreQuery);

describe('contactScoringWorkflow with stubbed activities', () => {
  it('when the signal limit hands over with work pending, then the next run applies it and keeps the state', async () => {
    const fake = new FakeScoring();
    await withContactWorkflow(fake, 2, async ({ workflowId, signal }) => {
      await signal('i1', 1);
      await eventually(async () => expect((await view(workflowId)).appliedCount).toBe(1));
      await signal('i2', 2); // the run's second signal: it hands over before applying
      await signal('i2', 2); // a repeat, remembered across the hand-off
      await eventually(async () =>
        expect(await view(workflowId)).toMatchObject({ runNumber: 2, appliedCount: 2 }),
      );
      expect(fake.applied).toEqual(['i1', 'i2']);
      expect((await view(workflowId)).scores).toEqual([
        { profileId: 'engagement', isDefault: true, version: 1, score: 3 },
      ]);
      // The second run went on from the cursor the first one handed over, not from a run start.
      expect(fake.passes.filter((p) => p.ledgerCursor === null)).toHaveLength(1);
    });
  });

  it('when an update arrives as the hand-off is due, then it is answered before the hand-off', async () => {
    const fake = new FakeScoring();
    await withContactWorkflow(fake, 1, async ({ workflowId }) => {
      const handle = env.client.workflow.getHandle(workflowId);
      const adjustment = {
        adjustmentId: 'adj:a1',
        profileId: 'engagement',
        points: 4,
        reason: 'call went well',
        actor: 'test',
      };
      const update = handle.executeUpdate(adjustScoreUpdate, { args: [adjustment] });
      await handle.signal(interactionsReceivedSignal, [fake.store('i1', 1)]); // hand-off due after this one
      expect(await update).toEqual({
        adjustmentId: 'adj:a1',
        profileId: 'engagement',
        score: expect.any(Number),
      });
      await eventually(async () => expect((await view(workflowId)).appliedCount).toBe(2));
      expect(fake.applied.sort()).toEqual(['adj:a1', 'i1']);
      expect((await view(workflowId)).runNumber).toBeGreaterThanOrEqual(2);
    });
  });

  it('when the first pass crosses a threshold, then the trigger fires and its automation starts once', async () => {
    const fake = new FakeScoring([reward]);
    await withContactWorkflow(fake, undefined, async ({ workflowId, signal }) => {
      await signal('i1', 6);
      await eventually(async () => expect((await view(workflowId)).triggerStates.reward?.fires).toBe(1));
      const child = env.client.workflow.getHandle(`${workflowId}/trigger:reward/1`);
      // The fire is in the workflow's state when its task completes; the server creates the child just after.
      await eventually(async () => expect((await child.describe()).type).toBe('rewardOfferWorkflow'));
      await signal('i2', 1); // still above: no second fire
      await eventually(async () => expect((await view(workflowId)).appliedCount).toBe(2));
      expect((await view(workflowId)).triggerStates.reward?.fires).toBe(1);
    });
  });
});
