import { contactWorkflowId } from '../../domain/ids';
import type { Rule } from '../../domain/rule';
import { contactScoreQuery } from '../../workflows/definitions';
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

const SECOND_IN_DAYS = 1 / 86_400;
const rules: Rule[] = [
  {
    id: 'opened',
    interactionType: 'email_opened',
    criteria: [],
    points: 1,
    expiresAfterDays: 3 * SECOND_IN_DAYS,
  },
  { id: 'clicked', interactionType: 'email_clicked', criteria: [], points: 3 },
  { id: 'booked', interactionType: 'appointment_booked', criteria: [], points: 10, expiresAfterDays: 0.5 },
];

describe('points that expire', () => {
  it('when a rule says its points lapse, then the contact workflow removes exactly those points on a timer and records the lapse', async () => {
    const account = await h.newAccount();
    await account.call('POST', '/profiles', { id: 'engagement', name: 'E', rules });
    await account.call('POST', '/profiles/engagement/publish');
    await account.call('POST', '/contacts', { id: 'c1' });
    const dayAgo = new Date(Date.now() - 86_400_000).toISOString();
    await account.call('POST', '/contacts/c1/interactions', [
      anInteraction({ type: 'email_opened' }),
      anInteraction({ type: 'email_opened' }),
      anInteraction({ type: 'email_clicked' }),
      // Booked a day ago, lapsing after half a day: already over, taken back at once.
      anInteraction({ type: 'appointment_booked', occurredAt: dayAgo }),
    ]);
    const score = async () => (await account.call('GET', '/contacts/c1/score')).body.score as number;
    await eventually(async () => expect(await score()).toBe(5), { timeoutMs: 2_500, intervalMs: 50 });

    await eventually(async () => expect(await score()).toBe(3), { timeoutMs: 15_000 });
    const { rows } = await h.db.query(
      `SELECT rule_id, delta FROM score_ledger WHERE account_id = $1 AND contact_id = 'c1' AND rule_id LIKE 'expiry:%' ORDER BY rule_id`,
      [account.accountId],
    );
    expect(rows).toEqual([
      { rule_id: 'expiry:booked', delta: -10 },
      { rule_id: 'expiry:opened', delta: -1 },
      { rule_id: 'expiry:opened', delta: -1 },
    ]);
    const view = await h.client.workflow
      .getHandle(contactWorkflowId(account.accountId, 'c1'))
      .query(contactScoreQuery);
    expect(view.scores[0]!.score).toBe(3);
    // Nothing more to lapse, and a second look changes nothing.
    await new Promise((r) => setTimeout(r, 1_000));
    expect(await score()).toBe(3);
  }, 30_000);
});
