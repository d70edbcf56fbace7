import {
  bandFor,
  FOLLOW_UP_DEFAULTS,
  readCampaignSegmentationParams,
  readFollowUpParams,
  readInactiveContactReviewParams,
  readRewardOfferParams,
} from '../../domain/automation-param-readers';
import { automationParamsSchemas } from '../../domain/automation-params';
import { AUTOMATION_NAMES, automationWorkflowType } from '../../workflows/automations/registry';

describe('automation params schemas (checked by the API at trigger creation)', () => {
  it('has a schema for every registered automation', () => {
    expect(Object.keys(automationParamsSchemas).sort()).toEqual([...AUTOMATION_NAMES].sort());
  });

  it('accepts an empty input where every param has a default', () => {
    for (const name of ['follow_up_sequence', 'reward_offer', 'inactive_contact_review'] as const) {
      expect(automationParamsSchemas[name].safeParse({}).success).toBe(true);
    }
  });

  it('refuses unknown keys, so a typo is not silently a default', () => {
    const result = automationParamsSchemas.follow_up_sequence.safeParse({ waitdays: 3 });
    expect(result.success).toBe(false);
  });

  it('refuses segmentation without bands, and a band whose min is not below its max', () => {
    const bands = automationParamsSchemas.campaign_segmentation;
    expect(bands.safeParse({}).success).toBe(false);
    expect(bands.safeParse({ bands: [] }).success).toBe(false);
    expect(bands.safeParse({ bands: [{ min: 50, max: 50, campaignId: 'c' }] }).success).toBe(false);
    expect(bands.safeParse({ bands: [{ min: 10, campaignId: 'c' }] }).success).toBe(true);
  });
});

describe('reading params in the workflows', () => {
  it('fills defaults and takes the threshold as the recovery score unless recoveredAt is given', () => {
    expect(readFollowUpParams({ threshold: 20 })).toEqual({ ...FOLLOW_UP_DEFAULTS, recoveredAt: 20 });
    expect(readFollowUpParams({ threshold: 20, recoveredAt: 30 }).recoveredAt).toBe(30);
    expect(readFollowUpParams({}).recoveredAt).toBeNull();
  });

  it('reads a value of the wrong type as its default', () => {
    expect(readFollowUpParams({ waitDays: '3', emailSubject: '' }).waitDays).toBe(3);
    expect(readRewardOfferParams({ tag: 7 }).tag).toBe('engaged-reward');
    expect(readInactiveContactReviewParams({ leaveCampaigns: 'c1' })).toEqual({
      reviewTag: 'needs-review',
      leaveCampaigns: [],
    });
    expect(readCampaignSegmentationParams({ bands: [{ min: 1 }, null, { campaignId: 'x' }] }).bands).toEqual([
      { campaignId: 'x' },
    ]);
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

describe('automationWorkflowType', () => {
  it('maps registered names and nothing else', () => {
    expect(automationWorkflowType('follow_up_sequence')).toBe('followUpSequenceWorkflow');
    expect(automationWorkflowType('constructor')).toBeUndefined();
    expect(automationWorkflowType('unknown_automation')).toBeUndefined();
  });
});
