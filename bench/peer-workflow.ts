import { condition, defineSignal, proxyActivities, setHandler } from '@temporalio/workflow';

/** One interaction as the textbook design sends it: the whole event in the signal. */
export interface PeerInteraction {
  accountId: string;
  contactId: string;
  id: string;
  type: string;
  occurredAt: string;
}

export const peerInteractionSignal = defineSignal<[PeerInteraction]>('peerInteraction');

/** Applies one interaction to Postgres (bench/peer-activities.ts). */
export interface PeerActivities {
  applyPeerInteraction(interaction: PeerInteraction): Promise<number>;
}

const { applyPeerInteraction } = proxyActivities<PeerActivities>({ startToCloseTimeout: '30 seconds' });

/**
 * The peer of the ingest benchmark: the design a user builds by following the Temporal samples
 * (an entity workflow per contact, one signalWithStart per interaction, one activity per signal
 * that writes to Postgres, signals handled in arrival order, nothing coalesced). It completes
 * after the number of interactions the benchmark sends it, which is how "applied" is observed.
 */
export async function peerContactWorkflow(expected: number): Promise<number> {
  const queue: PeerInteraction[] = [];
  let applied = 0;
  setHandler(peerInteractionSignal, (interaction) => {
    queue.push(interaction);
  });
  while (applied < expected) {
    await condition(() => queue.length > 0);
    await applyPeerInteraction(queue.shift()!);
    applied += 1;
  }
  return applied;
}
