import type { Queryable } from '../db/pool';
import { readAppliedInteractions } from '../db/rescore';
import { runWrites } from '../db/combined-writes';
import {
  hasLedgerRowsOfVersion,
  ledgerWrite,
  scoresWrite,
  type ContactLedgerChanges,
  type ContactScores,
} from '../db/scores';
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
  if (contactIds.length === 0) return new Map();
  const interactionsByContact = await readAppliedInteractions(tx, accountId, contactIds);
  const scores = new Map<string, number>();
  const ledger: ContactLedgerChanges[] = [];
  const rows: ContactScores[] = [];
  for (const contactId of contactIds) {
    const {
      scores: [score],
      changes,
    } = computeScoreChanges([profile], new Map(), interactionsByContact.get(contactId) ?? []);
    ledger.push({ contactId, changes });
    rows.push({ contactId, scores: [score!] });
    scores.set(contactId, score!.score);
  }
  // Two round trips per page, not two per contact: the page's round trips were most of its time.
  // Rows of this version are there only if an earlier write was not followed by its score (none
  // is, today); one look per page lets the insert skip its per-row conflict check otherwise.
  const unseen = !(await hasLedgerRowsOfVersion(tx, accountId, profile, contactIds));
  await runWrites(tx, accountId, [ledgerWrite(ledger, { rescore: true, unseen }), scoresWrite(rows)]);
  return scores;
}
