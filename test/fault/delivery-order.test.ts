import { contactWorkflowId } from '../../domain/ids';
import type { Interaction } from '../../domain/interaction';
import type { Rule } from '../../domain/rule';
import { contactScoreQuery, interactionsReceivedSignal } from '../../workflows/definitions';
import { deliverInteractions } from '../../clients/contact-workflow';
import { uniqueId } from '../support/builders';
import { eventually } from '../support/eventually';
import { seededRandom, shuffled } from '../support/fault-kit';
import { startHarness, type Harness, type TestAccount } from '../support/harness';

/**
 * The same interactions delivered in every bad way a sender can manage (shuffled, repeated,
 * batched, concurrent, re-signalled straight through Temporal, re-sent with other content after
 * they were applied) must end exactly where one clean in-order delivery ends.
 */

const RULES: Rule[] = [
  { id: 'opened', interactionType: 'email_opened', criteria: [], points: 1 },
  { id: 'clicked', interactionType: 'email_clicked', criteria: [], points: 3 },
  // Capped without a window: which ones count depends on order, how many does not.
  { id: 'form', interactionType: 'form_submitted', criteria: [], points: 5, maxCount: 3 },
  {
    id: 'pricing',
    interactionType: 'reply_received',
    criteria: [{ attribute: 'text', op: 'contains_word', value: 'pricing' }],
    points: 8,
  },
  // Every matching rule counts: a big purchase scores both.
  { id: 'purchase', interactionType: 'purchase', criteria: [], points: 2 },
  {
    id: 'big-purchase',
    interactionType: 'purchase',
    criteria: [{ attribute: 'amount', op: 'gte', value: 100 }],
    points: 10,
  },
  { id: 'booked', interactionType: 'appointment_booked', criteria: [], points: -4 },
];
const FORM_CAP = 3;

/** An interaction and the rules it matches (before the cap), decided here, not by the scoring code. */
interface Planned {
  interaction: Interaction;
  ruleIds: string[];
}

function planInteractions(count: number, random: () => number): Planned[] {
  const start = Date.now() - 24 * 3_600_000;
  const planned: Planned[] = [];
  for (let i = 0; i < count; i++) {
    const id = uniqueId(`evt${i}`);
    const occurredAt = new Date(start + Math.floor(random() * 23 * 3_600_000)).toISOString();
    const pick = Math.floor(random() * 7);
    const make = (type: string, attributes: Interaction['attributes'], ruleIds: string[]): Planned => ({
      interaction: { id, type, occurredAt, attributes },
      ruleIds,
    });
    switch (pick) {
      case 0:
        planned.push(make('email_opened', {}, ['opened']));
        break;
      case 1:
        planned.push(make('email_clicked', { url: 'https://example.com' }, ['clicked']));
        break;
      case 2:
        planned.push(make('form_submitted', { form: 'demo' }, ['form']));
        break;
      case 3:
        planned.push(
          random() < 0.5
            ? make('reply_received', { text: 'What is your Pricing for teams?' }, ['pricing'])
            : make('reply_received', { text: 'pricingless question' }, []),
        );
        break;
      case 4: {
        const amount = random() < 0.5 ? 250 : 20;
        // Numbers may arrive as numeric strings.
        planned.push(
          make(
            'purchase',
            { amount: random() < 0.5 ? amount : String(amount) },
            amount >= 100 ? ['purchase', 'big-purchase'] : ['purchase'],
          ),
        );
        break;
      }
      case 5:
        planned.push(make('appointment_booked', {}, ['booked']));
        break;
      default:
        planned.push(make('newsletter_viewed', {}, []));
    }
  }
  return planned;
}

function expectedOutcome(planned: Planned[]): { score: number; ledgerRows: number } {
  const points = new Map(RULES.map((r) => [r.id, r.points]));
  let score = 0;
  let rows = 0;
  let forms = 0;
  for (const { ruleIds } of planned) {
    for (const ruleId of ruleIds) {
      if (ruleId === 'form' && ++forms > FORM_CAP) continue;
      score += points.get(ruleId)!;
      rows += 1;
    }
  }
  return { score, ledgerRows: rows };
}

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
}, 120_000);
afterAll(async () => {
  await h?.shutdown();
}, 60_000);

