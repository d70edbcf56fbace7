import { setTimeout as sleep } from 'node:timers/promises';
import { MockActivityEnvironment } from '@temporalio/testing';
import { DefaultLogger } from '@temporalio/worker';
import { createActionActivities } from '../../activities/actions';
import { createOutboxMailer } from '../../activities/mailer';
import { createOutboxSmsProvider } from '../../activities/sms-provider';
import { ensureAccount } from '../../db/accounts';
import { upsertContact } from '../../db/contacts';
import { contactWorkflowId } from '../../domain/ids';
import { contactScoreQuery } from '../../workflows/definitions';
import type { Queryable } from '../../db/pool';
import { createProfile, publishProfile } from '../../db/profiles';
import { saveTrigger } from '../../db/triggers';
import { triggerSchema } from '../../domain/trigger';
import { anInteraction, uniqueId } from '../support/builders';
import { setScore } from '../support/contact-seeds';
import { eventually } from '../support/eventually';
import { rulesFor } from '../support/fault-kit';
import { startHarness, type Harness } from '../support/harness';

/**
 * Segmentation runs for one contact may overlap: an older run stalls, a newer one finishes, the
 * older one resumes. The latest state must win: the contact ends in its current band's campaign.
 */

const BANDS = [
  { max: 30, campaignId: 'nurture' },
  { min: 30, max: 70, campaignId: 'standard' },
  { min: 70, campaignId: 'vip' },
];

/** Set while a test wants the first segmentation run's first campaign action held back. */
let holdFirstRun: Promise<void> | undefined;
/** Set while a test wants the first review run's leave-campaign steps held back. */
let holdReview: Promise<void> | undefined;

let h: Harness;
beforeAll(async () => {
  const hold =
    <A extends { actionKey: string }, R>(act: (a: A) => Promise<R>) =>
    async (a: A) => {
      if (holdFirstRun && a.actionKey.includes('/trigger:segment/1/')) await holdFirstRun;
      if (holdReview && a.actionKey.includes('/trigger:review/1/leave-campaign:')) await holdReview;
      return act(a);
    };
  h = await startHarness({
    overrideActivities: (real) => ({
      segmentByCurrentScore: hold(real.segmentByCurrentScore),
      addToCampaign: hold(real.addToCampaign),
      removeFromCampaign: hold(real.removeFromCampaign),
      leaveCampaignUnlessRecovered: hold(real.leaveCampaignUnlessRecovered),
    }),
  });
});
afterAll(async () => {
  await h?.shutdown();
});

async function campaignsOf(db: Queryable, accountId: string, contactId: string): Promise<string[]> {
  const { rows } = await db.query<{ campaign_id: string }>(
    `SELECT campaign_id FROM campaign_memberships
     WHERE account_id = $1 AND contact_id = $2 AND removed_at IS NULL ORDER BY campaign_id`,
    [accountId, contactId],
  );
  return rows.map((r) => r.campaign_id);
}

describe('segmentByCurrentScore (on Postgres)', () => {
  const env = new MockActivityEnvironment({}, { logger: new DefaultLogger('ERROR') });

  async function segmentAt(score: number | null, bands = BANDS, before: string[] = []) {
    const accountId = uniqueId('acct');
    const contactId = uniqueId('c');
    await ensureAccount(h.db, accountId, accountId);
    await upsertContact(h.db, accountId, { id: contactId });
    await createProfile(h.db, accountId, { id: 'engagement', name: 'E', rules: [] });
    await publishProfile(h.db, accountId, 'engagement', 'test');
    if (score !== null) await setScore(h.db, accountId, contactId, 'engagement', score);
    const actions = createActionActivities({
      db: h.db,
      mailer: createOutboxMailer(h.db),
      sms: createOutboxSmsProvider(h.db),
    });
    for (const campaignId of before)
      await env.run(actions.addToCampaign, { accountId, contactId, actionKey: uniqueId('k'), campaignId });
    const action = { accountId, contactId, actionKey: uniqueId('segment'), profileId: 'engagement', bands };
    const outcome = await env.run(actions.segmentByCurrentScore, action);
    // A retry reports the first outcome and changes nothing.
    expect(await env.run(actions.segmentByCurrentScore, action)).toEqual(outcome);
    return { outcome, campaigns: await campaignsOf(h.db, accountId, contactId) };
  }

  it.each([
    [75, 'vip'],
    [30, 'standard'], // min is inclusive, max exclusive
    [-5, 'nurture'],
  ])('when the score is %s, then the contact is in %s and no other band campaign', async (score, band) => {
    const { outcome, campaigns } = await segmentAt(score, BANDS, ['nurture', 'standard', 'vip', 'other']);
    expect(campaigns).toEqual([band, 'other'].sort());
    expect(outcome).toMatchObject({ status: 'done', detail: expect.stringContaining(`in ${band}`) });
  });

  it('when the score is empty, then the contact leaves every band campaign', async () => {
    const { campaigns, outcome } = await segmentAt(null, BANDS, ['vip']);
    expect(campaigns).toEqual([]);
    expect(outcome).toMatchObject({ detail: 'score empty: in no band; left vip' });
  });

  it('when two bands share a campaign, then it does not leave the campaign it is in', async () => {
    const shared = [
      { max: 50, campaignId: 'general' },
      { min: 50, max: 80, campaignId: 'general' },
      { min: 80, campaignId: 'vip' },
    ];
    expect((await segmentAt(60, shared, ['vip'])).campaigns).toEqual(['general']);
  });
});

