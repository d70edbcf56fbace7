import { randomUUID } from 'node:crypto';
import { defaultPayloadConverter } from '@temporalio/common';
import { DEFAULT_RULES } from '../../domain/default-rules';
import { contactWorkflowId } from '../../domain/ids';
import { contactScoreQuery } from '../../workflows/definitions';
import {
  externalAutomationInputJsonSchema,
  externalAutomationInputSchema,
} from '../../domain/automations/external';
import { anInteraction } from '../support/builders';
import { eventually } from '../support/eventually';
import { localActivitiesIn } from '../support/local-activities';
import { startHarness, type Harness, type TestAccount } from '../support/harness';
import { startPythonAutomationWorker, type PythonWorker } from '../support/python-automation-worker';

/**
 * An automation Pulse does not ship, run by examples/python-automation (Temporal's Python SDK
 * from PyPI) on a task queue of its own, started by a real trigger after real interactions, and
 * calling Pulse's API back with a score adjustment.
 */
let h: Harness;
let python: PythonWorker | undefined;
let account: TestAccount;
const pythonQueue = `python-automations-${randomUUID()}`;

beforeAll(async () => {
  h = await startHarness();
  account = await h.newAccount();
  python = await startPythonAutomationWorker({
    temporalAddress: process.env.TEMPORAL_ADDRESS!,
    taskQueue: pythonQueue,
    apiUrl: h.baseUrl,
    apiKey: account.keys.write,
  });
}, 300_000); // a fresh machine installs temporalio from PyPI first
afterAll(async () => {
  await python?.stop();
  await h?.shutdown();
});

describe('an automation in another Temporal language', () => {
  it('when a trigger naming { workflowType, taskQueue } fires, then the Python worker runs it with the versioned input and its score adjustment lands once', async () => {
    await account.call('POST', '/profiles', { id: 'engagement', name: 'E', rules: DEFAULT_RULES });
    await account.call('POST', '/profiles/engagement/publish');
    await account.call('POST', '/contacts', { id: 'c1', email: `${account.accountId}@example.com` });
    const created = await account.call('POST', '/triggers', {
      id: 'welcome',
      profileId: 'engagement',
      condition: { op: 'gte', value: 4 },
      reentry: { policy: 'once' },
      automation: { workflowType: 'GrantWelcomeBonus', taskQueue: pythonQueue },
      input: { points: 7, reason: 'welcome bonus from Python' },
    });
    expect(created.status).toBe(201);

    // email_opened (1) + email_clicked (3) = 4 crosses gte 4; the bonus adds 7.
    const sent = await account.call('POST', '/contacts/c1/interactions', [
      anInteraction({ type: 'email_opened' }),
      anInteraction({ type: 'email_clicked' }),
    ]);
    expect(sent.status).toBe(202);

    const parentId = contactWorkflowId(account.accountId, 'c1');
    const childId = `${parentId}/trigger:welcome/1`;
    const child = h.client.workflow.getHandle(childId);
    const result = await eventually(() => child.result(), { timeoutMs: 60_000 }).catch((err: unknown) => {
      throw new Error(`${String(err)}\npython worker output:\n${python?.output()}`);
    });
    expect(result).toEqual({ scoreAfter: 11, points: 7 });
    await eventually(async () =>
      expect((await account.call('GET', '/contacts/c1/score')).body.score).toBe(11),
    );
    const ledger = await account.call('GET', '/contacts/c1/ledger');
    expect(
      ledger.body.entries.filter((e: { interactionId: string }) => e.interactionId.startsWith('adj:')),
    ).toEqual([expect.objectContaining({ interactionId: `adj:${childId}/bonus`, delta: 7, scoreAfter: 11 })]);

    // Started like a shipped automation (by the contact workflow's local activity, not as its
    // child), searchable the same way.
    const description = await child.describe();
    expect(description.type).toBe('GrantWelcomeBonus');
    expect(description.taskQueue).toBe(pythonQueue);
    expect(description.parentExecution).toBeUndefined();
    expect(description.typedSearchAttributes.getAll().map((p) => [p.key.name, p.value])).toEqual(
      expect.arrayContaining([
        ['PulseAccount', account.accountId],
        ['PulseContact', 'c1'],
        ['PulseTrigger', 'welcome'],
        ['PulseAutomation', 'GrantWelcomeBonus'],
      ]),
    );

    // The input it got is the published, versioned one.
    const history = await child.fetchHistory();
    const started = history.events![0]!.workflowExecutionStartedEventAttributes!;
    const input = defaultPayloadConverter.fromPayload(started.input!.payloads![0]!);
    expect(externalAutomationInputSchema.parse(input)).toEqual({
      version: 1,
      accountId: account.accountId,
      contactId: 'c1',
      triggerId: 'welcome',
      profileId: 'engagement',
      score: 4,
      threshold: 4,
      fireNumber: 1,
      params: { points: 7, reason: 'welcome bonus from Python' },
    });

    // The contact workflow recorded the start: one local activity naming this execution, no child.
    const parentEvents = (await h.client.workflow.getHandle(parentId).fetchHistory()).events!;
    expect(parentEvents.some((e) => e.startChildWorkflowExecutionInitiatedEventAttributes)).toBe(false);
    expect(localActivitiesIn(parentEvents, 'startAutomationWorkflow').map((a) => a.result)).toEqual([
      { workflowId: childId, started: true },
    ]);

    // Once per fire: more engagement above the threshold starts nothing more (reentry once).
    await account.call('POST', '/contacts/c1/interactions', anInteraction({ type: 'email_clicked' }));
    const view = await eventually(async () => {
      const v = await h.client.workflow.getHandle(parentId).query(contactScoreQuery);
      expect(v.appliedCount).toBe(4); // two interactions, the adjustment, the click
      return v;
    });
    expect(view.triggerStates.welcome!.fires).toBe(1);
    // Visibility may lag a start by a moment: poll until it lists exactly the one.
    await eventually(async () => {
      const { executions } = await h.client.workflowService.listWorkflowExecutions({
        namespace: 'default',
        query: `PulseTrigger = "welcome" AND PulseContact = "c1" AND PulseAccount = "${account.accountId}"`,
      });
      expect(executions.map((e) => e.execution!.workflowId)).toEqual([childId]);
    });
  }, 120_000);
});

describe('GET /schemas/automation-input.json', () => {
  it('when fetched without an API key, then it is the JSON Schema of the input, and the OpenAPI document lists it beside the trigger form that uses it', async () => {
    const res = await fetch(`${h.baseUrl}/schemas/automation-input.json`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/schema\+json/);
    expect(await res.json()).toEqual(externalAutomationInputJsonSchema());

    const doc = (await (await fetch(`${h.baseUrl}/openapi.json`)).json()) as {
      paths: Record<string, Record<string, unknown>>;
      components: { schemas: Record<string, { properties: Record<string, { anyOf?: unknown[] }> }> };
    };
    expect(Object.keys(doc.paths['/schemas/automation-input.json']!)).toEqual(['get']);
    expect(doc.components.schemas.TriggerInput!.properties.automation!.anyOf).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ required: ['workflowType', 'taskQueue'], additionalProperties: false }),
      ]),
    );
  });
});
