import { moveCampaignMember } from '../../db/campaign-memberships';
import type { Db, Queryable } from '../../db/pool';
import { z } from 'zod';
import { readScoreRows } from '../../db/scores';
import { getTrigger } from '../../db/triggers';
import type { ActionOutcome, LeaveCampaignAction, SegmentAction } from '../../domain/actions';
import { bandFor, scoreBandSchema } from '../../domain/automations/campaign-segmentation';
import { entityIdSchema } from '../../domain/ids';
import { conditionHolds } from '../../domain/trigger-evaluation';
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
        const score = await currentScore(tx, { accountId, contactId, profileId });
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

/** The contact's score in one profile as stored now (null: empty), inside the caller's transaction. */
async function currentScore(
  tx: Queryable,
  ref: { accountId: string; contactId: string; profileId: string },
): Promise<number | null> {
  const rows = await readScoreRows(tx, ref.accountId, ref.contactId);
  return rows.find((r) => r.profileId === ref.profileId)?.score ?? null;
}

const leaveSchema = actionBaseSchema.extend({
  campaignId: entityIdSchema,
  triggerId: entityIdSchema,
});

/**
 * Leaving a campaign sets state, so it follows "the latest state wins" like segmentation: it acts
 * only while the condition that fired its trigger still holds on the contact's current score, read
 * under the contact's lock. A review that stalled while the contact recovered (and a newer
 * segmentation run moved it to a better band's campaign) is skipped as `recovered` instead of
 * undoing that run. A trigger deleted since its fire leaves nothing newer to go by: the fire stands.
 */
export function createLeaveCampaignUnlessRecovered(db: Db) {
  return async function leaveCampaignUnlessRecovered(input: LeaveCampaignAction): Promise<ActionOutcome> {
    const leave = parseInput(leaveSchema, input, 'leaveCampaignUnlessRecovered');
    const { actionKey, accountId, contactId, campaignId, triggerId } = leave;
    return runRecordedAction(
      db,
      { accountId, actionKey, contactId, kind: 'remove_from_campaign' },
      async (tx) => {
        const trigger = (await getTrigger(tx, accountId, triggerId))?.trigger;
        if (trigger !== undefined) {
          const score = await currentScore(tx, { accountId, contactId, profileId: trigger.profileId });
          if (!conditionHolds(trigger.condition, score)) {
            const { op } = trigger.condition;
            const condition = 'value' in trigger.condition ? `${op} ${trigger.condition.value}` : op;
            return {
              state: 'skipped',
              reason: 'recovered',
              detail: `score ${score ?? 'empty'}: ${triggerId} (${condition}) no longer holds; stays in ${campaignId}`,
            };
          }
        }
        const left = await moveCampaignMember(tx, 'leave', { accountId, campaignId, contactId });
        return { state: 'done', detail: left ? 'removed' : 'not_member' };
      },
    );
  };
}
