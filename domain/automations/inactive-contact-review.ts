import { z } from 'zod';
import { entityIdSchema } from '../ids';
import { declareAutomation } from './declare';
import { tag } from './fields';

export const inactiveContactReview = declareAutomation({
  name: 'inactive_contact_review',
  workflowType: 'inactiveContactReviewWorkflow',
  summary: 'Tags the contact for review and, if asked, takes it out of campaigns',
  params: z.strictObject({
    reviewTag: tag.default('needs-review'),
    /** Campaign ids to take the contact out of; empty = stay in every campaign. */
    leaveCampaigns: z
      .array(entityIdSchema)
      .max(50)
      .default([])
      .transform((ids) => [...new Set(ids)]),
  }),
});
