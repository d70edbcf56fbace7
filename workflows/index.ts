export { contactScoringWorkflow } from './contact-scoring';
export * from './automations';
