import { lapseChanges, readDuePoints, readNextExpiry } from '../db/expiry';
import { listLiveProfiles } from '../db/profiles';
import { withTransaction, type Db } from '../db/pool';
import { appendLedger, lockContact, readCurrentScores, saveScores } from '../db/scores';
import { listTriggerDefinitions } from '../db/triggers';
import type { ScoreChange } from '../domain/score-computation';
import type { ApplyScoringResult, ExpirePointsInput } from '../domain/scoring-messages';
import { readLedgerPath } from '../db/ledger-path';

/**
 * Takes back the points whose time is up (rules with expiresAfterDays), as ledger rows, in one
 * transaction. Run by the contact's workflow when its expiry timer fires; a retry finds the
 * lapse rows already there and changes nothing.
 */
export function createExpirePoints(db: Db) {
  return async function expirePoints(input: ExpirePointsInput): Promise<ApplyScoringResult> {
    const { accountId, contactId } = input;
    return withTransaction(db, async (tx) => {
      const exists = await lockContact(tx, accountId, contactId);
      const profiles = exists ? await listLiveProfiles(tx, accountId) : [];
      const before = await readCurrentScores(tx, accountId, contactId);
      const after = new Map(before);
      const due = exists ? await readDuePoints(tx, accountId, contactId, new Date(input.asOf)) : [];
      const bounds = new Map(profiles.map((p) => [p.profileId, { floor: p.floor, ceiling: p.ceiling }]));
      const changes = lapseChanges(due, after, bounds);
      await appendLedger(tx, accountId, contactId, changes);
      const scores = profiles.map((p) => ({
        profileId: p.profileId,
        isDefault: p.isDefault,
        version: p.version,
        score: after.get(p.profileId) ?? 0,
      }));
      await saveScores(tx, accountId, contactId, scores);
      const scoreChanges: ScoreChange[] = profiles
        .filter((p) => (before.get(p.profileId) ?? 0) !== (after.get(p.profileId) ?? 0))
        .map((p) => ({
          profileId: p.profileId,
          before: before.get(p.profileId) ?? 0,
          after: after.get(p.profileId) ?? 0,
        }));
      return {
        contactExists: exists,
        applied: 0,
        remaining: false,
        scores,
        recentChanges: changes.slice(-20),
        changeCount: changes.length,
        scoreChanges,
        triggers: profiles.length > 0 ? await listTriggerDefinitions(tx, accountId) : [],
        dndAllEnabled: false,
        appliedAdjustmentIds: [],
        nextExpiryAt: exists ? await readNextExpiry(tx, accountId, contactId) : null,
        ...(exists &&
          input.ledgerCursor !== undefined && {
            ledger: await readLedgerPath(tx, accountId, contactId, input.ledgerCursor),
          }),
      };
    });
  };
}
