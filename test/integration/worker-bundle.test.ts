import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { DEFAULT_RULES } from '../../domain/default-rules';
import { writeWorkflowBundle } from '../../scripts/build-workflow-bundle';
import { anInteraction } from '../support/builders';
import { eventually } from '../support/eventually';
import { startHarness, type Harness } from '../support/harness';
import { startWorkerProcess, type WorkerProcess } from '../support/worker-process';

/**
 * A worker given WORKFLOW_BUNDLE_PATH (what `npm run build` writes, and the image sets) runs the
 * prebuilt bundle instead of bundling at start.
 */
let h: Harness;
let dir: string;
const workers: WorkerProcess[] = [];
beforeAll(async () => {
  h = await startHarness({ inProcessWorker: false });
  dir = await mkdtemp(path.join(os.tmpdir(), 'pulse-bundle-'));
});
afterAll(async () => {
  for (const w of workers) await w.kill('SIGTERM');
  await h?.shutdown();
  await rm(dir, { recursive: true, force: true });
});

describe('worker with a prebuilt workflow bundle (WORKFLOW_BUNDLE_PATH)', () => {
  it('when the bundle was written by the build, then the worker runs it and scores a contact', async () => {
    const bundle = await writeWorkflowBundle(path.join(dir, 'workflow-bundle.js'));
    const worker = startWorkerProcess(h.taskQueue, { WORKFLOW_BUNDLE_PATH: bundle });
    workers.push(worker);
    await worker.ready;

    const account = await h.newAccount();
    await account.call('POST', '/profiles', { id: 'engagement', name: 'E', rules: DEFAULT_RULES });
    await account.call('POST', '/profiles/engagement/publish');
    await account.call('POST', '/contacts', { id: 'c1' });
    expect((await account.call('POST', '/contacts/c1/interactions', [anInteraction()])).status).toBe(202);
    await eventually(async () =>
      expect((await account.call('GET', '/contacts/c1/score')).body.score).toBe(1),
    );
  }, 120_000);

  it('when the bundle file is missing, then the worker does not start and says which file', async () => {
    const missing = path.join(dir, 'no-such-bundle.js');
    const worker = startWorkerProcess(h.taskQueue, { WORKFLOW_BUNDLE_PATH: missing });
    workers.push(worker);
    await expect(worker.ready).rejects.toThrow(missing);
  }, 60_000);
});
