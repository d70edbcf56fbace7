import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import { installTemporalRuntime } from '../config/temporal-runtime';
import { ensureAccount } from '../db/accounts';
import { upsertContact } from '../db/contacts';
import { insertInteractions } from '../db/interactions';
import { migrate } from '../db/migrate';
import { createPool, type Db } from '../db/pool';
import { createProfile, publishProfile } from '../db/profiles';
import { deleteTrigger, saveTrigger } from '../db/triggers';
import { DEFAULT_RULES } from '../domain/default-rules';
import { contactWorkflowId } from '../domain/ids';
import { triggerSchema } from '../domain/trigger';
import { findTemporalCli } from '../stack/temporal-binaries';
import { startEmbeddedPostgres } from '../stack/embedded-postgres';
import { startTemporalDevServer } from '../stack/temporal-dev-server';
import { createWorker } from '../worker/create-worker';
import {
  adjustScore,
  contactWorkflowHandle,
  contactWorkflowStart,
  deliverInteractions,
  readContactWorkflow,
} from '../clients/contact-workflow';
import type { ContactScoreView } from '../domain/scoring-messages';
import type { contactScoringWorkflow } from '../workflows';
import { SEARCH_ATTRIBUTES } from '../workflows/search-attributes';

const HISTORIES = path.resolve(__dirname, '..', 'test', 'histories');
const TASK_QUEUE = 'record';

interface ScenarioContext {
  db: Db;
  client: Client;
  workflowId: string;
  contactId: string;
}

interface Scenario {
  file: string;
  contactId: string;
  run(ctx: ScenarioContext): Promise<string | { workflowId: string; runId: string }>;
}

/**
 * Records real histories of contactScoringWorkflow into test/histories/ for the replay test.
 * Existing files are kept: from the first tagged release on, old histories must keep replaying
 * after a change (that is what patched() is for). `--force` re-records them, which is only right
 * before a release (see the README's development section).
 */
