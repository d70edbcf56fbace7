import { ContactPage } from '../contacts/routes';
import { contactFilterSchema, contactPageQuerySchema } from '../contacts/list-schemas';
import { defineRoute, named } from '../route';
import {
  createSmartListSchema,
  smartListCollectionSchema,
  smartListParamsSchema,
  smartListSchema,
  updateSmartListSchema,
} from './schemas';

const SmartList = named('SmartList', smartListSchema);

export const listRoutes = {
  list: defineRoute({
    method: 'get',
    path: '/lists',
    operationId: 'listSmartLists',
    summary: 'Smart lists',
    tag: 'lists',
    scope: 'read',
    responses: {
      200: {
        description: 'all lists, oldest first',
        body: named('SmartListCollection', smartListCollectionSchema),
      },
    },
  }),
  create: defineRoute({
    method: 'post',
    path: '/lists',
    operationId: 'createSmartList',
    summary: 'Save a contact filter as a smart list',
    description: `The filter has the fields of GET /contacts (without cursor and limit): ${Object.keys(contactFilterSchema.shape).join(', ')}.`,
    tag: 'lists',
    scope: 'write',
    body: named('SmartListInput', createSmartListSchema),
    responses: {
      201: { description: 'created', body: SmartList },
      409: { description: 'the name is taken' },
    },
  }),
  get: defineRoute({
    method: 'get',
    path: '/lists/:listId',
    operationId: 'getSmartList',
    summary: 'A smart list',
    tag: 'lists',
    scope: 'read',
    params: smartListParamsSchema,
    responses: { 200: { description: 'the list', body: SmartList } },
  }),
  update: defineRoute({
    method: 'patch',
    path: '/lists/:listId',
    operationId: 'updateSmartList',
    summary: 'Rename a smart list or replace its filter',
    tag: 'lists',
    scope: 'write',
    params: smartListParamsSchema,
    body: named('SmartListPatch', updateSmartListSchema),
    responses: {
      200: { description: 'the list', body: SmartList },
      409: { description: 'the name is taken' },
    },
  }),
  delete: defineRoute({
    method: 'delete',
    path: '/lists/:listId',
    operationId: 'deleteSmartList',
    summary: 'Delete a smart list',
    tag: 'lists',
    scope: 'write',
    params: smartListParamsSchema,
    responses: { 204: { description: 'deleted' } },
  }),
  members: defineRoute({
    method: 'get',
    path: '/lists/:listId/contacts',
    operationId: 'listSmartListContacts',
    summary: "A smart list's members, as of now",
    description:
      'Evaluates the saved filter at each request, with the same order and paging guarantees as GET /contacts.',
    tag: 'lists',
    scope: 'read',
    params: smartListParamsSchema,
    query: contactPageQuerySchema,
    responses: { 200: { description: 'one page', body: ContactPage } },
  }),
};