describe('leaveCampaignUnlessRecovered (on Postgres)', () => {
  const env = new MockActivityEnvironment({}, { logger: new DefaultLogger('ERROR') });

  /** A member of `vip` with `score`, reviewed by trigger `review` (lte 0) unless `withTrigger` is false. */
  async function leaveAt(score: number | null, withTrigger = true) {
    const accountId = uniqueId('acct');
    const contactId = uniqueId('c');
    await ensureAccount(h.db, accountId, accountId);
    await upsertContact(h.db, accountId, { id: contactId });
    await createProfile(h.db, accountId, { id: 'engagement', name: 'E', rules: [] });
    await publishProfile(h.db, accountId, 'engagement', 'test');
    if (score !== null) await setScore(h.db, accountId, contactId, 'engagement', score);
    if (withTrigger) {
      const trigger = triggerSchema.parse({
        id: 'review',
        profileId: 'engagement',
        condition: { op: 'lte', value: 0 },
        reentry: { policy: 'once' },
        automation: 'inactive_contact_review',
        input: { leaveCampaigns: ['vip'] },
      });
      await saveTrigger(h.db, accountId, trigger);
    }
    const actions = createActionActivities({
      db: h.db,
      mailer: createOutboxMailer(h.db),
      sms: createOutboxSmsProvider(h.db),
    });
    await env.run(actions.addToCampaign, {
      accountId,
      contactId,
      actionKey: uniqueId('k'),
      campaignId: 'vip',
    });
    const action = {
      accountId,
      contactId,
      actionKey: uniqueId('leave'),
      campaignId: 'vip',
      triggerId: 'review',
    };
    const outcome = await env.run(actions.leaveCampaignUnlessRecovered, action);
    // A retry reports the first outcome and changes nothing, whatever the score did since.
    expect(await env.run(actions.leaveCampaignUnlessRecovered, action)).toEqual(outcome);
    return { outcome, campaigns: await campaignsOf(h.db, accountId, contactId) };
  }

  it('when the trigger’s condition still holds on the current score, then the contact leaves', async () => {
    const { outcome, campaigns } = await leaveAt(-5);
    expect(outcome).toMatchObject({ status: 'done', detail: 'removed' });
    expect(campaigns).toEqual([]);
  });

  it('when the current score no longer meets it (5, not lte 0), then the step is skipped as recovered and the contact stays', async () => {
    const { outcome, campaigns } = await leaveAt(5);
    expect(outcome).toMatchObject({ status: 'skipped', reason: 'recovered' });
    expect(campaigns).toEqual(['vip']);
  });

  it('when the trigger was deleted since it fired, then its fire stands and the contact leaves', async () => {
    const { outcome, campaigns } = await leaveAt(5, false);
    expect(outcome).toMatchObject({ status: 'done', detail: 'removed' });
    expect(campaigns).toEqual([]);
  });
});

describe('overlapping segmentation runs, end to end', () => {
  it('when an older run resumes after a newer one finished, then the contact stays in its current band', async () => {
    const account = await h.newAccount();
    const profile = { id: 'engagement', name: 'E', rules: rulesFor({ email_opened: 10, email_clicked: 40 }) };
    expect((await account.call('POST', '/profiles', profile)).status).toBe(201);
    expect((await account.call('POST', '/profiles/engagement/publish')).status).toBe(201);
    const trigger = {
      id: 'segment',
      profileId: 'engagement',
      condition: { op: 'gte', value: 0 },
      mode: 'every_change',
      reentry: { policy: 'always' },
      automation: 'campaign_segmentation',
      input: { bands: BANDS },
    };
    expect((await account.call('POST', '/triggers', trigger)).status).toBe(201);
    expect((await account.call('POST', '/contacts', { id: 'ada' })).status).toBe(201);

    let release!: () => void;
    holdFirstRun = new Promise((resolve) => (release = resolve));
    try {
      // 0 → 10 (run 1: nurture band, held), then 10 → 50 (run 2: standard band).
      await account.call('POST', '/contacts/ada/interactions', anInteraction({ type: 'email_opened' }));
      await eventually(async () =>
        expect((await account.call('GET', '/contacts/ada/score')).body.score).toBe(10),
      );
      await account.call('POST', '/contacts/ada/interactions', anInteraction({ type: 'email_clicked' }));
      await eventually(async () =>
        expect(await campaignsOf(h.db, account.accountId, 'ada')).toEqual(['standard']),
      );
      await sleep(500); // run 2 is done; run 1 still waits
    } finally {
      release();
    }
    // Run 1 resumes with its old fire (score 10): it must not move the contact back.
    const runOne = h.client.workflow.getHandle(`contact:${account.accountId}:ada/trigger:segment/1`);
    await runOne.result();
    expect(await campaignsOf(h.db, account.accountId, 'ada')).toEqual(['standard']);
  });
});

