import {
  condition,
  proxyActivities,
  proxyLocalActivities,
  setHandler,
  upsertSearchAttributes,
} from '@temporalio/workflow';
import { engagementScoreAttribute } from '../workflows/search-attributes';
import { noopSignal } from './noop-workflow';

/** Does nothing: what is measured is what it costs Temporal to run it. */
export interface AnatomyActivities {
  touch(batch: number): Promise<number>;
}

const remote = proxyActivities<AnatomyActivities>({ startToCloseTimeout: '30 seconds' });
const local = proxyLocalActivities<AnatomyActivities>({ startToCloseTimeout: '30 seconds' });

export type AnatomyStep = 'activity' | 'activity+search-attribute' | 'local-activity+search-attribute';

/**
 * The contact workflow's shape without its database work: signals fill a buffer, one loop turn
 * takes the whole buffer to an (empty) activity, optionally upserts a search attribute as the
 * contact workflow does when a score changes. Completes after `expectedSignals` signals, like the
 * noop ceiling workflow, so each step's Temporal cost can be told apart.
 */
export async function anatomyWorkflow(expectedSignals: number, step: AnatomyStep): Promise<number> {
  let received = 0;
  let pending = 0;
  let applied = 0;
  setHandler(noopSignal, (refs) => {
    received += 1;
    pending += refs.length;
  });
  while (received < expectedSignals || pending > 0) {
    await condition(() => pending > 0);
    const batch = pending;
    pending = 0;
    applied += await (step === 'local-activity+search-attribute' ? local : remote).touch(batch);
    if (step !== 'activity') upsertSearchAttributes([{ key: engagementScoreAttribute, value: applied }]);
  }
  return applied;
}
