import { z } from 'zod';
import type { AutomationName } from '../workflows/automations/registry';
import { entityIdSchema } from './ids';

/**
 * What each automation accepts as its trigger's `input`, checked by the API when a trigger is
 * created or replaced (`automationParamsSchemas[trigger.automation]`). No defaults here: the
 * workflows apply them when they run (domain/automation-param-readers.ts), so the stored input
 * stays what the author wrote. Unknown keys are refused, so a typo is an error, not a default.
 */

const subject = z.string().trim().min(1).max(200);
const body = z.string().trim().min(1).max(5_000);
const tag = z.string().min(1).max(64);

export const followUpSequenceParamsSchema = z.strictObject({
  /** Days between the email and the check; fractions allowed (0.5 = 12 hours). */
  waitDays: z.number().min(0).max(365).optional(),
  /** The score that counts as recovered; defaults to `threshold`. */
  recoveredAt: z.number().optional(),
  /** The trigger's threshold; the contact workflow fills it in from the trigger's condition. */
  threshold: z.number().optional(),
  emailSubject: subject.optional(),
  emailText: body.optional(),
  smsText: z.string().trim().min(1).max(1_600).optional(),
  taskTitle: subject.optional(),
  /** Who gets the task; defaults to the contact's owner. */
  taskAssignee: z.string().min(1).max(200).optional(),
});

export const rewardOfferParamsSchema = z.strictObject({
  tag: tag.optional(),
  emailSubject: subject.optional(),
  emailText: body.optional(),
});

export const scoreBandSchema = z
  .strictObject({
    /** Inclusive. */
    min: z.number().optional(),
    /** Exclusive. */
    max: z.number().optional(),
    campaignId: entityIdSchema,
  })
  .refine((b) => b.min === undefined || b.max === undefined || b.min < b.max, {
    message: 'min must be below max',
    path: ['max'],
  });

export const campaignSegmentationParamsSchema = z.strictObject({
  /** Checked in order; the contact goes to the first band its score falls in. */
  bands: z.array(scoreBandSchema).min(1).max(20),
});

export const inactiveContactReviewParamsSchema = z.strictObject({
  reviewTag: tag.optional(),
  leaveCampaigns: z.array(entityIdSchema).max(50).optional(),
});

export const automationParamsSchemas = {
  follow_up_sequence: followUpSequenceParamsSchema,
  reward_offer: rewardOfferParamsSchema,
  campaign_segmentation: campaignSegmentationParamsSchema,
  inactive_contact_review: inactiveContactReviewParamsSchema,
} as const satisfies Record<AutomationName, z.ZodType>;

export type FollowUpSequenceParamsInput = z.input<typeof followUpSequenceParamsSchema>;
export type RewardOfferParamsInput = z.input<typeof rewardOfferParamsSchema>;
export type CampaignSegmentationParamsInput = z.input<typeof campaignSegmentationParamsSchema>;
export type InactiveContactReviewParamsInput = z.input<typeof inactiveContactReviewParamsSchema>;
