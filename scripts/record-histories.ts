import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import { createApiKey, ensureAccount } from '../db/accounts';
import { upsertContact } from '../db/contacts';
import { insertInteractions } from '../db/interactions';
import { createProfile, publishProfile } from '../db/profiles';
import { migrate } from '../db/migrate';
import { createPool } from '../db/pool';
import { DEFAULT_RULES } from '../domain/default-rules';
import { contactWorkflowId } from '../domain/ids';
import { startEmbeddedPostgres } from '../stack/embedded-postgres';
import { findTemporalCli } from '../stack/temporal-binaries';
import { startTemporalDevServer } from '../stack/temporal-dev-server';
import { createWorker } from '../worker/create-worker';
import { contactScoreQuery, interactionsReceivedSignal } from '../workflows/definitions';
import { SEARCH_ATTRIBUTES } from '../workflows/search-attributes';

/**
 * Records real histories of contactScoringWorkflow into test/histories/, for the replay test.
 * Run after a deliberate change of workflow shape (and keep the old files: old histories must
 * keep replaying, which is what patched() is for).
 */
async function main(): Promise<void> {
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
    await createApiKey(db, { accountId: 'rec', scopes: ['admin'], name: 'rec' });
    await createProfile(db, 'rec', { id: 'engagement', name: 'Engagement', rules: DEFAULT_RULES });
    await publishProfile(db, 'rec', 'engagement', 'recorder');
    await upsertContact(db, 'rec', { id: 'ada' });

    const connection = await NativeConnection.connect({ address: server.address });
    const client = new Client({ connection: await Connection.connect({ address: server.address }) });
    const worker = await createWorker({ connection, namespace: 'default', taskQueue: 'record', db });
    await worker.runUntil(async () => {
      const workflowId = contactWorkflowId('rec', 'ada');
      // A run that takes three signals and hands over: covers signal, activity, search attributes and continue-as-new.
      const handle = await client.workflow.start('contactScoringWorkflow', {
        workflowId,
        taskQueue: 'record',
        args: [{ accountId: 'rec', contactId: 'ada', maxSignalsPerRun: 3 }],
      });
      const firstRunId = handle.firstExecutionRunId;
      const types = ['email_opened', 'email_clicked', 'tag_added', 'payment_succeeded'];
      for (const [i, type] of types.entries()) {
        const interaction = {
          id: `rec-${i}`,
          type,
          occurredAt: new Date().toISOString(),
          attributes: (type === 'tag_added' ? { tag: 'vip' } : {}) as Record<string, string>,
        };
        await insertInteractions(db, 'rec', 'ada', [interaction]);
        await handle.signal(interactionsReceivedSignal, [
          { id: interaction.id, type, occurredAt: interaction.occurredAt },
        ]);
        await new Promise((r) => setTimeout(r, 300));
      }
      const deadline = Date.now() + 20_000;
      for (;;) {
        const view = await client.workflow.getHandle(workflowId).query(contactScoreQuery);
        if (view.runNumber >= 2 && view.appliedCount === 4) break;
        if (Date.now() > deadline) throw new Error(`unexpected recording state ${JSON.stringify(view)}`);
        await new Promise((r) => setTimeout(r, 200));
      }
      // The CLI writes the same JSON the Web UI downloads, which runReplayHistory reads.
      const json = execFileSync(await findTemporalCli(), [
        'workflow',
        'show',
        '--address',
        server.address,
        '--workflow-id',
        workflowId,
        '--run-id',
        firstRunId,
        '--output',
        'json',
      ]).toString();
      const file = path.resolve(__dirname, '..', 'test', 'histories', 'contact-scoring-continue-as-new.json');
      writeFileSync(file, json);
      console.log(`wrote ${file} (${(JSON.parse(json) as { events: unknown[] }).events.length} events)`);
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