const scenarios: Scenario[] = [
  {
    // Three signals and a hand-off: signal, activity, search attributes, continue-as-new.
    file: 'contact-scoring-continue-as-new.json',
    contactId: 'ada',
    async run({ db, client, contactId }) {
      const handle = await startContactWorkflow(client, contactId, 3);
      for (const [i, type] of ['email_opened', 'email_clicked', 'tag_added', 'payment_succeeded'].entries()) {
        await deliver(db, client, contactId, `rec-${i}`, type);
      }
      await until(client, contactId, (v) => v.runNumber >= 2 && v.appliedCount === 4);
      return handle.firstExecutionRunId;
    },
  },
  {
    // A trigger fires (child workflow) and staff adjust the score (update), then a hand-off.
    file: 'contact-scoring-trigger-and-adjustment.json',
    contactId: 'grace',
    run: (ctx) => triggerAndAdjustment(ctx, 'g', 'adj:rec-1'),
  },
  {
    // A re-score walking pages of contacts to the end.
    file: 'rescore-profile.json',
    contactId: 'r0',
    async run({ db, client }) {
      for (let i = 1; i <= 4; i++) await upsertContact(db, 'rec', { id: `r${i}` });
      const version = await publishProfile(db, 'rec', 'engagement', 'recorder');
      const handle = await client.workflow.start('rescoreProfileWorkflow', {
        workflowId: `rescore:rec:engagement:v${version}`,
        taskQueue: TASK_QUEUE,
        args: [{ accountId: 'rec', profileId: 'engagement', version, pageSize: 2 }],
      });
      await handle.result();
      return { workflowId: handle.workflowId, runId: handle.firstExecutionRunId };
    },
  },
  {
    // The reconciler waking contacts whose interactions were stored without a signal, two pages.
    file: 'reconcile-inbox.json',
    contactId: 's0',
    async run({ db, client }) {
      for (let i = 0; i <= 2; i++) {
        await upsertContact(db, 'rec', { id: `s${i}` });
        await insertInteractions(db, 'rec', `s${i}`, [
          { id: `stranded-${i}`, type: 'email_opened', occurredAt: new Date().toISOString(), attributes: {} },
        ]);
      }
      await new Promise((resolve) => setTimeout(resolve, 1_500));
      const handle = await client.workflow.start('reconcileInboxWorkflow', {
        workflowId: 'pulse-reconciler:record',
        taskQueue: TASK_QUEUE,
        args: [{ graceSeconds: 1, pageSize: 2, accountId: 'rec' }],
      });
      await handle.result();
      return { workflowId: handle.workflowId, runId: handle.firstExecutionRunId };
    },
  },
  {
    // A trigger naming an automation of the user's own (another task queue, versioned input) fires,
    // then the shipped reward fires too: both child starts in one history. No worker serves the
    // external queue here; the start is what the contact workflow records.
    file: 'contact-scoring-external-automation.json',
    contactId: 'hedy',
    async run({ db, client, contactId }) {
      const own = triggerSchema.parse({
        id: 'own',
        profileId: 'engagement',
        condition: { op: 'gte', value: 3 },
        reentry: { policy: 'once' },
        automation: { workflowType: 'GrantWelcomeBonus', taskQueue: 'record-python' },
        input: { points: 7 },
      });
      await saveTrigger(db, 'rec', own);
      try {
        const handle = await startContactWorkflow(client, contactId);
        await deliver(db, client, contactId, 'h-1', 'email_clicked');
        await until(client, contactId, (v) => v.appliedCount === 1 && v.recentAutomations.length === 1);
        await deliver(db, client, contactId, 'h-2', 'payment_succeeded');
        await until(client, contactId, (v) => v.appliedCount === 2 && v.recentAutomations.length === 2);
        return handle.firstExecutionRunId;
      } finally {
        // Triggers are per account: the other scenarios must not see this one when re-recorded.
        await deleteTrigger(db, 'rec', 'own');
      }
    },
  },
  {
    // The reward fires (automation children start with REJECT_DUPLICATE), support
    // resets the contact to the workflow task that fired, the re-run fire is refused as "already
    // started", then the score dips and crosses again and fire 2 starts. The run after the reset.
    file: 'contact-scoring-reset-refire.json',
    contactId: 'hopper',
    run: resetAfterFire,
  },
  {
    // As contact-scoring-trigger-and-adjustment.json, since automations are started by a local
    // activity (the automations-started-by-local-activity patch) instead of as children.
    file: 'contact-scoring-trigger-local-start.json',
    contactId: 'katherine',
    run: (ctx) => triggerAndAdjustment(ctx, 'k', 'adj:rec-k'),
  },
  {
    // As contact-scoring-reset-refire.json, with the local-activity start: the re-run fire's start
    // answers "already started" from the activity.
    file: 'contact-scoring-reset-refire-local-start.json',
    contactId: 'dorothy',
    run: resetAfterFire,
  },
  {
    // The reward fires, support terminates the contact workflow, the next
    // interaction starts a fresh run whose first pass reads fire 1 back from automation_actions, and
    // the next crossing starts fire 2. The fresh run.
    file: 'contact-scoring-after-terminate.json',
    contactId: 'lamarr',
    run: terminateThenFire,
  },
];

/** See the scenario: returns the run started after the Terminate, once it has started fire 2. */
async function terminateThenFire({ db, client, workflowId, contactId }: ScenarioContext) {
  const handle = await startContactWorkflow(client, contactId);
  await deliver(db, client, contactId, 'l-1', 'payment_succeeded');
  await until(client, contactId, (v) => v.triggerStates.reward?.fires === 1);
  await client.workflow.getHandle(`${workflowId}/trigger:reward/1`).result();
  await handle.terminate('recording a terminate');
  const occurredAt = new Date().toISOString();
  await insertInteractions(db, 'rec', contactId, [
    { id: 'l-2', type: 'email_opened', occurredAt, attributes: {} },
  ]);
  await deliverInteractions(client, TASK_QUEUE, 'rec', contactId, [
    { id: 'l-2', type: 'email_opened', occurredAt },
  ]);
  await until(client, contactId, (v) => v.appliedCount === 2 && v.triggerStates.reward?.fires === 1);
  await adjustScore(
    client,
    TASK_QUEUE,
    { accountId: 'rec', contactId },
    {
      adjustmentId: 'adj:rec-l',
      profileId: 'engagement',
      points: -10,
      reason: 'recording',
      actor: 'recorder',
    },
  );
  await deliver(db, client, contactId, 'l-3', 'payment_succeeded');
  await until(client, contactId, (v) => v.triggerStates.reward?.fires === 2);
  await client.workflow.getHandle(`${workflowId}/trigger:reward/2`).result();
  return {
    workflowId,
    runId: (await contactWorkflowHandle(client, { accountId: 'rec', contactId }).describe()).runId,
  };
}

