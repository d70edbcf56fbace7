import type { Queryable } from './pool';
import { queryFirst } from './query';

/* account_webhook_settings: an account's default webhook URL and its signing secret. */

export interface WebhookSettings {
  accountId: string;
  url: string | null;
  secret: string;
  updatedAt: string;
}

const COLUMNS = `account_id AS "accountId", url, secret, updated_at AS "updatedAt"`;

export async function readWebhookSettings(
  db: Queryable,
  accountId: string,
): Promise<WebhookSettings | undefined> {
  return queryFirst<WebhookSettings>(
    db,
    `SELECT ${COLUMNS} FROM account_webhook_settings WHERE account_id = $1`,
    [accountId],
  );
}

/**
 * The account's settings, made with `newSecret` if it has none yet. Two callers racing both get
 * the one row that won, so a secret is never handed out and then replaced.
 */
export async function ensureWebhookSettings(
  db: Queryable,
  accountId: string,
  newSecret: string,
): Promise<WebhookSettings> {
  await db.query(
    `INSERT INTO account_webhook_settings (account_id, secret) VALUES ($1, $2) ON CONFLICT (account_id) DO NOTHING`,
    [accountId, newSecret],
  );
  return (await readWebhookSettings(db, accountId))!;
}

/** Sets the default URL (null: none) and, when given, a new secret; the row is made if missing. */
export async function saveWebhookSettings(
  db: Queryable,
  accountId: string,
  change: { url: string | null; rotateTo?: string | undefined; newSecret: string },
): Promise<WebhookSettings> {
  return (await queryFirst<WebhookSettings>(
    db,
    `INSERT INTO account_webhook_settings (account_id, url, secret) VALUES ($1, $2, coalesce($3, $4))
     ON CONFLICT (account_id) DO UPDATE SET
       url = EXCLUDED.url,
       secret = coalesce($3, account_webhook_settings.secret),
       updated_at = now()
     RETURNING ${COLUMNS}`,
    [accountId, change.url, change.rotateTo ?? null, change.newSecret],
  ))!;
}