describe('a review that stalls past a newer segmentation, end to end', () => {
  it('when the contact recovered before the review acts, then the review leaves it in its current band', async () => {
    const account = await h.newAccount();
    const profile = {
      id: 'engagement',
      name: 'E',
      rules: rulesFor({ email_bounced: -10, email_clicked: 80 }),
    };
    expect((await account.call('POST', '/profiles', profile)).status).toBe(201);
    expect((await account.call('POST', '/profiles/engagement/publish')).status).toBe(201);
    const segment = {
      id: 'segment',
      profileId: 'engagement',
      condition: { op: 'is_not_empty' },
      mode: 'every_change',
      reentry: { policy: 'always' },
      automation: 'campaign_segmentation',
      input: { bands: BANDS },
    };
    const review = {
      id: 'review',
      profileId: 'engagement',
      condition: { op: 'lt', value: 0 },
      reentry: { policy: 'once' },
      automation: 'inactive_contact_review',
      input: { leaveCampaigns: ['standard', 'vip'] },
    };
    expect((await account.call('POST', '/triggers', segment)).status).toBe(201);
    expect((await account.call('POST', '/triggers', review)).status).toBe(201);
    expect((await account.call('POST', '/contacts', { id: 'cy' })).status).toBe(201);

    let release!: () => void;
    holdReview = new Promise((resolve) => (release = resolve));
    try {
      // empty → -10: the review fires (held before leaving) and segmentation puts cy in nurture;
      // then -10 → 70: a newer segmentation run puts cy in vip.
      await account.call('POST', '/contacts/cy/interactions', anInteraction({ type: 'email_bounced' }));
      await eventually(async () =>
        expect(await campaignsOf(h.db, account.accountId, 'cy')).toEqual(['nurture']),
      );
      await account.call('POST', '/contacts/cy/interactions', anInteraction({ type: 'email_clicked' }));
      await eventually(async () => expect(await campaignsOf(h.db, account.accountId, 'cy')).toEqual(['vip']));
    } finally {
      release();
      holdReview = undefined;
    }
    // The review resumes with its old fire (score -10): the contact is no longer inactive.
    const reviewRun = h.client.workflow.getHandle(`contact:${account.accountId}:cy/trigger:review/1`);
    await reviewRun.result();
    expect(await campaignsOf(h.db, account.accountId, 'cy')).toEqual(['vip']);
  });
});

describe('segmentation on a change of band, end to end', () => {
  it('when the score moves inside a band, then no segmentation starts; each change of band starts one', async () => {
    const account = await h.newAccount();
    const profile = { id: 'engagement', name: 'E', rules: rulesFor({ email_opened: 10 }) };
    expect((await account.call('POST', '/profiles', profile)).status).toBe(201);
    expect((await account.call('POST', '/profiles/engagement/publish')).status).toBe(201);
    const trigger = {
      id: 'segment-bands',
      profileId: 'engagement',
      condition: { op: 'is_not_empty' },
      mode: 'band_change',
      bandBoundaries: [30, 70],
      reentry: { policy: 'always' },
      automation: 'campaign_segmentation',
      input: { bands: BANDS },
    };
    expect((await account.call('POST', '/triggers', trigger)).status).toBe(201);
    expect((await account.call('POST', '/contacts', { id: 'bea' })).status).toBe(201);

    // 10, 20 (nurture), 30, 40 (standard): one interaction applied at a time, so each is a change.
    for (const expected of [10, 20, 30, 40]) {
      await account.call('POST', '/contacts/bea/interactions', anInteraction({ type: 'email_opened' }));
      await eventually(async () =>
        expect((await account.call('GET', '/contacts/bea/score')).body.score).toBe(expected),
      );
    }
    // The score is visible once committed; the workflow evaluates its triggers just after.
    const handle = h.client.workflow.getHandle(contactWorkflowId(account.accountId, 'bea'));
    const runs = await eventually(async () => {
      const view = await handle.query(contactScoreQuery);
      expect(view.pendingCount).toBe(0);
      expect(view.triggerStates['segment-bands']?.fires).toBe(2);
      return view.recentAutomations.filter((id) => id.includes('/trigger:segment-bands/'));
    });
    expect(runs).toHaveLength(2);
    await h.client.workflow.getHandle(runs.at(-1)!).result();
    expect(await campaignsOf(h.db, account.accountId, 'bea')).toEqual(['standard']);
  });
});
