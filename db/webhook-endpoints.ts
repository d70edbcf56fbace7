import { randomBytes } from 'node:crypto';
import type { WebhookProvider } from '../domain/webhooks/webhook-event';
import type { Queryable } from './pool';
import { changedOne, queryFirst, queryRows } from './query';

/** What the API shows of an endpoint: never the secret, only its last four characters. */
export interface WebhookEndpointRecord {
  provider: WebhookProvider;
  endpointId: string;
  secretHint: string;
  createdAt: string;
  updatedAt: string;
}

/** What the receiver needs to check a delivery. */
export interface WebhookEndpointSecret {
  accountId: string;
  secret: string;
}

const COLUMNS = `provider, endpoint_id AS "endpointId", '…' || right(secret, 4) AS "secretHint",
  created_at AS "createdAt", updated_at AS "updatedAt"`;

interface Row extends Omit<WebhookEndpointRecord, 'createdAt' | 'updatedAt'> {
  createdAt: Date;
  updatedAt: Date;
}
const toRecord = (row: Row): WebhookEndpointRecord => ({
  ...row,
  createdAt: row.createdAt.toISOString(),
  updatedAt: row.updatedAt.toISOString(),
});

/**
 * Sets the account's secret for a provider. The endpoint id (the URL's last segment) is made on
 * the first set and kept when the secret changes, so the provider's configured URL stays valid.
 */
export async function setWebhookSecret(
  db: Queryable,
  accountId: string,
  provider: WebhookProvider,
  secret: string,
): Promise<WebhookEndpointRecord> {
  const row = await queryFirst<Row>(
    db,
    `INSERT INTO webhook_endpoints (account_id, provider, endpoint_id, secret) VALUES ($1, $2, $3, $4)
     ON CONFLICT (account_id, provider) DO UPDATE SET secret = EXCLUDED.secret, updated_at = now()
     RETURNING ${COLUMNS}`,
    [accountId, provider, newEndpointId(), secret],
  );
  return toRecord(row!);
}

export async function listWebhookEndpoints(
  db: Queryable,
  accountId: string,
): Promise<WebhookEndpointRecord[]> {
  const rows = await queryRows<Row>(
    db,
    `SELECT ${COLUMNS} FROM webhook_endpoints WHERE account_id = $1 ORDER BY provider`,
    [accountId],
  );
  return rows.map(toRecord);
}

/** true when there was one: the provider's deliveries are refused (404) from then on. */
export async function deleteWebhookEndpoint(
  db: Queryable,
  accountId: string,
  provider: WebhookProvider,
): Promise<boolean> {
  return changedOne(db, 'DELETE FROM webhook_endpoints WHERE account_id = $1 AND provider = $2', [
    accountId,
    provider,
  ]);
}

/** The account and secret behind a URL; undefined when none (or the account is disabled). */
export async function findWebhookEndpoint(
  db: Queryable,
  provider: WebhookProvider,
  endpointId: string,
): Promise<WebhookEndpointSecret | undefined> {
  return queryFirst<WebhookEndpointSecret>(
    db,
    `SELECT e.account_id AS "accountId", e.secret FROM webhook_endpoints e
     JOIN accounts a ON a.id = e.account_id
     WHERE e.provider = $1 AND e.endpoint_id = $2 AND a.disabled_at IS NULL`,
    [provider, endpointId],
  );
}

/** 144 random bits: the URL is the only thing that names the account, so it must not be guessable. */
function newEndpointId(): string {
  return `whk_${randomBytes(18).toString('base64url')}`;
}
