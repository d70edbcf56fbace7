import { z } from 'zod';
import { entityIdSchema } from '../ids';
import { declareAutomation } from './declare';

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

/** A score band: `min` inclusive, `max` exclusive; a missing bound is open. */
export type ScoreBand = z.infer<typeof scoreBandSchema>;

export const campaignSegmentation = declareAutomation({
  name: 'campaign_segmentation',
  workflowType: 'campaignSegmentationWorkflow',
  summary: "Puts the contact in the campaign of its current score band, and out of the other bands'",
  params: z.strictObject({
    /** Checked in order; the contact goes to the first band its score falls in. */
    bands: z.array(scoreBandSchema).min(1).max(20),
  }),
});

/** The first band the score falls in; an empty score falls in none (it is not a number in any range). */
export function bandFor(bands: readonly ScoreBand[], score: number | null): ScoreBand | undefined {
  if (score === null) return undefined;
  return bands.find((b) => (b.min === undefined || score >= b.min) && (b.max === undefined || score < b.max));
}
