import { randomUUID } from 'node:crypto';
import { ApplicationFailure } from '@temporalio/common';
import { startAutomationOnce } from '../../clients/automation-start';
import { AUTOMATION_START_REFUSED, type AutomationStartRequest } from '../../domain/automation-start';
import { eventually } from '../support/eventually';
import { startHarness, type Harness } from '../support/harness';

/**
 * The start the contact workflow's local activity makes when a trigger fires, against the real
 * server: once per id whatever happens to the first execution, and a request the server calls
 * invalid refused for good (the activity then does not retry it forever).
 */

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.shutdown();
});

/** A type no worker serves, on a queue no worker polls: the start is what is tested. */
function request(workflowId: string): AutomationStartRequest {
  return {
    workflowType: 'NobodyServesThis',
    workflowId,
    taskQueue: `automation-start-${randomUUID()}`,
    input: { accountId: 'acc', contactId: 'ada', triggerId: 'reward', params: {} },
    staticSummary: 'Reward for ada',
    staticDetails: '- **Contact**: `ada`',
    searchAttributes: { accountId: 'acc', contactId: 'ada', triggerId: 'reward', automation: 'reward_offer' },
  };
}

describe('starting an automation', () => {
  it('when the same fire is started twice, even after the first execution ended, then one execution exists and the repeats answer "already started"', async () => {
    const id = `contact:acc:ada/trigger:reward/${randomUUID()}`;
    expect(await startAutomationOnce(h.client, request(id))).toEqual({ workflowId: id, started: true });
    expect(await startAutomationOnce(h.client, request(id))).toEqual({ workflowId: id, started: false });
    const handle = h.client.workflow.getHandle(id);
    const { runId, typedSearchAttributes, parentExecution } = await handle.describe();
    expect(parentExecution).toBeUndefined();
    expect(typedSearchAttributes.getAll().map((p) => [p.key.name, p.value])).toEqual(
      expect.arrayContaining([
        ['PulseAccount', 'acc'],
        ['PulseContact', 'ada'],
        ['PulseTrigger', 'reward'],
        ['PulseAutomation', 'reward_offer'],
      ]),
    );
    await handle.terminate('ended before the repeat');
    // REJECT_DUPLICATE: an ended execution still holds the id (a Reset re-runs finished fires).
    expect(await startAutomationOnce(h.client, request(id))).toEqual({ workflowId: id, started: false });
    // Visibility may lag a start by a moment.
    await eventually(async () => {
      const runs: string[] = [];
      for await (const run of h.client.workflow.list({ query: `WorkflowId = "${id}"` })) runs.push(run.runId);
      expect(runs).toEqual([runId]);
    });
  });

  it('when the server refuses the start as invalid, then it fails non-retryable, naming the execution', async () => {
    const id = `contact:acc:ada/trigger:${'x'.repeat(1_100)}/1`;
    const refused = await startAutomationOnce(h.client, request(id)).catch((err: unknown) => err);
    expect(refused).toBeInstanceOf(ApplicationFailure);
    expect(refused).toMatchObject({ type: AUTOMATION_START_REFUSED, nonRetryable: true });
    expect((refused as Error).message).toContain(id.slice(0, 40));
  });
});
