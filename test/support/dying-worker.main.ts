import { NativeConnection } from '@temporalio/worker';
import { installTemporalRuntime } from '../../config/temporal-runtime';
import type { AutomationStartRequest } from '../../domain/automation-start';
import { createPool, type Db } from '../../db/pool';
import type { ApplyScoringInput } from '../../domain/scoring-messages';
import { createWorker } from '../../worker/create-worker';

/**
 * A worker that dies the way a lost machine does, at the worst moment for triggers: right after a
 * scoring pass of contact PULSE_FAULT_CONTACT committed the batch that brought its applied total
 * to PULSE_FAULT_APPLIED_TOTAL, before the workflow task that ran the pass could complete. Run
 * by startWorkerProcess(taskQueue, env, 'test/support/dying-worker.main.ts'). With
 * PULSE_FAULT_AFTER=automation-acted it dies later instead: see startAutomationWorkflow below.
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
      // PULSE_FAULT_AFTER=automation-acted: die once an automation this workflow task started has
      // recorded its first action, before the task completes (starts run inside the task).
      async startAutomationWorkflow(request: AutomationStartRequest) {
        const started = await real.startAutomationWorkflow(request);
        if (process.env.PULSE_FAULT_AFTER === 'automation-acted' && started.started) {
          await untilActed(db, request.workflowId);
          console.log(`dying after ${request.workflowId} acted`);
          process.kill(process.pid, 'SIGKILL');
          await new Promise(() => undefined); // never reports
        }
        return started;
      },
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

/** Polls automation_actions until the automation has an action recorded (at most 30 s). */
async function untilActed(db: Db, workflowId: string): Promise<void> {
  for (let i = 0; i < 300; i++) {
    const { rows } = await db.query('SELECT 1 FROM automation_actions WHERE action_key LIKE $1 LIMIT 1', [
      `${workflowId}/%`,
    ]);
    if (rows.length > 0) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`${workflowId} recorded no action in 30 s`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
