import type { Queryable } from './pool';
import { changedOne } from './query';

export type CampaignMove = 'join' | 'leave';
export type CampaignMember = { accountId: string; campaignId: string; contactId: string };

/*
 * Joining and leaving are one call with the move as a parameter: the automations' actions treat
 * them alike (one recorded action each way). A row is kept on leaving (removed_at), so a rejoin
 * revives it.
 */
const MOVES: Record<CampaignMove, string> = {
  join: `INSERT INTO campaign_memberships AS m (account_id, campaign_id, contact_id) VALUES ($1, $2, $3)
     ON CONFLICT (account_id, campaign_id, contact_id) DO UPDATE SET added_at = now(), removed_at = NULL
     WHERE m.removed_at IS NOT NULL`,
  leave: `UPDATE campaign_memberships SET removed_at = now()
     WHERE account_id = $1 AND campaign_id = $2 AND contact_id = $3 AND removed_at IS NULL`,
};

/**
 * true when the move changed the membership: the contact joined (or rejoined), or left. false when
 * it was already a member (join) or not a member (leave).
 */
export function moveCampaignMember(
  db: Queryable,
  move: CampaignMove,
  member: CampaignMember,
): Promise<boolean> {
  return changedOne(db, MOVES[move], [member.accountId, member.campaignId, member.contactId]);
}