/** See the scenario: returns the run the reset made, once it has started fire 2. */
async function resetAfterFire({ db, client, workflowId, contactId }: ScenarioContext) {
  await startContactWorkflow(client, contactId);
  await deliver(db, client, contactId, 'h-1', 'email_opened');
  await until(client, contactId, (v) => v.appliedCount === 1);
  await deliver(db, client, contactId, 'h-2', 'payment_succeeded');
  await until(client, contactId, (v) => v.triggerStates.reward?.fires === 1);
  await client.workflow.getHandle(`${workflowId}/trigger:reward/1`).result();
  const events =
    (await contactWorkflowHandle(client, { accountId: 'rec', contactId }).fetchHistory()).events ?? [];
  // The task that started the automation: as a child (before the patch) or a local activity.
  const firing =
    events.find((e) => e.startChildWorkflowExecutionInitiatedEventAttributes)
      ?.startChildWorkflowExecutionInitiatedEventAttributes!.workflowTaskCompletedEventId ??
    events.find(
      (e) =>
        e.markerRecordedEventAttributes?.markerName === 'core_local_activity' &&
        Buffer.from(e.markerRecordedEventAttributes.details?.data?.payloads?.[0]?.data ?? [])
          .toString()
          .includes('"startAutomationWorkflow"'),
    )!.markerRecordedEventAttributes!.workflowTaskCompletedEventId;
  const { runId } = await client.workflowService.resetWorkflowExecution({
    namespace: 'default',
    workflowExecution: {
      workflowId,
      runId: (await contactWorkflowHandle(client, { accountId: 'rec', contactId }).describe()).runId,
    },
    reason: 'recording a reset',
    workflowTaskFinishEventId: firing,
    requestId: `reset-${workflowId}`,
  });
  await until(
    client,
    contactId,
    (v) => v.triggerStates.reward?.fires === 1 && v.recentAutomations.length === 1,
  );
  await adjustScore(
    client,
    TASK_QUEUE,
    { accountId: 'rec', contactId },
    {
      adjustmentId: `adj:rec-${contactId}`,
      profileId: 'engagement',
      points: -10,
      reason: 'recording',
      actor: 'recorder',
    },
  );
  await deliver(db, client, contactId, 'h-3', 'payment_succeeded');
  await until(client, contactId, (v) => v.triggerStates.reward?.fires === 2);
  await client.workflow.getHandle(`${workflowId}/trigger:reward/2`).result();
  return { workflowId, runId: runId };
}

/** A payment (the reward trigger fires), a manual -3 through the update, two opens and a hand-off. */
async function triggerAndAdjustment(
  { db, client, contactId }: ScenarioContext,
  prefix: string,
  adjustmentId: string,
): Promise<string> {
  const handle = await startContactWorkflow(client, contactId, 3);
  await deliver(db, client, contactId, `${prefix}-1`, 'payment_succeeded');
  await until(client, contactId, (v) => v.appliedCount === 1);
  await adjustScore(
    client,
    TASK_QUEUE,
    { accountId: 'rec', contactId },
    { adjustmentId, profileId: 'engagement', points: -3, reason: 'recording', actor: 'recorder' },
  );
  await deliver(db, client, contactId, `${prefix}-2`, 'email_opened');
  await deliver(db, client, contactId, `${prefix}-3`, 'email_opened');
  await until(client, contactId, (v) => v.runNumber >= 2 && v.appliedCount === 4);
  return handle.firstExecutionRunId;
}

