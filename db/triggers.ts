import { automationReferenceProblems } from '../domain/automations/catalog';
import { triggerSchema, type Trigger, type TriggerInput } from '../domain/trigger';
import { accountRecords } from './account-records';
import type { Queryable } from './pool';
import { queryFirst, queryRows } from './query';

export interface TriggerRecord {
  trigger: Trigger;
  source: 'api' | 'code';
  createdAt: string;
  updatedAt: string;
}

const columns = `definition AS trigger, source, created_at AS "createdAt", updated_at AS "updatedAt"`;

/** Create or replace; returns whether it was created. */
export async function saveTrigger(
  db: Queryable,
  accountId: string,
  trigger: Trigger,
  source: 'api' | 'code' = 'api',
): Promise<{ record: TriggerRecord; created: boolean }> {
  const row = await queryFirst<TriggerRecord & { created: boolean }>(
    db,
    `INSERT INTO score_triggers (account_id, id, profile_id, definition, source) VALUES ($1, $2, $3, $4, $5)
     ON CONFLICT (account_id, id) DO UPDATE
       SET profile_id = EXCLUDED.profile_id, definition = EXCLUDED.definition, source = EXCLUDED.source, updated_at = now()
     RETURNING ${columns}, (xmax = 0) AS created`,
    [accountId, trigger.id, trigger.profileId, JSON.stringify(trigger), source],
  );
  const { created, ...record } = row!;
  return { record, created };
}

const records = accountRecords<TriggerRecord>('score_triggers', columns);
export const getTrigger = records.get;
export const listTriggers = records.list;
export const deleteTrigger = records.delete;

/** The account's trigger definitions, `$1` the account; TRIGGER_ORDER orders them. */
export const TRIGGER_DEFINITIONS_SQL =
  'SELECT definition, created_at, id FROM score_triggers WHERE account_id = $1';
export const TRIGGER_ORDER = 'created_at, id';

/** What the contact workflow evaluates: every trigger, paused ones included (they keep tracking). */
export async function listTriggerDefinitions(db: Queryable, accountId: string): Promise<Trigger[]> {
  const rows = await queryRows<{ definition: Trigger }>(
    db,
    `${TRIGGER_DEFINITIONS_SQL} ORDER BY ${TRIGGER_ORDER}`,
    [accountId],
  );
  return rows.map((r) => r.definition);
}

/**
 * Triggers declared in code (see scripts/demo-triggers.ts): validated like API input and saved
 * with source 'code', so a deploy that changes the file changes the triggers.
 */
export async function syncDeclaredTriggers(
  db: Queryable,
  accountId: string,
  declared: readonly TriggerInput[],
): Promise<void> {
  for (const input of declared) {
    const trigger = triggerSchema.parse(input);
    const problems = automationReferenceProblems(trigger);
    if (problems.length > 0)
      throw new Error(
        `declared trigger "${trigger.id}": ${problems.map((p) => `${p.path}: ${p.message}`).join('; ')}`,
      );
    await saveTrigger(db, accountId, trigger, 'code');
  }
}
