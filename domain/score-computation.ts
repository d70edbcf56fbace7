import type { Rule } from './rule';
import { scoreInteraction, type ScorableInteraction } from './rule-matching';

export interface LiveProfile {
  isDefault: boolean;
  profileId: string;
  version: number;
  rules: Rule[];
}

export interface ProfileScore {
  isDefault: boolean;
  profileId: string;
  version: number;
  score: number;
}

export interface LedgerChange {
  profileId: string;
  profileVersion: number;
  interactionId: string;
  ruleId: string;
  delta: number;
  scoreAfter: number;
}

/**
 * Applies interactions, in the order given, to every live profile. Pure: the caller decides
 * what is current and persists the result, so the same function serves live scoring and tests.
 */
export function computeScoreChanges(
  profiles: readonly LiveProfile[],
  current: ReadonlyMap<string, number>,
  interactions: readonly ScorableInteraction[],
): { scores: ProfileScore[]; changes: LedgerChange[] } {
  const changes: LedgerChange[] = [];
  const scores = profiles.map((profile) => {
    let score = current.get(profile.profileId) ?? 0;
    for (const interaction of interactions) {
      for (const hit of scoreInteraction(profile.rules, interaction)) {
        score += hit.points;
        changes.push({
          profileId: profile.profileId,
          profileVersion: profile.version,
          interactionId: interaction.id,
          ruleId: hit.ruleId,
          delta: hit.points,
          scoreAfter: score,
        });
      }
    }
    return { profileId: profile.profileId, isDefault: profile.isDefault, version: profile.version, score };
  });
  return { scores, changes };
}
