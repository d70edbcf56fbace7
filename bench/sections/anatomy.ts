import type { Stack } from '../stack';
import type { AnatomyActivities, AnatomyStep } from '../anatomy-workflows';
import type { SectionContext } from '../measure';
import type { CpuSampler } from '../probes';
import { measureSignalRate, type LoadShape, type SignalRateResult } from './ingest';

export interface AnatomyResult {
  steps: Array<SignalRateResult & { step: AnatomyStep }>;
}

const STEPS: AnatomyStep[] = ['activity', 'activity+search-attribute', 'local-activity+search-attribute'];

/**
 * Where the ingest path's Temporal cost comes from, without the API or Postgres: the ingest load
 * shape against workflows that add, one at a time, what the contact workflow does per batch of
 * signals (an activity, a search-attribute upsert) and the same with a local activity instead.
 * Opt-in (`--only=...,anatomy`): it is an experiment behind a finding, not a product figure.
 */
export async function measureAnatomy(
  ctx: SectionContext,
  stack: Stack,
  shape: LoadShape,
  cpu: CpuSampler,
): Promise<AnatomyResult> {
  ctx.phase('anatomy: starting a worker with empty activities');
  const activities: AnatomyActivities = { touch: (batch) => Promise.resolve(batch) };
  const worker = await stack.startBenchWorker('anatomy', './anatomy-workflows', activities);
  const result: AnatomyResult = { steps: [] };
  try {
    for (const step of STEPS) {
      const { workflowIds: _ids, ...measured } = await measureSignalRate(ctx, stack, shape, cpu, {
        label: `anatomy ${step}`,
        taskQueue: worker.taskQueue,
        workflowType: 'anatomyWorkflow',
        args: [shape.interactionsPerContact, step],
      });
      result.steps.push({ ...measured, step });
    }
    return result;
  } finally {
    await worker.stop();
  }
}
