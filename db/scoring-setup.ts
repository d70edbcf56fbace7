import type { Trigger } from '../domain/trigger';
import type { LiveProfile } from '../domain/score-computation';
import { LIVE_PROFILE_ORDER, LIVE_PROFILES_SQL, toLiveProfile, type LiveProfileRow } from './profiles';
import type { Queryable } from './pool';
import { groupByContact, queryFirst } from './query';
import { SCORE_ROWS_OF_SQL, type ScoreRow } from './scores';
import { TRIGGER_DEFINITIONS_SQL, TRIGGER_ORDER } from './triggers';

export interface ScoringSetup {
  profiles: LiveProfile[];
  /** Empty while no profile is live: nothing can fire. */
  triggers: Trigger[];
}

/**
 * What every scoring pass and every scoring at ingest reads first, in one round trip instead of
 * two: on this machine a statement costs about half a core-millisecond between Postgres and this
 * process, a good part of what an interaction scored at ingest costs in all.
 */
export async function readScoringSetup(db: Queryable, accountId: string): Promise<ScoringSetup> {
  return (await readSetup(db, accountId)).setup;
}

/** readScoringSetup and the contacts' score rows (db/scores.ts), in the same round trip. */
export async function readScoringSetupAndScores(
  db: Queryable,
  accountId: string,
  contactIds: readonly string[],
): Promise<{ setup: ScoringSetup; scores: Map<string, ScoreRow[]> }> {
  const { setup, scores } = await readSetup(db, accountId, contactIds);
  return { setup, scores: groupByContact(scores ?? []) };
}

async function readSetup(db: Queryable, accountId: string, contactIds?: readonly string[]) {
  const row = await queryFirst<{
    profiles: LiveProfileRow[];
    triggers: Trigger[];
    scores?: (ScoreRow & { contactId: string })[];
  }>(
    db,
    `SELECT (SELECT coalesce(json_agg(p ORDER BY ${LIVE_PROFILE_ORDER}), '[]') FROM (${LIVE_PROFILES_SQL}) p) AS profiles,
            (SELECT coalesce(json_agg(t.definition ORDER BY ${TRIGGER_ORDER}), '[]') FROM (${TRIGGER_DEFINITIONS_SQL}) t) AS triggers
            ${contactIds ? `, (SELECT coalesce(json_agg(s), '[]') FROM (${SCORE_ROWS_OF_SQL}) s) AS scores` : ''}`,
    contactIds ? [accountId, contactIds] : [accountId],
  );
  const profiles = row!.profiles.map(toLiveProfile);
  const setup = { profiles, triggers: profiles.length > 0 ? row!.triggers : [] };
  return { setup, scores: row!.scores };
}
