/**
 * Automation params as the workflows read them: the trigger's `input`, validated by the API at
 * trigger creation (domain/automation-params.ts), read here with defaults. Kept free of zod so
 * that the workflow bundle does not carry it; a value of the wrong type reads as its default.
 * Defaults apply when the automation runs, so changing one here changes it for existing triggers.
 */

export const FOLLOW_UP_DEFAULTS = {
  waitDays: 3,
  emailSubject: 'We miss you',
  emailText: 'It has been a while. Here is what is new since your last visit.',
  smsText: 'We have something new for you. Reply STOP to opt out.',
  taskTitle: 'Follow up: engagement dropped',
} as const;

export interface FollowUpParams {
  waitDays: number;
  /** Recovered means a score at or above this; null when neither recoveredAt nor threshold was given. */
  recoveredAt: number | null;
  emailSubject: string;
  emailText: string;
  smsText: string;
  taskTitle: string;
  /** Who gets the task; absent = the contact's owner. */
  taskAssignee?: string;
}

export function readFollowUpParams(params: Record<string, unknown>): FollowUpParams {
  const assignee = text(params.taskAssignee);
  return {
    waitDays: nonNegative(params.waitDays) ?? FOLLOW_UP_DEFAULTS.waitDays,
    recoveredAt: finite(params.recoveredAt) ?? finite(params.threshold) ?? null,
    emailSubject: text(params.emailSubject) ?? FOLLOW_UP_DEFAULTS.emailSubject,
    emailText: text(params.emailText) ?? FOLLOW_UP_DEFAULTS.emailText,
    smsText: text(params.smsText) ?? FOLLOW_UP_DEFAULTS.smsText,
    taskTitle: text(params.taskTitle) ?? FOLLOW_UP_DEFAULTS.taskTitle,
    ...(assignee === undefined ? {} : { taskAssignee: assignee }),
  };
}

/** Recovered: the score is back at or above the threshold the trigger watched. */
export function hasRecovered(score: number | null, recoveredAt: number | null): boolean {
  return score !== null && recoveredAt !== null && score >= recoveredAt;
}

export const REWARD_OFFER_DEFAULTS = {
  tag: 'engaged-reward',
  emailSubject: 'A thank-you for being with us',
  emailText: 'You are one of our most engaged contacts, so here is an exclusive offer for you.',
} as const;

export interface RewardOfferParams {
  tag: string;
  emailSubject: string;
  emailText: string;
}

export function readRewardOfferParams(params: Record<string, unknown>): RewardOfferParams {
  return {
    tag: text(params.tag) ?? REWARD_OFFER_DEFAULTS.tag,
    emailSubject: text(params.emailSubject) ?? REWARD_OFFER_DEFAULTS.emailSubject,
    emailText: text(params.emailText) ?? REWARD_OFFER_DEFAULTS.emailText,
  };
}

/** A score band: `min` inclusive, `max` exclusive; a missing bound is open. */
export interface ScoreBand {
  min?: number;
  max?: number;
  campaignId: string;
}

export interface CampaignSegmentationParams {
  bands: ScoreBand[];
}

export function readCampaignSegmentationParams(params: Record<string, unknown>): CampaignSegmentationParams {
  const bands: ScoreBand[] = [];
  for (const raw of Array.isArray(params.bands) ? (params.bands as unknown[]) : []) {
    if (typeof raw !== 'object' || raw === null) continue;
    const band = raw as Record<string, unknown>;
    const campaignId = text(band.campaignId);
    if (campaignId === undefined) continue;
    const min = finite(band.min);
    const max = finite(band.max);
    bands.push({ campaignId, ...(min === undefined ? {} : { min }), ...(max === undefined ? {} : { max }) });
  }
  return { bands };
}

/** The first band the score falls in; an empty score falls in none (it is not a number in any range). */
export function bandFor(bands: readonly ScoreBand[], score: number | null): ScoreBand | undefined {
  if (score === null) return undefined;
  return bands.find((b) => (b.min === undefined || score >= b.min) && (b.max === undefined || score < b.max));
}

export const INACTIVE_CONTACT_REVIEW_DEFAULTS = { reviewTag: 'needs-review' } as const;

export interface InactiveContactReviewParams {
  reviewTag: string;
  /** Campaign ids to take the contact out of; empty = stay in every campaign. */
  leaveCampaigns: string[];
}

export function readInactiveContactReviewParams(
  params: Record<string, unknown>,
): InactiveContactReviewParams {
  const leave = Array.isArray(params.leaveCampaigns) ? (params.leaveCampaigns as unknown[]) : [];
  return {
    reviewTag: text(params.reviewTag) ?? INACTIVE_CONTACT_REVIEW_DEFAULTS.reviewTag,
    leaveCampaigns: unique(leave.map(text).filter((id): id is string => id !== undefined)),
  };
}

function finite(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

function nonNegative(value: unknown): number | undefined {
  const n = finite(value);
  return n !== undefined && n >= 0 ? n : undefined;
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() !== '' ? value : undefined;
}

function unique(values: string[]): string[] {
  return [...new Set(values)];
}
