/** Automation workflows: children the contact workflow starts when a trigger fires (declared in domain/automations/). */
export { campaignSegmentationWorkflow } from './campaign-segmentation';
export { followUpSequenceWorkflow } from './follow-up-sequence';
export { inactiveContactReviewWorkflow } from './inactive-contact-review';
export { rewardOfferWorkflow } from './reward-offer';
export { webhookNotifyWorkflow } from './webhook-notify';

import type { AutomationWorkflowType } from '../../domain/automations/catalog';
import type * as exported from './index';

/** Compile-time check: every declared automation has its workflow exported here. */
export type DeclaredWorkflowsExist = AutomationWorkflowType extends keyof typeof exported ? true : never;
const declaredWorkflowsExist: DeclaredWorkflowsExist = true;
void declaredWorkflowsExist;
