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
