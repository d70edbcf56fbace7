import type { Queryable } from './pool';

/** true when the contact joined (or rejoined) the campaign, false when already a member. */
export async function addCampaignMember(
  db: Queryable,
  accountId: string,
  campaignId: string,
  contactId: string,
): Promise<boolean> {
  const { rowCount } = await db.query(
    `INSERT INTO campaign_memberships AS m (account_id, campaign_id, contact_id) VALUES ($1, $2, $3)
     ON CONFLICT (account_id, campaign_id, contact_id) DO UPDATE SET added_at = now(), removed_at = NULL
     WHERE m.removed_at IS NOT NULL`,
    [accountId, campaignId, contactId],
  );
  return rowCount === 1;
}

/** true when the contact left the campaign, false when not a member. */
export async function removeCampaignMember(
  db: Queryable,
  accountId: string,
  campaignId: string,
  contactId: string,
): Promise<boolean> {
  const { rowCount } = await db.query(
    `UPDATE campaign_memberships SET removed_at = now()
     WHERE account_id = $1 AND campaign_id = $2 AND contact_id = $3 AND removed_at IS NULL`,
    [accountId, campaignId, contactId],
  );
  return rowCount === 1;
}

export async function isCampaignMember(
  db: Queryable,
  accountId: string,
  campaignId: string,
  contactId: string,
): Promise<boolean> {
  const { rowCount } = await db.query(
    `SELECT 1 FROM campaign_memberships
     WHERE account_id = $1 AND campaign_id = $2 AND contact_id = $3 AND removed_at IS NULL`,
    [accountId, campaignId, contactId],
  );
  return rowCount === 1;
}
