import type { Queryable } from '../db/pool';
import { readAppliedInteractions } from '../db/rescore';
import { appendLedger, saveScores } from '../db/scores';
import { computeScoreChanges, type LiveProfile } from '../domain/score-computation';

/**
 * Recomputes the contacts' scores under one profile version from their applied interactions and
 * writes ledger rows tagged with that version. The caller holds the contacts' row locks, so no
 * interaction is applied meanwhile; rows already in the ledger (a retry) are kept, not doubled.
 */
export async function rescoreContacts(
  tx: Queryable,
  accountId: string,
  profile: LiveProfile,
  contactIds: readonly string[],
): Promise<Map<string, number>> {
  const interactionsByContact = await readAppliedInteractions(tx, accountId, contactIds);
  const scores = new Map<string, number>();
  for (const contactId of contactIds) {
    const {
      scores: [score],
      changes,
    } = computeScoreChanges([profile], new Map(), interactionsByContact.get(contactId) ?? []);
    await appendLedger(tx, accountId, contactId, changes, { rescore: true });
    await saveScores(tx, accountId, contactId, [score!]);
    scores.set(contactId, score!.score);
  }
  return scores;
}
