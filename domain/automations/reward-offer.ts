import { z } from 'zod';
import { declareAutomation } from './declare';
import { body, subject, tag } from './fields';

export const rewardOffer = declareAutomation({
  name: 'reward_offer',
  workflowType: 'rewardOfferWorkflow',
  summary: 'An exclusive offer by email, and a tag marking the contact as rewarded',
  params: z.strictObject({
    tag: tag.default('engaged-reward'),
    emailSubject: subject.default('A thank-you for being with us'),
    emailText: body.default(
      'You are one of our most engaged contacts, so here is an exclusive offer for you.',
    ),
  }),
});
