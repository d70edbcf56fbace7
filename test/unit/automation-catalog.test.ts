import { ApplicationFailure } from '@temporalio/common';
import { AUTOMATIONS, automationReferenceProblems, findAutomation } from '../../domain/automations/catalog';
import { bandFor, campaignSegmentation } from '../../domain/automations/campaign-segmentation';
import { followUpSequence, hasRecovered } from '../../domain/automations/follow-up-sequence';
import { inactiveContactReview } from '../../domain/automations/inactive-contact-review';
import { rewardOffer } from '../../domain/automations/reward-offer';
import type { Trigger } from '../../domain/trigger';
import { readParams } from '../../workflows/automations/automation-run';

const aTrigger = (automation: string, input: Record<string, unknown>) =>
  ({
    id: 't',
    profileId: 'p',
    condition: { op: 'gte', value: 1 },
    mode: 'crossing',
    reentry: { policy: 'once' },
    paused: false,
    automation,
    input,
  }) as unknown as Trigger;

describe('the automation catalog (one declaration per automation)', () => {
  it('has unique names and workflow types', () => {
    expect(new Set(AUTOMATIONS.map((a) => a.name)).size).toBe(AUTOMATIONS.length);
    expect(new Set(AUTOMATIONS.map((a) => a.workflowType)).size).toBe(AUTOMATIONS.length);
  });

  it('finds shipped names and nothing else', () => {
    expect(findAutomation('follow_up_sequence')?.workflowType).toBe('followUpSequenceWorkflow');
    expect(findAutomation('constructor')).toBeUndefined();
    expect(findAutomation('unknown_automation')).toBeUndefined();
  });

  it('accepts an empty input where every param has a default', () => {
    for (const automation of [followUpSequence, rewardOffer, inactiveContactReview])
      expect(automation.params.safeParse({}).success).toBe(true);
  });

  it('refuses unknown keys, so a typo is not silently a default', () => {
    expect(automationReferenceProblems(aTrigger('follow_up_sequence', { waitdays: 3 }))).toEqual([
      { path: 'input', message: expect.stringContaining('waitdays') },
    ]);
  });

  it('names an unknown automation with the list of shipped ones', () => {
    const [problem] = automationReferenceProblems(aTrigger('nope', {}));
    expect(problem).toEqual({ path: 'automation', message: expect.stringContaining('reward_offer') });
  });

  it('refuses segmentation without bands, and a band whose min is not below its max', () => {
    const { params } = campaignSegmentation;
    expect(params.safeParse({}).success).toBe(false);
    expect(params.safeParse({ bands: [] }).success).toBe(false);
    expect(params.safeParse({ bands: [{ min: 50, max: 50, campaignId: 'c' }] }).success).toBe(false);
    expect(params.safeParse({ bands: [{ min: 10, campaignId: 'c' }] }).success).toBe(true);
    expect(automationReferenceProblems(aTrigger('campaign_segmentation', { bands: [{ min: 1 }] }))).toEqual([
      { path: 'input.bands.0.campaignId', message: expect.any(String) },
    ]);
  });
});

describe('reading params when an automation runs', () => {
  const input = (params: Record<string, unknown>) => ({
    accountId: 'a',
    contactId: 'c',
    triggerId: 't',
    profileId: 'p',
    score: 1,
    params,
  });

  it('fills defaults; the stored input stays what the author wrote', () => {
    const written = { smsText: 'hi' };
    expect(readParams(followUpSequence, input(written))).toMatchObject({ waitDays: 3, smsText: 'hi' });
    expect(written).toEqual({ smsText: 'hi' });
    expect(
      readParams(inactiveContactReview, input({ leaveCampaigns: ['a', 'a', 'b'] })).leaveCampaigns,
    ).toEqual(['a', 'b']);
  });

  it('fails the automation for good on input a later release no longer accepts', () => {
    expect(() => readParams(rewardOffer, input({ tag: 7 }))).toThrow(ApplicationFailure);
    try {
      readParams(rewardOffer, input({ tag: 7 }));
    } catch (err) {
      expect((err as ApplicationFailure).nonRetryable).toBe(true);
      expect((err as ApplicationFailure).message).toContain('input.tag');
    }
  });

  it('counts a score at or above the recovery score as recovered, and never an empty one', () => {
    expect(hasRecovered(20, 20)).toBe(true);
    expect(hasRecovered(19, 20)).toBe(false);
    expect(hasRecovered(50, undefined)).toBe(false);
    expect(hasRecovered(null, 0)).toBe(false);
  });

  it('puts a score in the first band it falls in: min inclusive, max exclusive, empty in none', () => {
    const bands = [
      { max: 30, campaignId: 'low' },
      { min: 30, campaignId: 'high' },
    ];
    expect(bandFor(bands, 29.5)?.campaignId).toBe('low');
    expect(bandFor(bands, 30)?.campaignId).toBe('high');
    expect(bandFor(bands, null)).toBeUndefined();
  });
});
