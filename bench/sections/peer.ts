import { createPool } from '../../db/pool';
import type { Stack } from '../stack';
import { anEmailOpened } from '../fixtures';
import { round, type SectionContext } from '../measure';
import { profileHistories, type CpuSampler, type HistoryProfile } from '../probes';
import { createPeerActivities, createPeerTables } from '../peer-activities';
import { peerInteractionSignal, type PeerInteraction } from '../peer-workflow';
import { measureSignalRate, type LoadShape, type SignalRateResult } from './ingest';

export interface PeerResult extends SignalRateResult {
  interactionsPerSecond: number;
  /** The peer's scores add up to the interactions sent (each applied once). */
  check: { scoreSum: number; ok: boolean };
  history: HistoryProfile;
}

/**
 * The textbook design on the same stack and load shape as the ingest section: one
 * signalWithStart per interaction to a per-contact workflow, one activity per signal writing to
 * the same Postgres (bench/peer-workflow.ts), timed until every interaction is applied. Its
 * client calls Temporal directly, without an HTTP API in front: that favours the peer.
 */
export async function measurePeer(
  ctx: SectionContext,
  stack: Stack,
  shape: LoadShape,
  cpu: CpuSampler,
): Promise<PeerResult> {
  ctx.phase('peer: tables and worker');
  const db = createPool(stack.databaseUrl);
  const accountId = `peer-${Date.now().toString(36)}`;
  try {
    await createPeerTables(db);
    const worker = await stack.startBenchWorker('peer', './peer-workflow', createPeerActivities(db));
    try {
      const { workflowIds, ...measured } = await measureSignalRate(ctx, stack, shape, cpu, {
        label: 'peer',
        taskQueue: worker.taskQueue,
        workflowType: 'peerContactWorkflow',
        args: [shape.interactionsPerContact],
        signal: peerInteractionSignal,
        signalArgs: (workflowId): [PeerInteraction] => {
          const { id, type, occurredAt } = anEmailOpened();
          return [{ accountId, contactId: workflowId, id, type, occurredAt }];
        },
      });
      ctx.phase('peer: checking scores and reading sample histories');
      const { rows } = await db.query<{ sum: number }>(
        'SELECT COALESCE(sum(score), 0)::int AS sum FROM bench_peer_scores WHERE account_id = $1',
        [accountId],
      );
      const step = Math.max(1, Math.floor(workflowIds.length / 20));
      const history = await profileHistories(
        stack.temporal,
        workflowIds.filter((_, i) => i % step === 0).slice(0, 20),
      );
      return {
        ...measured,
        interactionsPerSecond: round(measured.calls / measured.settledSeconds),
        check: { scoreSum: rows[0]!.sum, ok: rows[0]!.sum === measured.calls },
        history,
      };
    } finally {
      await worker.stop();
    }
  } finally {
    await db.end();
  }
}
