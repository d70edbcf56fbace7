import { addCampaignMember, removeCampaignMember } from '../../db/campaign-memberships';
import type { Db } from '../../db/pool';
import type { ActionOutcome, CampaignAction } from '../../domain/actions';
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
