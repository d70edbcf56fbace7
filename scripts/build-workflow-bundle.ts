import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { bundleWorkflowCode } from '@temporalio/worker';
import { workflowsPath } from '../worker/create-worker';
import { quietBundlerLogger } from '../worker/quiet-bundler-logger';

/**
 * `npm run build` (and the bench) write the workflows' webpack bundle ahead of time, as Temporal
 * recommends for production: a worker given WORKFLOW_BUNDLE_PATH loads it instead of running the
 * bundler at every start (seconds of CPU, and memory the process keeps).
 */
export async function writeWorkflowBundle(outFile: string): Promise<string> {
  const { code } = await bundleWorkflowCode({ workflowsPath: workflowsPath(), logger: quietBundlerLogger });
  await mkdir(path.dirname(outFile), { recursive: true });
  await writeFile(outFile, code);
  return outFile;
}

if (require.main === module) {
  const out = path.resolve(process.argv[2] ?? 'dist/workflow-bundle.js');
  writeWorkflowBundle(out)
    .then((file) => console.log(`workflow bundle: ${file}`))
    .catch((err: unknown) => {
      console.error(err instanceof Error ? err.message : err);
      process.exit(1);
    });
}
