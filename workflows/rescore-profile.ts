import { continueAsNew, proxyActivities, setHandler, workflowInfo } from '@temporalio/workflow';
import type * as activities from '../activities';
import { rescoreProgressQuery, type RescoreProgress } from './definitions';

const { rescorePage, countAccountContacts } = proxyActivities<ReturnType<typeof activities.createActivities>>(
  {
    startToCloseTimeout: '1 minute',
    // A page takes about a second: a worker that died mid-page is noticed in seconds, not minutes.
    heartbeatTimeout: '10 seconds',
    retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '30 seconds' },
  },
);

export interface RescoreProfileInput {
  accountId: string;
  profileId: string;
  version: number;
  pageSize?: number;
  carried?: {
    afterContactId: string | null;
    done: number;
    rescored: number;
    total: number;
    startedAt: number;
  };
}

/** Pages per run before handing over: keeps each run's history small whatever the account's size. */
const PAGES_PER_RUN = 200;

/**
 * Walks every contact of the account in id order and brings its score to the published version.
 * Durable progress is the cursor: a crash resumes at the page in flight, whose contacts already
 * done are skipped by the activity. A newer publish makes this one stop as superseded.
 */
export async function rescoreProfileWorkflow(input: RescoreProfileInput): Promise<RescoreProgress> {
  const { accountId, profileId, version } = input;
  const pageSize = input.pageSize ?? 200;
  let afterContactId = input.carried?.afterContactId ?? null;
  let done = input.carried?.done ?? 0;
  let rescored = input.carried?.rescored ?? 0;
  const startedAt = input.carried?.startedAt ?? Date.now();
  let total = input.carried?.total ?? 0;
  let state: RescoreProgress['state'] = 'running';

  const progress = (): RescoreProgress => {
    const seconds = Math.max((Date.now() - startedAt) / 1000, 0.001);
    const rate = done / seconds;
    const remaining = Math.max(total - done, 0);
    return {
      accountId,
      profileId,
      version,
      total,
      done,
      rescored,
      startedAt,
      rate,
      etaSeconds: state !== 'running' ? 0 : rate > 0 ? remaining / rate : null,
      state,
    };
  };
  setHandler(rescoreProgressQuery, progress);

  if (!input.carried) total = await countAccountContacts(accountId);

  for (let page = 0; page < PAGES_PER_RUN; page++) {
    const result = await rescorePage({ accountId, profileId, version, afterContactId, pageSize });
    if (!result.live) {
      state = 'superseded';
      return progress();
    }
    done += result.processed;
    rescored += result.rescored;
    afterContactId = result.lastContactId;
    // Contacts created during the walk may push done past the count taken at the start.
    total = Math.max(total, done);
    if (result.processed < pageSize) {
      state = 'finished';
      return progress();
    }
    if (workflowInfo().continueAsNewSuggested) break;
  }
  return continueAsNew<typeof rescoreProfileWorkflow>({
    ...input,
    carried: { afterContactId, done, rescored, total, startedAt },
  });
}