async function setUp(): Promise<TestAccount> {
  const account = await h.newAccount();
  expect(
    (await account.call('POST', '/profiles', { id: 'engagement', name: 'E', rules: RULES })).status,
  ).toBe(201);
  expect((await account.call('POST', '/profiles/engagement/publish')).status).toBe(201);
  for (const id of ['chaos', 'clean'])
    expect((await account.call('POST', '/contacts', { id })).status).toBe(201);
  return account;
}

async function post(account: TestAccount, contact: string, body: Interaction | Interaction[]) {
  const res = await account.call('POST', `/contacts/${contact}/interactions`, body, account.keys.write);
  expect(res.status).toBe(202);
  return res.body as { accepted: number; duplicates: string[] };
}

async function settled(account: TestAccount, contact: string) {
  const handle = h.client.workflow.getHandle(contactWorkflowId(account.accountId, contact));
  return eventually(
    async () => {
      const { rows } = await h.db.query(
        'SELECT count(*)::int AS n FROM interactions WHERE account_id = $1 AND contact_id = $2 AND applied_at IS NULL',
        [account.accountId, contact],
      );
      expect(rows[0].n).toBe(0);
      const view = await handle.query(contactScoreQuery);
      expect(view.pendingCount).toBe(0);
      return view;
    },
    { timeoutMs: 60_000, intervalMs: 200 },
  );
}

async function ledgerOf(account: TestAccount, contact: string) {
  const { rows } = await h.db.query<{ interaction_id: string; rule_id: string; delta: number }>(
    'SELECT interaction_id, rule_id, delta FROM score_ledger WHERE account_id = $1 AND contact_id = $2',
    [account.accountId, contact],
  );
  return rows;
}

async function storedScore(account: TestAccount, contact: string): Promise<number> {
  const { rows } = await h.db.query(
    `SELECT score FROM contact_scores WHERE account_id = $1 AND contact_id = $2 AND profile_id = 'engagement'`,
    [account.accountId, contact],
  );
  return rows[0].score;
}

