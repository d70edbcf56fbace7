import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { Worker } from '@temporalio/worker';
import { workflowsPath } from '../../worker/create-worker';

const dir = path.resolve(__dirname, '..', 'histories');
const WORKFLOW_IDS_FILE = 'workflow-ids.json';
const histories = readdirSync(dir).filter((f) => f.endsWith('.json') && f !== WORKFLOW_IDS_FILE);
/** Histories whose commands embed their own workflow id (child ids) replay under that id. */
const workflowIds = JSON.parse(readFileSync(path.join(dir, WORKFLOW_IDS_FILE), 'utf8')) as Record<
  string,
  string
>;

/** Recorded histories must replay against today's workflow code; a non-deterministic change fails here. */
describe('replaying recorded histories', () => {
  it('has recorded histories to replay', () => {
    expect(histories.length).toBeGreaterThan(0);
  });

  it.each(histories)('%s replays without non-determinism', async (file) => {
    const history = JSON.parse(readFileSync(path.join(dir, file), 'utf8'));
    await expect(
      Worker.runReplayHistory(
        { workflowsPath: workflowsPath(), replayName: file },
        history,
        workflowIds[file],
      ),
    ).resolves.toBeUndefined();
  });
});
