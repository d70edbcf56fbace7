import { randomUUID } from 'node:crypto';
import { rescoreContacts } from '../../activities/rescore';
import { createPool, withTransaction, type Db } from '../../db/pool';
import type { LiveProfile } from '../../domain/score-computation';
import { expectedScoresBySql, seedAppliedHistory, storedScores } from '../support/scoring-fixtures';

/**
 * A re-score page writes its ledger rows without the per-row conflict check when none of its
 * contacts has rows of the version yet. Rows of the version left behind without their score (no
 * writer does that today; a future one or a hand edit might) must still be kept, not doubled, and
 * must not fail the page.
 */
const POINTS: Record<string, number> = { email_opened: 2, email_clicked: 1, form_submitted: 5 };
const profile: LiveProfile = {
  isDefault: true,
  profileId: 'engagement',
  version: 2,
  rules: Object.entries(POINTS).map(([type, points]) => ({
    id: `r-${type}`,
    interactionType: type,
    criteria: [],
    points,
  })),
};

let db: Db;
beforeAll(() => {
  db = createPool(process.env.DATABASE_URL!);
});
afterAll(async () => {
  await db?.end();
});

async function accountWithHistory(): Promise<{ accountId: string; contacts: string[] }> {
  const accountId = `rw-${randomUUID()}`;
  await db.query('INSERT INTO accounts (id, name) VALUES ($1, $1)', [accountId]);
  await db.query(
    `INSERT INTO score_profiles (account_id, id, name, is_default, live_version) VALUES ($1, 'engagement', 'E', true, 2)`,
    [accountId],
  );
  const contacts = await seedAppliedHistory(db, accountId, {
    contacts: 40,
    interactionsPerContact: 5,
    types: Object.keys(POINTS),
  });
  return { accountId, contacts };
}

const ledgerRows = async (accountId: string) =>
  (
    await db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM score_ledger WHERE account_id = $1 AND profile_version = 2`,
      [accountId],
    )
  ).rows[0]!.n;

describe('re-score page writes', () => {
  it('when contacts have no rows of the version, then each applied interaction gets one row and the scores match SQL', async () => {
    const { accountId, contacts } = await accountWithHistory();
    await withTransaction(db, (tx) => rescoreContacts(tx, accountId, profile, contacts));
    expect(await ledgerRows(accountId)).toBe(40 * 5);
    const expected = await expectedScoresBySql(db, accountId, POINTS);
    const stored = await storedScores(db, accountId, 'engagement');
    expect([...stored].map(([c, s]) => [c, s.score, s.version])).toEqual(
      [...expected].map(([c, score]) => [c, score, 2]),
    );
  });

  it('when some contacts already have rows of the version without their score, then the page succeeds and no row is doubled', async () => {
    const { accountId, contacts } = await accountWithHistory();
    await withTransaction(db, (tx) => rescoreContacts(tx, accountId, profile, contacts.slice(0, 3)));
    // The rows stay; the score row says they never happened.
    await db.query(`DELETE FROM contact_scores WHERE account_id = $1`, [accountId]);
    await withTransaction(db, (tx) => rescoreContacts(tx, accountId, profile, contacts));
    expect(await ledgerRows(accountId)).toBe(40 * 5);
    const stored = await storedScores(db, accountId, 'engagement');
    expect(stored.size).toBe(40);
    const expected = await expectedScoresBySql(db, accountId, POINTS);
    for (const [contact, score] of expected) expect(stored.get(contact)).toEqual({ score, version: 2 });
  });
});
