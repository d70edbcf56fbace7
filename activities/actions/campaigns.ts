import { addCampaignMember, removeCampaignMember } from '../../db/campaign-memberships';
import type { Db } from '../../db/pool';
import { z } from 'zod';
import { readContactScore } from '../../db/scores';
import type { ActionOutcome, CampaignAction, SegmentAction } from '../../domain/actions';
import { bandFor, scoreBandSchema } from '../../domain/automations/campaign-segmentation';
import { entityIdSchema } from '../../domain/ids';
import { actionBaseSchema, parseInput, runRecordedAction } from './action-log';

const campaignSchema = actionBaseSchema.extend({ campaignId: entityIdSchema });

/** Outcome detail: 'added' (or re-added after a removal), or 'already_member'. */
export function createAddToCampaign(db: Db) {
  return async function addToCampaign(input: CampaignAction): Promise<ActionOutcome> {
    const { actionKey, accountId, contactId, campaignId } = parseInput(
      campaignSchema,
      input,
      'addToCampaign',
    );
    return runRecordedAction(
      db,
      { accountId, actionKey, contactId, kind: 'add_to_campaign' },
      async (tx) => ({
        state: 'done',
        detail: (await addCampaignMember(tx, accountId, campaignId, contactId)) ? 'added' : 'already_member',
      }),
    );
  };
}

/** Outcome detail: 'removed', or 'not_member'. */
export function createRemoveFromCampaign(db: Db) {
  return async function removeFromCampaign(input: CampaignAction): Promise<ActionOutcome> {
    const { actionKey, accountId, contactId, campaignId } = parseInput(
      campaignSchema,
      input,
      'removeFromCampaign',
    );
    return runRecordedAction(
      db,
      { accountId, actionKey, contactId, kind: 'remove_from_campaign' },
      async (tx) => ({
        state: 'done',
        detail: (await removeCampaignMember(tx, accountId, campaignId, contactId)) ? 'removed' : 'not_member',
      }),
    );
  };
}

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
        const score = await readContactScore(tx, accountId, contactId, profileId);
        const target = bandFor(bands, score)?.campaignId;
        // Into the new campaign first, so the contact is never in none of them on the way.
        if (target !== undefined) await addCampaignMember(tx, accountId, target, contactId);
        const left: string[] = [];
        for (const campaignId of new Set(bands.map((b) => b.campaignId))) {
          if (campaignId !== target && (await removeCampaignMember(tx, accountId, campaignId, contactId)))
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
