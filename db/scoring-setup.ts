import type { Trigger } from '../domain/trigger';
import type { LiveProfile } from '../domain/score-computation';
import { LIVE_PROFILE_ORDER, LIVE_PROFILES_SQL, toLiveProfile, type LiveProfileRow } from './profiles';
import type { Queryable } from './pool';
import { queryFirst } from './query';
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
  const row = await queryFirst<{ profiles: LiveProfileRow[]; triggers: Trigger[] }>(
    db,
    `SELECT (SELECT coalesce(json_agg(p ORDER BY ${LIVE_PROFILE_ORDER}), '[]') FROM (${LIVE_PROFILES_SQL}) p) AS profiles,
            (SELECT coalesce(json_agg(t.definition ORDER BY ${TRIGGER_ORDER}), '[]') FROM (${TRIGGER_DEFINITIONS_SQL}) t) AS triggers`,
    [accountId],
  );
  const profiles = row!.profiles.map(toLiveProfile);
  return { profiles, triggers: profiles.length > 0 ? row!.triggers : [] };
}
