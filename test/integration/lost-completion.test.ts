import type { ApplyScoringInput } from '../../domain/scoring-messages';
import { contactWorkflowId } from '../../domain/ids';
import { contactScoreQuery } from '../../workflows/definitions';
import { anInteraction } from '../support/builders';
import { eventually } from '../support/eventually';
import { rulesFor } from '../support/fault-kit';
import { startHarness, type Harness, type TestAccount } from '../support/harness';

/**
 * A scoring batch commits, then its completion never reaches Temporal (here: the activity throws
 * after its commit, which is what the workflow sees when the worker dies in between). Before the
 * retry, a newer interaction is stored, so the retry scores it: two ledger batches, one reported
 * result. A threshold crossed in the first batch and left in the second must still fire.
 */

const POINTS = { email_opened: 1, email_clicked: 3, form_submitted: 5, email_bounced: -4 };

interface Fault {
  contactId: string;
  /** Runs after the batch has committed, before the failure is reported. */
  meanwhile: () => Promise<void>;
  done: boolean;
}
let fault: Fault | undefined;

let h: Harness;
beforeAll(async () => {
  h = await startHarness({
    overrideActivities: (real) => ({
      async applyScoringRules(input: ApplyScoringInput) {
        const result = await real.applyScoringRules(input);
        if (fault && !fault.done && fault.contactId === input.contactId && result.applied > 0) {
          fault.done = true;
          await fault.meanwhile();
          throw new Error('injected: the completion of a committed batch was lost');
        }
        return result;
      },
    }),
  });
});
afterAll(async () => {
  await h?.shutdown();
});

async function send(account: TestAccount, contact: string, ...types: string[]): Promise<void> {
  const res = await account.call(
    'POST',
    `/contacts/${contact}/interactions`,
    types.map((type) => anInteraction({ type })),
  );
  expect(res.status).toBe(202);
}

async function settled(account: TestAccount, contact: string, score: number): Promise<void> {
  await eventually(async () =>
    expect((await account.call('GET', `/contacts/${contact}/score`)).body.score).toBe(score),
  );
}

/** The ledger's batches (one per writing transaction) as the score each left behind. */
async function batchEnds(accountId: string, contact: string): Promise<number[]> {
  const { rows } = await h.db.query<{ after: number }>(
    `SELECT (array_agg(score_after ORDER BY id DESC))[1] AS after FROM score_ledger
     WHERE account_id = $1 AND contact_id = $2 GROUP BY tx_id ORDER BY min(id)`,
    [accountId, contact],
  );
  return rows.map((r) => r.after);
}

async function setUp(): Promise<TestAccount> {
  const account = await h.newAccount();
  const profile = { id: 'engagement', name: 'E', rules: rulesFor(POINTS) };
  expect((await account.call('POST', '/profiles', profile)).status).toBe(201);
  expect((await account.call('POST', '/profiles/engagement/publish')).status).toBe(201);
  const trigger = (id: string, condition: object) => ({
    id,
    profileId: 'engagement',
    condition,
    reentry: { policy: 'always' },
    automation: 'reward_offer',
    input: { tag: id },
  });
  for (const t of [trigger('reward', { op: 'gte', value: 12 }), trigger('lapsed', { op: 'lt', value: 0 })])
    expect((await account.call('POST', '/triggers', t)).status).toBe(201);
  return account;
}

/** Fires the contact's workflow counted, per trigger that fired. */
async function firesOf(accountId: string, contact: string): Promise<Record<string, number>> {
  const view = await h.client.workflow
    .getHandle(contactWorkflowId(accountId, contact))
    .query(contactScoreQuery);
  return Object.fromEntries(
    Object.entries(view.triggerStates)
      .filter(([, s]) => s.fires > 0)
      .map(([id, s]) => [id, s.fires]),
  );
}

async function automationsOf(accountId: string, contact: string): Promise<string[]> {
  const ids: string[] = [];
  for await (const wf of h.client.workflow.list({
    query: `PulseAccount = "${accountId}" AND PulseContact = "${contact}" AND PulseTrigger IN ("reward", "lapsed")`,
  }))
    ids.push(wf.workflowId);
  return ids.sort();
}

describe('a committed batch whose completion was lost, followed by newer interactions', () => {
  it('when the lost batch crossed up through a threshold and the retry’s batch fell back, then the trigger fired once', async () => {
    const account = await setUp();
    expect((await account.call('POST', '/contacts', { id: 'c1' })).status).toBe(201);
    await send(account, 'c1', ...Array<string>(10).fill('email_opened'));
    await settled(account, 'c1', 10);

    fault = { contactId: 'c1', done: false, meanwhile: () => send(account, 'c1', 'email_bounced') };
    await send(account, 'c1', 'email_clicked'); // 10 → 13 (lost), then the retry: 13 → 9
    await settled(account, 'c1', 9);

    expect(fault.done).toBe(true);
    expect(await batchEnds(account.accountId, 'c1')).toEqual([10, 13, 9]);
    expect(await firesOf(account.accountId, 'c1')).toEqual({ reward: 1 });
    const wf = contactWorkflowId(account.accountId, 'c1');
    // The retry reported only the bounce; the count still includes the lost batch's click.
    expect((await h.client.workflow.getHandle(wf).query(contactScoreQuery)).appliedCount).toBe(12);
    await eventually(async () =>
      expect(await automationsOf(account.accountId, 'c1')).toEqual([`${wf}/trigger:reward/1`]),
    );
  });

  it('when the lost batch dipped below a threshold and the retry’s batch recovered, then the trigger fired once', async () => {
    const account = await setUp();
    expect((await account.call('POST', '/contacts', { id: 'c2' })).status).toBe(201);
    await send(account, 'c2', 'email_opened');
    await settled(account, 'c2', 1);

    fault = { contactId: 'c2', done: false, meanwhile: () => send(account, 'c2', 'form_submitted') };
    await send(account, 'c2', 'email_bounced'); // 1 → -3 (lost), then the retry: -3 → 2
    await settled(account, 'c2', 2);

    expect(fault.done).toBe(true);
    expect(await batchEnds(account.accountId, 'c2')).toEqual([1, -3, 2]);
    expect(await firesOf(account.accountId, 'c2')).toEqual({ lapsed: 1 });
    const wf = contactWorkflowId(account.accountId, 'c2');
    await eventually(async () =>
      expect(await automationsOf(account.accountId, 'c2')).toEqual([`${wf}/trigger:lapsed/1`]),
    );
  });
});
