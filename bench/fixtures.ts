import { randomUUID } from 'node:crypto';
import { createApiKey, ensureAccount } from '../db/accounts';
import type { Db } from '../db/pool';
import { DEFAULT_RULES } from '../domain/default-rules';
import { ApiClient } from './http';
import type { SectionContext } from './measure';

export const PROFILE_ID = 'engagement';

export interface BenchAccount {
  accountId: string;
  api: ApiClient;
}

/**
 * An account with an admin key and the default rules published (email_opened is +1, so a contact's
 * score counts its applied interactions). Created before any contact, so the publish's re-score
 * has nothing to walk.
 */
export async function benchAccount(
  ctx: SectionContext,
  db: Db,
  baseUrl: string,
  label: string,
  maxSockets = 64,
): Promise<BenchAccount> {
  const accountId = `bench-${label}-${randomUUID().slice(0, 8)}`;
  await ensureAccount(db, accountId, accountId);
  const { key } = await createApiKey(db, { accountId, scopes: ['admin'], name: 'bench' });
  const api = new ApiClient(baseUrl, key, maxSockets);
  await api.expect(201, 'POST', '/profiles', { id: PROFILE_ID, name: 'Engagement', rules: DEFAULT_RULES });
  const published = await api.expect<{ version: number }>(201, 'POST', `/profiles/${PROFILE_ID}/publish`);
  await waitForRescore(ctx, api, published.version, 200);
  return { accountId, api };
}

export interface RescoreProgressBody {
  state: 'running' | 'finished' | 'superseded';
  total: number;
  done: number;
  rescored: number;
  rate: number;
  startedAt: number;
}

export async function waitForRescore(
  ctx: SectionContext,
  api: ApiClient,
  version: number,
  intervalMs: number,
): Promise<RescoreProgressBody> {
  return ctx.until(`re-score of version ${version}`, intervalMs, async () => {
    const res = await api.request<RescoreProgressBody>(
      'GET',
      `/profiles/${PROFILE_ID}/versions/${version}/rescore`,
    );
    return res.status === 200 && res.body.state !== 'running' ? res.body : undefined;
  });
}

export const contactIds = (prefix: string, count: number) =>
  Array.from({ length: count }, (_, i) => `${prefix}${String(i).padStart(7, '0')}`);

/** Contacts written straight to Postgres: creating them is setup, not what is measured. */
export async function seedContacts(db: Db, accountId: string, ids: readonly string[]): Promise<void> {
  for (let i = 0; i < ids.length; i += 10_000) {
    await db.query(
      `INSERT INTO contacts (account_id, id, email) SELECT $1, c, c || '@example.com' FROM unnest($2::text[]) AS c`,
      [accountId, ids.slice(i, i + 10_000)],
    );
  }
}

/**
 * Interactions of an account: how many are stored, and how many still wait to be applied; and
 * contacts whose workflow was signalled and has not run its pass yet (with scoring at ingest, a
 * contact woken to fire a trigger: its automations start after that pass).
 */
export async function interactionCounts(
  db: Db,
  accountId: string,
): Promise<{ total: number; pending: number; awaitingPass: number }> {
  const { rows } = await db.query<{ total: number; pending: number; awaitingPass: number }>(
    `SELECT count(*)::int AS total, count(*) FILTER (WHERE applied_at IS NULL)::int AS pending,
       (SELECT count(*)::int FROM contacts WHERE account_id = $1 AND wake_requested_at IS NOT NULL)
         AS "awaitingPass"
     FROM interactions WHERE account_id = $1`,
    [accountId],
  );
  return rows[0]!;
}

/** After the run: the sum of scores and the ledger rows must both equal the interactions sent. */
export async function scoreTotals(
  db: Db,
  accountId: string,
): Promise<{ scoreSum: number; ledgerRows: number }> {
  const { rows } = await db.query<{ score_sum: number; ledger_rows: number }>(
    `SELECT (SELECT COALESCE(sum(score), 0)::int FROM contact_scores WHERE account_id = $1 AND profile_id = $2) AS score_sum,
            (SELECT count(*)::int FROM score_ledger WHERE account_id = $1 AND profile_id = $2) AS ledger_rows`,
    [accountId, PROFILE_ID],
  );
  return { scoreSum: rows[0]!.score_sum, ledgerRows: rows[0]!.ledger_rows };
}

let interactionCounter = 0;
/** A +1 interaction (email_opened under the default rules) with a unique id. */
export function anEmailOpened(): {
  id: string;
  type: string;
  occurredAt: string;
  attributes: Record<string, never>;
} {
  interactionCounter += 1;
  return {
    id: `b${process.pid.toString(36)}-${interactionCounter.toString(36)}`,
    type: 'email_opened',
    occurredAt: new Date().toISOString(),
    attributes: {},
  };
}
