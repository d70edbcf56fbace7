import { Router } from 'express';
import { externalAutomationInputJsonSchema } from '../../domain/automations/external';
import { defineRoute, serve } from '../route';

export const schemaRoutes = {
  automationInput: defineRoute({
    method: 'get',
    path: '/schemas/automation-input.json',
    operationId: 'automationInputSchema',
    summary: 'JSON Schema of the input Pulse passes to an automation of your own',
    description:
      'A trigger whose `automation` is `{ workflowType, taskQueue }` starts that workflow, served by your own worker in any Temporal SDK, with this input as its single argument. The same file is docs/automation-input.schema.json in the repository.',
    tag: 'operations',
    responses: {
      200: { description: 'JSON Schema (draft 2020-12)', contentType: 'application/schema+json' },
    },
  }),
};

/** Public like the OpenAPI document: a worker's author reads it before they have an API key. */
export function schemasRouter(): Router {
  const router = Router();
  const schema = externalAutomationInputJsonSchema();
  serve(router, schemaRoutes.automationInput, (_req, res) => {
    res.type('application/schema+json').send(JSON.stringify(schema, null, 2));
  });
  return router;
}
