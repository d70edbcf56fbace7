import type { Rule } from '../../domain/rule';
import { anInteraction } from '../support/builders';
import { eventually } from '../support/eventually';
import { startHarness, type Harness } from '../support/harness';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.shutdown();
});

describe('rule caps', () => {
  it('when 60 capped interactions arrive concurrently, then the rule counts exactly its cap, also across batches', async () => {
    const rules: Rule[] = [
      { id: 'opened', interactionType: 'email_opened', criteria: [], points: 1, maxCount: 10 },
      {
        id: 'clicked',
        interactionType: 'email_clicked',
        criteria: [],
        points: 2,
        maxCount: 3,
        windowDays: 30,
      },
    ];
    const account = await h.newAccount();
    await account.call('POST', '/profiles', { id: 'engagement', name: 'E', rules });
    await account.call('POST', '/profiles/engagement/publish');
    await account.call('POST', '/contacts', { id: 'c1' });
    const old = new Date(Date.now() - 40 * 86_400_000).toISOString();
    await Promise.all([
      ...Array.from({ length: 50 }, () =>
        account.call('POST', '/contacts/c1/interactions', anInteraction({ type: 'email_opened' })),
      ),
      ...Array.from({ length: 5 }, () =>
        account.call('POST', '/contacts/c1/interactions', anInteraction({ type: 'email_clicked' })),
      ),
      // Forty days ago: outside the 30-day window of the clicks that follow, so it counts on its own.
      ...Array.from({ length: 5 }, () =>
        account.call(
          'POST',
          '/contacts/c1/interactions',
          anInteraction({ type: 'email_clicked', occurredAt: old }),
        ),
      ),
    ]);
    const expected = 10 * 1 + 3 * 2 + 3 * 2;
    await eventually(async () => {
      const { rows } = await h.db.query(
        'SELECT count(*)::int AS n FROM interactions WHERE account_id = $1 AND applied_at IS NULL',
        [account.accountId],
      );
      expect(rows[0].n).toBe(0);
      expect((await account.call('GET', '/contacts/c1/score')).body.score).toBe(expected);
    });
    const { rows } = await h.db.query(
      `SELECT rule_id, count(*)::int AS n FROM score_ledger WHERE account_id = $1 GROUP BY rule_id ORDER BY rule_id`,
      [account.accountId],
    );
    expect(rows).toEqual([
      { rule_id: 'clicked', n: 6 },
      { rule_id: 'opened', n: 10 },
    ]);
  });
});
