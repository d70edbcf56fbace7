import { moveCampaignMember } from '../../db/campaign-memberships';
import type { Db } from '../../db/pool';
import { z } from 'zod';
import { readScoreRows } from '../../db/scores';
import type { ActionOutcome, SegmentAction } from '../../domain/actions';
import { bandFor, scoreBandSchema } from '../../domain/automations/campaign-segmentation';
import { entityIdSchema } from '../../domain/ids';
import { actionBaseSchema, parseInput, runRecordedAction } from './action-log';

const segmentSchema = actionBaseSchema.extend({
  profileId: entityIdSchema,
  bands: z.array(scoreBandSchema).min(1).max(20),
});

/**
 * Segmentation acts on the contact's score when it runs, not on the score that fired it, and in
 * one transaction under the contact's lock: runs that overlap (an older one stalled, a newer one
 * done) each leave the contact in its current band's campaign, so the latest state wins.
 * Outcome detail: `score 83: in vip; left nurture` (or `in no band`).
 */
export function createSegmentByCurrentScore(db: Db) {
  return async function segmentByCurrentScore(input: SegmentAction): Promise<ActionOutcome> {
    const { actionKey, accountId, contactId, profileId, bands } = parseInput(
      segmentSchema,
      input,
      'segmentByCurrentScore',
    );
    return runRecordedAction(
      db,
      { accountId, actionKey, contactId, kind: 'segment_by_score' },
      async (tx) => {
        const rows = await readScoreRows(tx, accountId, contactId);
        const score = rows.find((r) => r.profileId === profileId)?.score ?? null;
        const target = bandFor(bands, score)?.campaignId;
        // Into the new campaign first, so the contact is never in none of them on the way.
        if (target !== undefined)
          await moveCampaignMember(tx, 'join', { accountId, campaignId: target, contactId });
        const left: string[] = [];
        for (const campaignId of new Set(bands.map((b) => b.campaignId))) {
          if (
            campaignId !== target &&
            (await moveCampaignMember(tx, 'leave', { accountId, campaignId, contactId }))
          )
            left.push(campaignId);
        }
        const where = target === undefined ? 'in no band' : `in ${target}`;
        return {
          state: 'done',
          detail: `score ${score ?? 'empty'}: ${where}${left.length > 0 ? `; left ${left.join(', ')}` : ''}`,
        };
      },
    );
  };
}
