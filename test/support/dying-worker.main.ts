import { NativeConnection } from '@temporalio/worker';
import { installTemporalRuntime } from '../../config/temporal-runtime';
import { createPool } from '../../db/pool';
import type { ApplyScoringInput } from '../../domain/scoring-messages';
import { createWorker } from '../../worker/create-worker';

/**
 * A worker that dies the way a lost machine does, at the worst moment for triggers: right after a
 * scoring pass of contact PULSE_FAULT_CONTACT committed the batch that brought its applied total
 * to PULSE_FAULT_APPLIED_TOTAL, before the workflow task that ran the pass could complete. Run
 * by startWorkerProcess(taskQueue, env, 'test/support/dying-worker.main.ts').
 */
async function main(): Promise<void> {
  const contactId = process.env.PULSE_FAULT_CONTACT!;
  const dieAt = Number(process.env.PULSE_FAULT_APPLIED_TOTAL);
  installTemporalRuntime('ERROR');
  const db = createPool(process.env.DATABASE_URL!);
  const connection = await NativeConnection.connect({ address: process.env.TEMPORAL_ADDRESS! });
  const worker = await createWorker({
    connection,
    namespace: 'default',
    taskQueue: process.env.TEMPORAL_TASK_QUEUE!,
    db,
    overrideActivities: (real) => ({
      async applyScoringRules(input: ApplyScoringInput) {
        const result = await real.applyScoringRules(input);
        if (input.contactId === contactId && result.applied > 0 && result.appliedTotal >= dieAt) {
          console.log(`dying after the commit that brought ${contactId} to ${result.appliedTotal}`);
          process.kill(process.pid, 'SIGKILL');
          await new Promise(() => undefined); // never reports
        }
        return result;
      },
    }),
  });
  console.log('worker started');
  await worker.run();
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
