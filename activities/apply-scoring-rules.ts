import { claimUnappliedInteractions } from '../db/interactions';
import { listLiveProfiles } from '../db/profiles';
import { withTransaction, type Db } from '../db/pool';
import {
  addAppliedCount,
  appendLedger,
  lockContactForScoring,
  readCurrentScores,
  saveScores,
} from '../db/scores';
import { listTriggerDefinitions } from '../db/triggers';
import { markDndAll } from '../db/contacts';
import { computeScoreChanges, SCORE_ADJUSTMENT_TYPE } from '../domain/score-computation';
import { readScoreVersions } from '../db/rescore';
import { readRuleHistory } from '../db/rule-history';
import { readNextExpiry } from '../db/expiry';
import { readLedgerPath } from '../db/ledger-path';
import { rescoreContacts } from './rescore';
import type { ApplyScoringInput, ApplyScoringResult } from '../domain/scoring-messages';

const RECENT_CHANGES_RETURNED = 20;

/**
 * Claims the contact's unapplied interactions, scores them under the live profile versions and
 * writes ledger and scores, all in one transaction. A retry after a commit finds nothing left to
 * claim and changes nothing; a retry after a rollback starts clean. What a lost completion did is
 * still reported: the ledger path since the workflow's cursor includes its batch.
 */
export function createApplyScoringRules(db: Db) {
  return async function applyScoringRules(input: ApplyScoringInput): Promise<ApplyScoringResult> {
    const { accountId, contactId, maxInteractions } = input;
    return withTransaction(db, async (tx) => {
      const appliedBefore = await lockContactForScoring(tx, accountId, contactId);
      if (appliedBefore === null) {
        return {
          contactExists: false,
          applied: 0,
          remaining: false,
          scores: [],
          recentChanges: [],
          changeCount: 0,
          scoreChanges: [],
          triggers: [],
          dndAllEnabled: false,
          appliedAdjustmentIds: [],
        };
      }
      const profiles = await listLiveProfiles(tx, accountId);
      // A profile published since this contact was last scored (or before it ever was): bring the
      // score up to the live version from history first, so new points land on the right base.
      for (const profile of profiles) {
        const versions = await readScoreVersions(tx, accountId, profile.profileId, [contactId]);
        if ((versions.get(contactId) ?? 0) < profile.version)
          await rescoreContacts(tx, accountId, profile, [contactId]);
      }
      const interactions = await claimUnappliedInteractions(tx, accountId, contactId, maxInteractions);
      await addAppliedCount(tx, accountId, contactId, interactions.length);
      const current = await readCurrentScores(tx, accountId, contactId);
      const history = await readRuleHistory(tx, accountId, contactId, profiles);
      const { scores, changes, scoreChanges } = computeScoreChanges(profiles, current, interactions, history);
      await appendLedger(tx, accountId, contactId, changes);
      await saveScores(tx, accountId, contactId, scores);
      // Do-not-disturb is a fact about the contact, not only points: actions check it before sending.
      const dndAllEnabled = interactions.some((i) => i.type === 'dnd_all_enabled');
      if (dndAllEnabled) await markDndAll(tx, accountId, contactId);
      return {
        contactExists: true,
        applied: interactions.length,
        appliedTotal: appliedBefore + interactions.length,
        remaining: interactions.length === maxInteractions, // a first pass of 0 always asks for another
        scores,
        recentChanges: changes.slice(-RECENT_CHANGES_RETURNED),
        changeCount: changes.length,
        scoreChanges,
        // Always: the workflow measures changes from its own last scores, which may differ from ours.
        triggers: profiles.length > 0 ? await listTriggerDefinitions(tx, accountId) : [],
        dndAllEnabled,
        nextExpiryAt: await readNextExpiry(tx, accountId, contactId),
        appliedAdjustmentIds: interactions.filter((i) => i.type === SCORE_ADJUSTMENT_TYPE).map((i) => i.id),
        ...(input.ledgerCursor !== undefined && {
          ledger: await readLedgerPath(tx, accountId, contactId, input.ledgerCursor),
        }),
      };
    });
  };
}
