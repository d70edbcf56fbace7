import { claimInteractions, lockUnappliedIds, setInteractionAside } from '../db/interactions';
import type { StoredInteraction } from '../db/interactions';
import { runWrites } from '../db/combined-writes';
import { markDndAll } from '../db/contacts';
import { readDuePoints, readNextExpiry } from '../db/expiry';
import { readLedgerEnd, readLedgerPath } from '../db/ledger-path';
import { isPermanentDataError, permanentErrorReason } from '../db/permanent-error';
import { withTransaction, type Db, type Queryable } from '../db/pool';
import { readRuleHistory } from '../db/rule-history';
import { readScoringSetup } from '../db/scoring-setup';
import { readLedgerReadTo, recordLedgerRead, recordRunStart, type RunStart } from '../db/scoring-runs';
import { clearWakeRequest } from '../db/wake-requests';
import { contactWorkflowId } from '../domain/ids';
import { readAutomationActionKeys } from '../db/action-log';
import { automationActionKeyPrefix, firesRecordedIn } from '../domain/automation-ids';
import {
  addAppliedCount,
  ledgerWrite,
  lockContactForScoring,
  readCurrentScores,
  readScoreRows,
  scoresWrite,
} from '../db/scores';
import { lapseChanges } from '../domain/point-expiry';
import {
  computeScoreChanges,
  SCORE_ADJUSTMENT_TYPE,
  type LedgerChange,
  type LiveProfile,
  type ProfileScore,
} from '../domain/score-computation';
import type {
  ApplyScoringInput,
  ExpirePointsInput,
  ScoringPassInput,
  ScoringPassResult,
  SetAsideItem,
} from '../domain/scoring-messages';
import { rescoreContacts } from './rescore';

const RECENT_CHANGES_RETURNED = 20;

/** What a pass does between "lock the contact, bring it to the live versions" and "report". */
interface PassWork {
  changes: LedgerChange[];
  claimed: StoredInteraction[];
  setAside: SetAsideItem[];
  /** Interactions looked at: claimed or set aside. A full batch means more may be waiting. */
  taken: number;
}

/**
 * Every scoring pass of a contact workflow, in one transaction that holds the contact's lock:
 * apply what the inbox holds (`applyScoringRules`) or take back points whose time is up
 * (`expirePoints`). Both first bring the contact to the live profile versions (a publish it has
 * not been re-scored for) and both report the same way: scores, the ledger path since the
 * workflow's cursor (a batch whose completion was lost is still in it), triggers, next expiry.
 * A retry after a commit finds nothing left to do; a retry after a rollback starts clean.
 */
export function createScoringPasses(db: Db) {
  return {
    async applyScoringRules(input: ApplyScoringInput): Promise<ScoringPassResult> {
      try {
        return await withTransaction(db, (tx) =>
          scoringPass(tx, input, (profiles) => applyBatch(tx, input, profiles)),
        );
      } catch (err) {
        if (!isPermanentDataError(err)) throw err;
        // Postgres refuses something this batch produces, and will on every retry: apply the
        // batch one interaction at a time and set aside each one it refuses.
        return withTransaction(db, (tx) =>
          scoringPass(tx, input, (profiles) => applyOneByOne(tx, input, profiles)),
        );
      }
    },
    async expirePoints(input: ExpirePointsInput): Promise<ScoringPassResult> {
      return withTransaction(db, (tx) =>
        scoringPass(tx, input, (profiles) => lapseDuePoints(tx, input, profiles)),
      );
    },
  };
}

