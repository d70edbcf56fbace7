import type { Db } from '../../db/pool';
import type { ProfileRecord } from '../../db/profiles';
import { forEachSimulationPage } from '../../db/simulation';
import { listTriggerDefinitions } from '../../db/triggers';
import type { LiveProfile } from '../../domain/score-computation';
import {
  DEFAULT_TOP,
  SimulationAccumulator,
  simulateContactScore,
  type SimulationSummary,
} from '../../domain/simulation';

/** The draft as the profile it would become if published now. */
export function draftAsLiveProfile(profile: ProfileRecord): LiveProfile {
  return {
    profileId: profile.id,
    isDefault: profile.isDefault,
    version: (profile.liveVersion ?? 0) + 1,
    rules: profile.draftRules,
    ...(profile.floor !== null && { floor: profile.floor }),
    ...(profile.ceiling !== null && { ceiling: profile.ceiling }),
  };
}

export interface DraftSimulation extends SimulationSummary {
  profileId: string;
  /** The live version the draft is compared with (null: never published, every score empty). */
  liveVersion: number | null;
}

/**
 * Scores every contact of the account under the profile's draft, from its applied interactions,
 * and compares with the live scores. Reads only (in a read-only transaction): nothing is written.
 */
export async function simulateDraft(
  db: Db,
  accountId: string,
  profile: ProfileRecord,
  options: { binWidth?: number | undefined; top?: number | undefined } = {},
): Promise<DraftSimulation> {
  const draft = draftAsLiveProfile(profile);
  const triggers = (await listTriggerDefinitions(db, accountId)).filter((t) => t.profileId === profile.id);
  const summary = new SimulationAccumulator(triggers, options.top ?? DEFAULT_TOP);
  await forEachSimulationPage(db, accountId, profile.id, (contacts) => {
    for (const contact of contacts) {
      const current = profile.liveVersion === null ? null : (contact.storedScore ?? 0);
      summary.add(contact.contactId, current, simulateContactScore(draft, contact.interactions));
    }
  });
  return { profileId: profile.id, liveVersion: profile.liveVersion, ...summary.summary(options.binWidth) };
}
