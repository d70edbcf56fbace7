import { runWrites } from '../db/combined-writes';
import { markDndAll } from '../db/contacts';
import { claimPendingOf } from '../db/interactions';
import type { Queryable } from '../db/pool';
import { readRuleHistory } from '../db/rule-history';
import {
  ledgerWrite,
  readScoreRowsOf,
  scoredAtIngestWrite,
  scoresWrite,
  type ContactLedgerChanges,
  type ContactScores,
} from '../db/scores';
import { readScoringSetupAndScores } from '../db/scoring-setup';
import { ingestSteps, mayFire } from '../domain/ingest-wake';
import { computeScoreChanges, SCORE_ADJUSTMENT_TYPE } from '../domain/score-computation';
import { rescoreContacts } from './rescore';

class LeaveToWorkflow extends Error {}

/** As many as one scoring pass takes: a contact with more waiting is left to its workflow. */
const MAX_CLAIMED = 1_000;

/**
 * SCORE_AT_INGEST: applies what the contacts' inboxes hold inside the ingest's transaction, the
 * way a scoring pass does (same rules, same ledger, same lock: the caller holds the contacts FOR
 * UPDATE), so the score is visible when the request is answered and a contact's workflow is
 * signalled only when it has something to do that scoring cannot: start an automation (judged by
 * `mayFire`, without the workflow's trigger state, so never a miss), tell automations about
 * do-not-disturb, apply a manual adjustment (it waits in its workflow for the outcome) or what is
 * past one pass's batch; the others' workflows are refreshed later (the reconciler, once
 * `refreshAfterSeconds` have passed). Answers the contacts to signal now. Throws when it cannot
 * score (a value Postgres refuses, say): the caller undoes what it wrote and leaves the
 * interactions, stored, to every contact's workflow (db/ingest.ts).
 *
 * The scoring pass's steps (bring to the live versions, claim, score, ledger, save) for every
 * contact of the request at once: a statement per step (the writes share one), not per contact,
 * so a bulk request of 1,000 contacts costs about what one contact does.
 */
export async function scoreAtIngest(
  tx: Queryable,
  accountId: string,
  contactIds: readonly string[],
  { refreshAfterSeconds }: { refreshAfterSeconds: number },
): Promise<string[]> {
  const {
    setup: { profiles, triggers },
    scores: rowsBefore,
  } = await readScoringSetupAndScores(tx, accountId, contactIds);
  let rescored = false;
  for (const profile of profiles) {
    const behind = contactIds.filter(
      (c) =>
        (rowsBefore.get(c)?.find((r) => r.profileId === profile.profileId)?.version ?? 0) < profile.version,
    );
    if (behind.length === 0) continue;
    await rescoreContacts(tx, accountId, profile, behind);
    rescored = true;
  }
  const claimed = await claimPendingOf(tx, accountId, contactIds);
  for (const list of claimed.values()) {
    // A backlog is its workflow's, batch by batch; an adjustment's update waits there for its pass.
    if (list.length > MAX_CLAIMED || list.some((i) => i.type === SCORE_ADJUSTMENT_TYPE))
      throw new LeaveToWorkflow();
  }
  const scored = [...claimed.keys()];
  const current = rescored ? await readScoreRowsOf(tx, accountId, scored) : rowsBefore;
  const capped = profiles.some((p) => p.rules.some((r) => r.maxCount !== undefined));
  const ledger: ContactLedgerChanges[] = [];
  const scores: ContactScores[] = [];
  const wakeNow: string[] = [];
  for (const contactId of scored) {
    const list = claimed.get(contactId)!;
    const now = new Map((current.get(contactId) ?? []).map((r) => [r.profileId, r.score]));
    const history = capped ? await readRuleHistory(tx, accountId, contactId, profiles) : undefined;
    const computed = computeScoreChanges(profiles, now, list, history);
    ledger.push({ contactId, changes: computed.changes });
    scores.push({ contactId, scores: computed.scores });
    const dnd = list.some((i) => i.type === 'dnd_all_enabled');
    if (dnd) await markDndAll(tx, accountId, contactId);
    const scoredBefore = new Set((rowsBefore.get(contactId) ?? []).map((r) => r.profileId));
    if (dnd || mayFire(triggers, ingestSteps(computed.changes, scoredBefore))) wakeNow.push(contactId);
  }
  const woken = new Set(wakeNow);
  // The ledger, the scores and the contacts' bookkeeping: three tables, one round trip.
  await runWrites(tx, accountId, [
    ledgerWrite(ledger),
    scoresWrite(scores),
    scoredAtIngestWrite(
      scored.map((contactId) => ({
        contactId,
        applied: claimed.get(contactId)!.length,
        refresh: !woken.has(contactId),
      })),
      refreshAfterSeconds,
    ),
  ]);
  return wakeNow;
}
