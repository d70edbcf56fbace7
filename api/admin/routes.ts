import { defineRoute, named } from '../route';
import {
  accountCollectionSchema,
  accountParamsSchema,
  accountSchema,
  apiKeyCollectionSchema,
  apiKeySchema,
  createAccountSchema,
  createKeySchema,
  issuedKeySchema,
  keyParamsSchema,
  rotateKeySchema,
  rotationSchema,
  updateAccountSchema,
} from './schemas';
import { Endpoint, EndpointCollection, WebhookSecret } from '../webhooks/routes';
import { accountWebhookParamsSchema } from './webhook-schemas';

/** The /admin routes, declared once: adminRouter mounts them, the OpenAPI document lists them. */
const Account = named('Account', accountSchema);
const ApiKey = named('ApiKey', apiKeySchema);

export const adminRoutes = {
  listAccounts: defineRoute({
    method: 'get',
    path: '/admin/accounts',
    operationId: 'adminListAccounts',
    summary: 'Every account',
    tag: 'admin',
    auth: 'operator',
    responses: {
      200: { description: 'the accounts', body: named('AccountCollection', accountCollectionSchema) },
    },
  }),
  createAccount: defineRoute({
    method: 'post',
    path: '/admin/accounts',
    operationId: 'adminCreateAccount',
    summary: 'Create an account',
    tag: 'admin',
    auth: 'operator',
    body: named('AccountInput', createAccountSchema),
    responses: {
      201: { description: 'created', body: Account },
      409: { description: 'an account with this id exists' },
    },
  }),
  getAccount: defineRoute({
    method: 'get',
    path: '/admin/accounts/:accountId',
    operationId: 'adminGetAccount',
    summary: 'One account',
    tag: 'admin',
    auth: 'operator',
    params: accountParamsSchema,
    responses: { 200: { description: 'the account', body: Account } },
  }),
  updateAccount: defineRoute({
    method: 'patch',
    path: '/admin/accounts/:accountId',
    operationId: 'adminUpdateAccount',
    summary: 'Disable or enable an account',
    description: "A disabled account's keys are refused (401) on their next request, on every API process.",
    tag: 'admin',
    auth: 'operator',
    params: accountParamsSchema,
    body: named('AccountUpdate', updateAccountSchema),
    responses: { 200: { description: 'the account as it is now', body: Account } },
  }),
  listKeys: defineRoute({
    method: 'get',
    path: '/admin/accounts/:accountId/keys',
    operationId: 'adminListKeys',
    summary: "The account's API keys, without their secrets",
    tag: 'admin',
    auth: 'operator',
    params: accountParamsSchema,
    responses: {
      200: {
        description: 'every key, revoked and expired ones too',
        body: named('ApiKeyCollection', apiKeyCollectionSchema),
      },
    },
  }),
  createKey: defineRoute({
    method: 'post',
    path: '/admin/accounts/:accountId/keys',
    operationId: 'adminCreateKey',
    summary: 'Issue an API key',
    description: 'The answer carries the secret (`key`); it is never shown again.',
    tag: 'admin',
    auth: 'operator',
    params: accountParamsSchema,
    body: named('ApiKeyInput', createKeySchema),
    responses: { 201: { description: 'issued', body: named('IssuedApiKey', issuedKeySchema) } },
  }),
  revokeKey: defineRoute({
    method: 'delete',
    path: '/admin/accounts/:accountId/keys/:keyId',
    operationId: 'adminRevokeKey',
    summary: 'Revoke an API key',
    description:
      'Refused (401) from the next request on, on every API process: keys are checked against Postgres on each request.',
    tag: 'admin',
    auth: 'operator',
    params: keyParamsSchema,
    responses: { 200: { description: 'the key, revoked', body: ApiKey } },
  }),
  rotateKey: defineRoute({
    method: 'post',
    path: '/admin/accounts/:accountId/keys/:keyId/rotate',
    operationId: 'adminRotateKey',
    summary: 'Rotate an API key',
    description:
      'Issues a key with the same name and scopes; the old one keeps working for `overlapSeconds` (default one day), then is refused.',
    tag: 'admin',
    auth: 'operator',
    params: keyParamsSchema,
    body: named('RotateApiKey', rotateKeySchema),
    responses: {
      201: {
        description: 'the new key (with its secret) and the old one with its expiry',
        body: named('ApiKeyRotation', rotationSchema),
      },
      409: { description: 'the key is revoked or expired' },
    },
  }),
  listWebhookEndpoints: defineRoute({
    method: 'get',
    path: '/admin/accounts/:accountId/webhook-endpoints',
    operationId: 'adminListWebhookEndpoints',
    summary: "The account's provider webhook endpoints (never their secrets)",
    tag: 'admin',
    auth: 'operator',
    params: accountParamsSchema,
    responses: {
      200: { description: 'one per configured provider', body: EndpointCollection },
    },
  }),
  setWebhookSecret: defineRoute({
    method: 'put',
    path: '/admin/accounts/:accountId/webhook-endpoints/:provider',
    operationId: 'adminSetWebhookSecret',
    summary: "Set a provider's webhook secret for the account; answers the path the provider must call",
    description:
      "The same as `PUT /webhook-endpoints/{provider}` with the account's admin key: the endpoint id is made once and kept when the secret changes.",
    tag: 'admin',
    auth: 'operator',
    params: accountWebhookParamsSchema,
    body: WebhookSecret,
    responses: { 200: { description: 'the endpoint', body: Endpoint } },
  }),
};