async function deliver(db: Db, client: Client, contactId: string, id: string, type: string) {
  const occurredAt = new Date().toISOString();
  await insertInteractions(db, 'rec', contactId, [
    { id, type, occurredAt, attributes: type === 'tag_added' ? { tag: 'vip' } : {} },
  ]);
  await deliverInteractions(client, TASK_QUEUE, 'rec', contactId, [{ id, type, occurredAt }]);
  await new Promise((r) => setTimeout(r, 300));
}

async function until(client: Client, contactId: string, done: (view: ContactScoreView) => boolean) {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const view = await readContactWorkflow(client, { accountId: 'rec', contactId });
    if (done(view)) return;
    if (Date.now() > deadline) throw new Error(`unexpected recording state ${JSON.stringify(view)}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** Started as the gateway starts it; a low `maxSignalsPerRun` makes the hand-off come early. */
function startContactWorkflow(client: Client, contactId: string, maxSignalsPerRun?: number) {
  const start = contactWorkflowStart(TASK_QUEUE, { accountId: 'rec', contactId });
  return client.workflow.start<typeof contactScoringWorkflow>('contactScoringWorkflow', {
    ...start,
    args: [{ ...start.args[0], maxSignalsPerRun }],
  });
}

async function main(): Promise<void> {
  const force = process.argv.includes('--force');
  const todo = scenarios.filter((s) => force || !existsSync(path.join(HISTORIES, s.file)));
  if (todo.length === 0) return console.log('all histories recorded; --force re-records them');
  installTemporalRuntime('WARN');
  const root = mkdtempSync(path.join(os.tmpdir(), 'pulse-record-'));
  const postgres = await startEmbeddedPostgres({ dataDir: path.join(root, 'pg'), database: 'pulse' });
  const server = await startTemporalDevServer({
    dbFile: path.join(root, 't.sqlite'),
    headless: true,
    searchAttributes: SEARCH_ATTRIBUTES,
  });
  const db = createPool(postgres.url);
  try {
    await migrate(postgres.url);
    await ensureAccount(db, 'rec', 'recording');
    await createProfile(db, 'rec', { id: 'engagement', name: 'Engagement', rules: DEFAULT_RULES });
    await publishProfile(db, 'rec', 'engagement', 'recorder');
    const reward = triggerSchema.parse({
      id: 'reward',
      profileId: 'engagement',
      condition: { op: 'gte', value: 15 },
      reentry: { policy: 'always' },
      automation: 'reward_offer',
    });
    await saveTrigger(db, 'rec', reward);

    const connection = await NativeConnection.connect({ address: server.address });
    const client = new Client({ connection: await Connection.connect({ address: server.address }) });
    const worker = await createWorker({ connection, namespace: 'default', taskQueue: TASK_QUEUE, db });
    await worker.runUntil(async () => {
      for (const scenario of todo) {
        await upsertContact(db, 'rec', {
          id: scenario.contactId,
          email: `${scenario.contactId}@example.com`,
        });
        const recorded = await scenario.run({
          db,
          client,
          workflowId: contactWorkflowId('rec', scenario.contactId),
          contactId: scenario.contactId,
        });
        const { workflowId, runId } =
          typeof recorded === 'string'
            ? { workflowId: contactWorkflowId('rec', scenario.contactId), runId: recorded }
            : recorded;
        // The CLI writes the same JSON the Web UI downloads, which runReplayHistory reads.
        const json = execFileSync(await findTemporalCli(), [
          'workflow',
          'show',
          '--address',
          server.address,
          '--workflow-id',
          workflowId,
          '--run-id',
          runId,
          '--output',
          'json',
        ]).toString();
        writeFileSync(path.join(HISTORIES, scenario.file), json);
        const idsFile = path.join(HISTORIES, 'workflow-ids.json');
        const ids = existsSync(idsFile)
          ? (JSON.parse(readFileSync(idsFile, 'utf8')) as Record<string, string>)
          : {};
        writeFileSync(idsFile, JSON.stringify({ ...ids, [scenario.file]: workflowId }, null, 2) + '\n');
        console.log(
          `wrote ${scenario.file} (${(JSON.parse(json) as { events: unknown[] }).events.length} events)`,
        );
      }
    });
    await connection.close();
    await client.connection.close();
  } finally {
    await db.end();
    await server.stop();
    await postgres.stop();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
