import { markDndAll } from '../db/contacts';
import { claimPendingOf } from '../db/interactions';
import type { Queryable } from '../db/pool';
import { listLiveProfiles } from '../db/profiles';
import { readRuleHistory } from '../db/rule-history';
import {
  addAppliedCounts,
  appendLedger,
  readScoreRowsOf,
  saveScores,
  type ContactLedgerChanges,
  type ContactScores,
} from '../db/scores';
import { listTriggerDefinitions } from '../db/triggers';
import { ingestSteps, mayFire } from '../domain/ingest-wake';
import { computeScoreChanges, SCORE_ADJUSTMENT_TYPE } from '../domain/score-computation';
import { rescoreContacts } from './rescore';

/** As many as one scoring pass takes: a contact with more waiting is left to its workflow. */
const MAX_CLAIMED = 1_000;

/** What scoring at ingest left for the contact workflows. */
export interface IngestScoring {
  /** Signal these now: a trigger may fire, do-not-disturb arrived, or the inbox is theirs to apply. */
  wakeNow: string[];
  /** Scored, and nothing for the workflow to do at once: refresh these later (deferRefresh). */
  refreshLater: string[];
}

/**
 * SCORE_AT_INGEST: applies what the contacts' inboxes hold inside the ingest's transaction, the
 * way a scoring pass does (same rules, same ledger, same lock: the caller holds the contacts FOR
 * UPDATE), so the score is visible when the request is answered and a contact's workflow is
 * signalled only when it has something to do that scoring cannot: start an automation (judged by
 * `mayFire`, without the workflow's trigger state, so never a miss), tell automations about
 * do-not-disturb, apply a manual adjustment (it waits in its workflow for the outcome) or what is
 * past one pass's batch. If scoring fails for any reason (a value Postgres refuses, say), it is
 * rolled back to before it began: the interactions stay stored and every contact's workflow
 * applies them as without this option, setting aside what it must.
 */
export async function scoreAtIngest(
  tx: Queryable,
  accountId: string,
  contactIds: readonly string[],
): Promise<IngestScoring> {
  await tx.query('SAVEPOINT score_at_ingest');
  try {
    const result = await scoreContacts(tx, accountId, contactIds);
    await tx.query('RELEASE SAVEPOINT score_at_ingest');
    return result;
  } catch {
    // A broken connection fails this too, and the whole ingest with it: nothing is half-written.
    await tx.query('ROLLBACK TO SAVEPOINT score_at_ingest');
    return { wakeNow: [...contactIds], refreshLater: [] };
  }
}

class LeaveToWorkflow extends Error {}

/**
 * The scoring pass's steps (bring to the live versions, claim, score, ledger, save) for every
 * contact of the request at once: a statement per step, not per contact, so a bulk request of
 * 1,000 contacts costs about what one contact does.
 */
async function scoreContacts(
  tx: Queryable,
  accountId: string,
  contactIds: readonly string[],
): Promise<IngestScoring> {
  const profiles = await listLiveProfiles(tx, accountId);
  const triggers = profiles.length > 0 ? await listTriggerDefinitions(tx, accountId) : [];
  const rowsBefore = await readScoreRowsOf(tx, accountId, contactIds);
  for (const profile of profiles) {
    const behind = contactIds.filter(
      (c) =>
        (rowsBefore.get(c)?.find((r) => r.profileId === profile.profileId)?.version ?? 0) < profile.version,
    );
    if (behind.length > 0) await rescoreContacts(tx, accountId, profile, behind);
  }
  const claimed = await claimPendingOf(tx, accountId, contactIds);
  for (const list of claimed.values()) {
    // A backlog is its workflow's, batch by batch; an adjustment's update waits there for its pass.
    if (list.length > MAX_CLAIMED || list.some((i) => i.type === SCORE_ADJUSTMENT_TYPE))
      throw new LeaveToWorkflow();
  }
  await addAppliedCounts(tx, accountId, new Map([...claimed].map(([c, list]) => [c, list.length])));
  const scored = [...claimed.keys()];
  const current = await readScoreRowsOf(tx, accountId, scored);
  const capped = profiles.some((p) => p.rules.some((r) => r.maxCount !== undefined));
  const ledger: ContactLedgerChanges[] = [];
  const scores: ContactScores[] = [];
  const result: IngestScoring = { wakeNow: [], refreshLater: [] };
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
    if (dnd || mayFire(triggers, ingestSteps(computed.changes, scoredBefore))) result.wakeNow.push(contactId);
    else result.refreshLater.push(contactId);
  }
  await appendLedger(tx, accountId, ledger);
  await saveScores(tx, accountId, scores);
  return result;
}
