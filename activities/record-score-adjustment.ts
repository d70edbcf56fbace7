import { ApplicationFailure } from '@temporalio/activity';
import { insertInteractions, readInteractionState, type InteractionState } from '../db/interactions';
import { getProfile } from '../db/profiles';
import type { Db } from '../db/pool';
import { SCORE_ADJUSTMENT_TYPE } from '../domain/score-computation';
import type { ScoreAdjustmentRequest } from '../domain/scoring-messages';

/**
 * Stores an adjustment as an interaction keyed by its id, for the scoring loop to apply. A retry
 * stores nothing new; `state` tells the caller whether an earlier pass already applied it (or set
 * it aside, with `reason`), or it waits for the next pass.
 */
export function createRecordScoreAdjustment(db: Db) {
  return async function recordScoreAdjustment(
    input: ScoreAdjustmentRequest & { accountId: string; contactId: string },
  ): Promise<{ state: InteractionState; reason: string | null }> {
    const profile = await getProfile(db, input.accountId, input.profileId);
    if (!profile)
      throw ApplicationFailure.nonRetryable(`profile "${input.profileId}" does not exist`, 'ProfileNotFound');
    if (profile.liveVersion === null) {
      throw ApplicationFailure.nonRetryable(
        `profile "${input.profileId}" is not published`,
        'ProfileNotPublished',
      );
    }
    await insertInteractions(db, input.accountId, input.contactId, [
      {
        id: input.adjustmentId,
        type: SCORE_ADJUSTMENT_TYPE,
        occurredAt: new Date().toISOString(),
        attributes: {
          profileId: input.profileId,
          points: input.points,
          reason: input.reason,
          actor: input.actor,
        },
      },
    ]);
    const stored = await readInteractionState(db, input.accountId, input.contactId, input.adjustmentId);
    return stored ?? { state: 'pending', reason: null };
  };
}
