export { contactScoringWorkflow } from './contact-scoring';
export { rescoreProfileWorkflow } from './rescore-profile';
export * from './automations';
export { reconcileInboxWorkflow } from './reconcile-inbox';
