/** Automation workflows: children the contact workflow starts when a trigger fires (see registry.ts). */
export { campaignSegmentationWorkflow } from './campaign-segmentation';
export { followUpSequenceWorkflow } from './follow-up-sequence';
export { inactiveContactReviewWorkflow } from './inactive-contact-review';
export { rewardOfferWorkflow } from './reward-offer';
