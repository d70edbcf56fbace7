export { contactScoringWorkflow } from './contact-scoring';