async function scoringPass(
  tx: Queryable,
  input: ScoringPassInput,
  work: (profiles: LiveProfile[]) => Promise<PassWork>,
): Promise<ScoringPassResult> {
  const { accountId, contactId } = input;
  const appliedBefore = await lockContactForScoring(tx, accountId, contactId);
  if (appliedBefore === null) return contactGone();
  // Triggers with the profiles: the workflow measures changes from its own last scores, which
  // may differ from ours, so it gets them on every pass.
  const { profiles, triggers } = await readScoringSetup(tx, accountId);
  // Before anything is written: where this run starts, if it has not seen the ledger yet.
  const runStart =
    input.ledgerCursor === null
      ? await recordRunStart(tx, accountId, contactId, input.runId, async () => ({
          ...(await readRunStart(tx, input, profiles)),
          firesRecorded: await readFiresRecorded(tx, accountId, contactId),
        }))
      : undefined;
  await bringToLiveVersions(tx, input, profiles);
  const done = await work(profiles);
  const scores = await readLiveScores(tx, input, profiles);
  const ledger = await readLedgerPath(tx, accountId, contactId, runStart?.cursor ?? input.ledgerCursor!);
  await recordLedgerRead(tx, accountId, contactId, ledger.cursor);
  return {
    contactExists: true,
    applied: done.claimed.length,
    appliedTotal: appliedBefore + done.claimed.length,
    remaining: 'maxInteractions' in input && done.taken === input.maxInteractions,
    scores,
    recentChanges: done.changes.slice(-RECENT_CHANGES_RETURNED),
    triggers,
    dndAllEnabled: done.claimed.some((i) => i.type === 'dnd_all_enabled'),
    appliedAdjustmentIds: done.claimed.filter((i) => i.type === SCORE_ADJUSTMENT_TYPE).map((i) => i.id),
    setAside: done.setAside,
    nextExpiryAt: await readNextExpiry(tx, accountId, contactId),
    ledger,
    ...(runStart && {
      runStartScores: runStart.scores,
      firesRecorded: runStart.firesRecorded ?? (await readFiresRecorded(tx, accountId, contactId)),
    }),
  };
}

/** A run that has not seen the ledger may have lost its fire counts (Terminate, Reset): read them back. */
async function readFiresRecorded(tx: Queryable, accountId: string, contactId: string) {
  const workflowId = contactWorkflowId(accountId, contactId);
  const keys = await readAutomationActionKeys(
    tx,
    accountId,
    contactId,
    automationActionKeyPrefix(workflowId),
  );
  return firesRecordedIn(workflowId, keys);
}

/** A profile published since this contact was last scored (or before it ever was): re-score it first. */
async function bringToLiveVersions(tx: Queryable, input: ScoringPassInput, profiles: LiveProfile[]) {
  if (profiles.length === 0) return;
  const rows = await readScoreRows(tx, input.accountId, input.contactId);
  const versions = new Map(rows.map((r) => [r.profileId, r.version]));
  for (const profile of profiles) {
    if ((versions.get(profile.profileId) ?? 0) < profile.version)
      await rescoreContacts(tx, input.accountId, profile, [input.contactId]);
  }
}

async function applyBatch(
  tx: Queryable,
  input: ApplyScoringInput,
  profiles: LiveProfile[],
): Promise<PassWork> {
  const claimed = await claimInteractions(tx, input.accountId, input.contactId, {
    limit: input.maxInteractions,
  });
  await wakeAnswered(tx, input, claimed.length);
  return { claimed, changes: await score(tx, input, profiles, claimed), setAside: [], taken: claimed.length };
}

/** The batch one at a time, each under a savepoint: a refused one is rolled back and set aside. */
async function applyOneByOne(
  tx: Queryable,
  input: ApplyScoringInput,
  profiles: LiveProfile[],
): Promise<PassWork> {
  const ids = await lockUnappliedIds(tx, input.accountId, input.contactId, input.maxInteractions);
  await wakeAnswered(tx, input, ids.length);
  const work: PassWork = { changes: [], claimed: [], setAside: [], taken: ids.length };
  for (const id of ids) {
    await tx.query('SAVEPOINT one_interaction');
    try {
      const claimed = await claimInteractions(tx, input.accountId, input.contactId, { id });
      work.changes.push(...(await score(tx, input, profiles, claimed)));
      work.claimed.push(...claimed);
      await tx.query('RELEASE SAVEPOINT one_interaction');
    } catch (err) {
      if (!isPermanentDataError(err)) throw err;
      await tx.query('ROLLBACK TO SAVEPOINT one_interaction');
      work.setAside.push(
        await setInteractionAside(tx, input.accountId, input.contactId, id, permanentErrorReason(err)),
      );
    }
  }
  return work;
}

/**
 * The pass took the whole inbox: the contact's wake-up mark is cleared in the claiming transaction,
 * so the next ingest signals (db/wake-requests.ts). A full batch may have left work behind: the mark
 * stays, and the workflow runs another pass anyway (`remaining`).
 */
