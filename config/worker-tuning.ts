import type { WorkerTuning } from '../worker/create-worker';
import type { Env } from './env';

/** The WORKER_* knobs as worker options; unset ones keep the SDK's defaults. */
export function workerTuningFrom(env: Env): WorkerTuning {
  return {
    stickyQueueScheduleToStartTimeout: env.WORKER_STICKY_TIMEOUT_MS,
    ...(env.WORKER_MAX_CACHED_WORKFLOWS !== undefined && {
      maxCachedWorkflows: env.WORKER_MAX_CACHED_WORKFLOWS,
    }),
    ...(env.WORKER_MAX_CONCURRENT_WORKFLOW_TASKS !== undefined && {
      maxConcurrentWorkflowTaskExecutions: env.WORKER_MAX_CONCURRENT_WORKFLOW_TASKS,
    }),
    ...(env.WORKER_MAX_CONCURRENT_ACTIVITIES !== undefined && {
      maxConcurrentActivityTaskExecutions: env.WORKER_MAX_CONCURRENT_ACTIVITIES,
    }),
    ...(env.WORKER_WORKFLOW_POLLERS !== undefined && {
      maxConcurrentWorkflowTaskPolls: env.WORKER_WORKFLOW_POLLERS,
    }),
    ...(env.WORKER_ACTIVITY_POLLERS !== undefined && {
      maxConcurrentActivityTaskPolls: env.WORKER_ACTIVITY_POLLERS,
    }),
  };
}

/**
 * The SDK sizes its default workflow cache from the V8 heap (600 cached workflows per GiB above
 * 200 MiB, worker-options.js in SDK 1.24). A cache set larger than that does not fit: under load
 * the workflow thread dies with ERR_WORKER_OUT_OF_MEMORY (seen in the bench with a cache of 500
 * and a 384 MiB heap). Answers a warning naming both knobs, or undefined when the cache fits.
 */
export function workflowCacheHeapWarning(
  maxCachedWorkflows: number | undefined,
  heapLimitBytes: number,
): string | undefined {
  if (maxCachedWorkflows === undefined) return undefined;
  const heapMiB = heapLimitBytes / 2 ** 20;
  const fits = Math.floor((Math.max(heapMiB - 200, 0) * 600) / 1024);
  if (maxCachedWorkflows <= fits) return undefined;
  return (
    `WORKER_MAX_CACHED_WORKFLOWS=${maxCachedWorkflows} is more than a ${Math.round(heapMiB)} MiB heap holds ` +
    `(about ${fits}): raise NODE_OPTIONS=--max-old-space-size or lower the cache, or the workflow thread ` +
    'may run out of memory under load'
  );
}
