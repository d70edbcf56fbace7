import { condition, defineSignal, setHandler } from '@temporalio/workflow';
import type { InteractionRef } from '../domain/scoring-messages';

/** Same payload shape as the contact workflow's signal, so the ceiling pays the same serialisation. */
export const noopSignal = defineSignal<[InteractionRef[]]>('noopInteractionsReceived');

/**
 * The ceiling of the ingest benchmark: a workflow that only counts signals. It completes after
 * the number of signals the benchmark will send it, which is how "every signal was processed"
 * is observed; nothing else happens, so its rate is what the Temporal server and one worker
 * allow for signalWithStart on this machine.
 */
export async function noopSignalWorkflow(expectedSignals: number): Promise<number> {
  let received = 0;
  setHandler(noopSignal, () => {
    received += 1;
  });
  await condition(() => received >= expectedSignals);
  return received;
}
