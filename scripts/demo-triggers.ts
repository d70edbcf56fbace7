import type { TriggerInput } from '../domain/trigger';

/**
 * The seeds' four use cases, declared in code. `npm start` syncs them into the demo account;
 * the same shape goes to POST /triggers.
 */
export const DEMO_TRIGGERS: TriggerInput[] = [
  {
    id: 'follow-up-when-cooling',
    profileId: 'engagement',
    condition: { op: 'lt', value: 5 },
    mode: 'crossing',
    reentry: { policy: 'cooldown', cooldownMs: 7 * 86_400_000 },
    rearmMargin: 5,
    automation: 'follow_up_sequence',
    input: { waitDays: 3, recoveredAt: 10 },
  },
  {
    id: 'reward-highly-engaged',
    profileId: 'engagement',
    condition: { op: 'gte', value: 40 },
    reentry: { policy: 'once' },
    automation: 'reward_offer',
    input: { tag: 'vip-reward' },
  },
  {
    id: 'segment-by-score',
    profileId: 'engagement',
    condition: { op: 'is_not_empty' },
    // The automation's band edges: it runs when the band changes, not on every point.
    mode: 'band_change',
    bandBoundaries: [10, 40],
    reentry: { policy: 'always' },
    automation: 'campaign_segmentation',
    input: {
      bands: [
        { max: 10, campaignId: 'nurture' },
        { min: 10, max: 40, campaignId: 'warm-leads' },
        { min: 40, campaignId: 'hot-leads' },
      ],
    },
  },
  {
    id: 'review-inactive',
    profileId: 'engagement',
    condition: { op: 'lte', value: 0 },
    reentry: { policy: 'cooldown', cooldownMs: 30 * 86_400_000 },
    automation: 'inactive_contact_review',
    input: { reviewTag: 'needs-review', leaveCampaigns: ['warm-leads', 'hot-leads'] },
  },
];