async function wakeAnswered(tx: Queryable, input: ApplyScoringInput, taken: number): Promise<void> {
  if (taken < input.maxInteractions) await clearWakeRequest(tx, input.accountId, input.contactId);
}

/** Scores claimed interactions under the live versions and writes their effects. */
async function score(
  tx: Queryable,
  input: ScoringPassInput,
  profiles: LiveProfile[],
  claimed: StoredInteraction[],
): Promise<LedgerChange[]> {
  const { accountId, contactId } = input;
  await addAppliedCount(tx, accountId, contactId, claimed.length);
  if (claimed.length === 0) return [];
  const current = await readCurrentScores(tx, accountId, contactId);
  const history = await readRuleHistory(tx, accountId, contactId, profiles);
  const { scores, changes } = computeScoreChanges(profiles, current, claimed, history);
  await runWrites(tx, accountId, [
    ledgerWrite([{ contactId, changes }]),
    scoresWrite([{ contactId, scores }]),
  ]);
  // Do-not-disturb is a fact about the contact, not only points: actions check it before sending.
  if (claimed.some((i) => i.type === 'dnd_all_enabled')) await markDndAll(tx, accountId, contactId);
  return changes;
}

/** Takes back the points whose time is up (rules with expiresAfterDays), as ledger rows. */
async function lapseDuePoints(
  tx: Queryable,
  input: ExpirePointsInput,
  profiles: LiveProfile[],
): Promise<PassWork> {
  const { accountId, contactId } = input;
  const due = await readDuePoints(tx, accountId, contactId, new Date(input.asOf));
  const current = await readCurrentScores(tx, accountId, contactId);
  const bounds = new Map(profiles.map((p) => [p.profileId, { floor: p.floor, ceiling: p.ceiling }]));
  const changes = lapseChanges(due, current, bounds);
  const scores = profiles.map((p) => ({
    profileId: p.profileId,
    isDefault: p.isDefault,
    version: p.version,
    score: current.get(p.profileId) ?? 0,
  }));
  await runWrites(tx, accountId, [
    ledgerWrite([{ contactId, changes }]),
    scoresWrite([{ contactId, scores }]),
  ]);
  return { changes, claimed: [], setAside: [], taken: 0 };
}

async function readLiveScores(
  tx: Queryable,
  input: ScoringPassInput,
  profiles: LiveProfile[],
): Promise<ProfileScore[]> {
  const rows = new Map(
    (await readScoreRows(tx, input.accountId, input.contactId)).map((r) => [r.profileId, r]),
  );
  return profiles.map((p) => ({
    profileId: p.profileId,
    isDefault: p.isDefault,
    version: p.version,
    score: rows.get(p.profileId)?.score ?? 0,
  }));
}

/**
 * Where a run without carried state starts: after the last ledger row any pass reported to a
 * workflow, so what no workflow has seen yet (scored at ingest before this run existed) still
 * reaches its triggers, and what an earlier run saw is not walked twice. With nothing unseen it
 * starts from the current scores; otherwise from none, and the ledger's own "before" figures
 * give each step its start (domain/ledger-path.ts).
 */
async function readRunStart(
  tx: Queryable,
  input: ScoringPassInput,
  profiles: LiveProfile[],
): Promise<RunStart> {
  const end = await readLedgerEnd(tx, input.accountId, input.contactId);
  const readTo = (await readLedgerReadTo(tx, input.accountId, input.contactId)) ?? '0';
  if (BigInt(readTo) < BigInt(end)) return { cursor: readTo, scores: [] };
  const rows = await readScoreRows(tx, input.accountId, input.contactId);
  const defaults = new Set(profiles.filter((p) => p.isDefault).map((p) => p.profileId));
  return { cursor: end, scores: rows.map((r) => ({ ...r, isDefault: defaults.has(r.profileId) })) };
}

function contactGone(): ScoringPassResult {
  return {
    contactExists: false,
    applied: 0,
    appliedTotal: 0,
    remaining: false,
    scores: [],
    recentChanges: [],
    triggers: [],
    dndAllEnabled: false,
    appliedAdjustmentIds: [],
    setAside: [],
    nextExpiryAt: null,
    ledger: { cursor: '0', batches: [] },
  };
}