describe('duplicate and out-of-order deliveries', () => {
  it('when the same interactions arrive shuffled, repeated, batched, concurrently and re-signalled, then each counts once and the score equals one clean in-order delivery', async () => {
    const seed = Date.now();
    const random = seededRandom(seed);
    const account = await setUp();
    const planned = planInteractions(80, random);
    const interactions = planned.map((p) => p.interaction);
    const expected = expectedOutcome(planned);

    // The reference: everything at once, oldest first, to a second contact.
    const inOrder = [...interactions].sort((a, b) => a.occurredAt.localeCompare(b.occurredAt));
    expect(await post(account, 'clean', inOrder)).toEqual({ accepted: interactions.length, duplicates: [] });

    // The chaos: shuffled, cut into batches of 1-6, a third of them sent twice, the batches sent in
    // concurrent groups of up to 4, some as a bare object, one with an id twice in the same batch.
    const order = shuffled(interactions, random);
    const batches: Interaction[][] = [];
    for (let i = 0; i < order.length;) {
      const size = 1 + Math.floor(random() * 6);
      batches.push(order.slice(i, i + size));
      i += size;
    }
    batches[0] = [...batches[0]!, batches[0]![0]!];
    const sends = shuffled([...batches, ...batches.filter(() => random() < 0.35)], random);
    const workflowId = contactWorkflowId(account.accountId, 'chaos');
    let sent: Interaction[] = [];
    for (let i = 0; i < sends.length;) {
      const group = sends.slice(i, i + 1 + Math.floor(random() * 4));
      i += group.length;
      await Promise.all(
        group.map((batch) =>
          post(account, 'chaos', batch.length === 1 && random() < 0.5 ? batch[0]! : batch),
        ),
      );
      sent = [...sent, ...group.flat()];
      // Now and then a signal straight through Temporal naming ids already delivered.
      if (random() < 0.4) {
        const again = shuffled(sent, random).slice(0, 1 + Math.floor(random() * 10));
        await deliverInteractions(
          h.client,
          h.taskQueue,
          account.accountId,
          'chaos',
          again.map(({ id, type, occurredAt }) => ({ id, type, occurredAt })),
        );
      }
    }

    await settled(account, 'chaos');
    // Once applied: every id signalled again, in one batch and one by one, and a few re-posted
    // with other content (the first version stored wins; a repeat is reported as a duplicate).
    const refs = interactions.map(({ id, type, occurredAt }) => ({ id, type, occurredAt }));
    const handle = h.client.workflow.getHandle(workflowId);
    const before = await handle.query(contactScoreQuery);
    await handle.signal(interactionsReceivedSignal, refs);
    await Promise.all(refs.slice(0, 20).map((ref) => handle.signal(interactionsReceivedSignal, [ref])));
    // One id the workflow has never seen makes it run the activity, which finds nothing to claim.
    const ghost = { id: uniqueId('ghost'), type: 'email_clicked', occurredAt: new Date().toISOString() };
    await handle.signal(interactionsReceivedSignal, [ghost, ...refs.slice(0, 10)]);
    // All of them handled (a continue-as-new, which restarts the count, counts as handled).
    await eventually(async () => {
      const view = await handle.query(contactScoreQuery);
      expect(view.runNumber > before.runNumber || view.signalsThisRun >= before.signalsThisRun + 22).toBe(
        true,
      );
    });
    const altered = interactions
      .slice(0, 5)
      .map((i) => ({ ...i, type: 'purchase', attributes: { amount: 1_000 } }));
    const repeat = await post(account, 'chaos', altered);
    expect(repeat).toEqual({ accepted: 0, duplicates: altered.map((i) => i.id) });
    expect(await post(account, 'chaos', interactions)).toEqual({
      accepted: 0,
      duplicates: interactions.map((i) => i.id),
    });

    const chaos = await settled(account, 'chaos');
    const clean = await settled(account, 'clean');
    console.log(
      `delivery-order (seed ${seed}): ${interactions.length} interactions, ${sends.length} posts for the chaos contact; ` +
        `score ${expected.score}, ${expected.ledgerRows} ledger rows expected`,
    );

    // Counted once: the workflow applied each interaction once, the ledger has one row per rule hit.
    expect(chaos.appliedCount).toBe(interactions.length);
    expect(clean.appliedCount).toBe(interactions.length);
    for (const contact of ['chaos', 'clean']) {
      const ledger = await ledgerOf(account, contact);
      expect([contact, ledger.length]).toEqual([contact, expected.ledgerRows]);
      expect(new Set(ledger.map((r) => `${r.interaction_id}/${r.rule_id}`)).size).toBe(ledger.length);
      const hitsById = new Map(planned.map((p) => [p.interaction.id, p.ruleIds]));
      for (const row of ledger) expect(hitsById.get(row.interaction_id)).toContain(row.rule_id);
      expect(ledger.reduce((sum, r) => sum + r.delta, 0)).toBe(expected.score);
      expect([contact, await storedScore(account, contact)]).toEqual([contact, expected.score]);
      const { rows } = await h.db.query(
        'SELECT count(*)::int AS n FROM interactions WHERE account_id = $1 AND contact_id = $2',
        [account.accountId, contact],
      );
      expect(rows[0].n).toBe(interactions.length);
    }
    // Same score through the API, and the same in each workflow's own view.
    for (const [contact, view] of [
      ['chaos', chaos],
      ['clean', clean],
    ] as const) {
      expect((await account.call('GET', `/contacts/${contact}/score`)).body.score).toBe(expected.score);
      expect(view.scores.find((s) => s.profileId === 'engagement')?.score).toBe(expected.score);
    }
    // The altered repeats changed nothing: the stored rows are the first versions.
    const { rows: stored } = await h.db.query(
      'SELECT id, type FROM interactions WHERE account_id = $1 AND contact_id = $2 AND id = ANY($3)',
      [account.accountId, 'chaos', altered.map((i) => i.id)],
    );
    expect(new Map(stored.map((r: { id: string; type: string }) => [r.id, r.type]))).toEqual(
      new Map(interactions.slice(0, 5).map((i) => [i.id, i.type])),
    );
  }, 180_000);
});
