import type { Rule } from './rule';
import { scoreInteraction, type RuleHit, type ScorableInteraction } from './rule-matching';

/**
 * Points given by a person (API) or an automation ("modify engagement score") rather than a rule.
 * Stored as an interaction of this type so it is applied, deduplicated and ledgered like any other.
 */
export const SCORE_ADJUSTMENT_TYPE = 'score_adjustment';
export const ADJUSTMENT_RULE_ID = 'adjustment';

function hitsFor(profile: LiveProfile, interaction: ScorableInteraction): RuleHit[] {
  if (interaction.type !== SCORE_ADJUSTMENT_TYPE) return scoreInteraction(profile.rules, interaction);
  const { profileId, points } = interaction.attributes;
  return profileId === profile.profileId && typeof points === 'number' && Number.isInteger(points) && points !== 0
    ? [{ ruleId: ADJUSTMENT_RULE_ID, points }]
    : [];
}

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

/** A profile's score before and after one applied batch; only real changes are listed. */
export interface ScoreChange {
  profileId: string;
  before: number;
  after: number;
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
): { scores: ProfileScore[]; changes: LedgerChange[]; scoreChanges: ScoreChange[] } {
  const changes: LedgerChange[] = [];
  const scoreChanges: ScoreChange[] = [];
  const scores = profiles.map((profile) => {
    let score = current.get(profile.profileId) ?? 0;
    for (const interaction of interactions) {
      for (const hit of hitsFor(profile, interaction)) {
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
    const before = current.get(profile.profileId) ?? 0;
    if (score !== before) scoreChanges.push({ profileId: profile.profileId, before, after: score });
    return { profileId: profile.profileId, isDefault: profile.isDefault, version: profile.version, score };
  });
  return { scores, changes, scoreChanges };
}
