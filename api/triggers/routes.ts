import { z } from 'zod';
import { entityIdSchema } from '../../domain/ids';
import { triggerSchema } from '../../domain/trigger';
import { triggerCollectionSchema, triggerRecordSchema } from '../openapi/response-schemas';
import { defineRoute, named } from '../route';

const params = z.strictObject({ triggerId: entityIdSchema });
const TriggerInput = named('TriggerInput', triggerSchema);
const TriggerRecord = named('TriggerRecord', triggerRecordSchema);

export const triggerRoutes = {
  list: defineRoute({
    method: 'get',
    path: '/triggers',
    operationId: 'listTriggers',
    summary: 'Score triggers',
    tag: 'triggers',
    scope: 'read',
    responses: {
      200: { description: 'all triggers', body: named('TriggerCollection', triggerCollectionSchema) },
    },
  }),
  create: defineRoute({
    method: 'post',
    path: '/triggers',
    operationId: 'createTrigger',
    summary: 'Create a trigger that starts an automation when a score condition becomes true',
    tag: 'triggers',
    scope: 'admin',
    body: TriggerInput,
    responses: {
      201: { description: 'created', body: TriggerRecord },
      409: { description: 'the id is taken', body: undefined },
    },
  }),
  get: defineRoute({
    method: 'get',
    path: '/triggers/:triggerId',
    operationId: 'getTrigger',
    summary: 'A trigger',
    tag: 'triggers',
    scope: 'read',
    params,
    responses: { 200: { description: 'the trigger', body: TriggerRecord } },
  }),
  replace: defineRoute({
    method: 'put',
    path: '/triggers/:triggerId',
    operationId: 'replaceTrigger',
    summary: 'Create or replace a trigger',
    tag: 'triggers',
    scope: 'admin',
    params,
    body: TriggerInput,
    responses: {
      200: { description: 'replaced', body: TriggerRecord },
      201: { description: 'created', body: TriggerRecord },
    },
  }),
  pause: defineRoute({
    method: 'patch',
    path: '/triggers/:triggerId',
    operationId: 'pauseTrigger',
    summary: 'Pause or resume a trigger',
    tag: 'triggers',
    scope: 'admin',
    params,
    body: named('TriggerPause', z.strictObject({ paused: z.boolean() })),
    responses: { 200: { description: 'the trigger', body: TriggerRecord } },
  }),
  delete: defineRoute({
    method: 'delete',
    path: '/triggers/:triggerId',
    operationId: 'deleteTrigger',
    summary: 'Delete a trigger',
    tag: 'triggers',
    scope: 'admin',
    params,
    responses: { 204: { description: 'deleted' } },
  }),
};
