import express, { Router } from 'express';
import {
  createAccount,
  createApiKey,
  getAccount,
  listAccounts,
  listApiKeys,
  revokeApiKey,
  rotateApiKey,
  setAccountDisabled,
  type ApiKeyRecord,
} from '../../db/accounts';
import type { Db } from '../../db/pool';
import { HttpError } from '../http-error';
import { limitJsonDepth } from '../middleware/json-depth';
import { parsed, serve } from '../route';
import { requireOperator } from './operator-auth';
import { adminRoutes as routes } from './routes';
import { listWebhookEndpoints } from '../../db/webhook-endpoints';
import { setProviderSecret, withPath } from '../webhooks/endpoint-view';

/**
 * Accounts and their API keys, for operators (PULSE_OPERATOR_TOKEN), across all accounts. The
 * same operations are `pulse admin ...` on the command line (cli/admin.ts), straight on Postgres.
 */
export function adminRouter({ db, operatorToken }: { db: Db; operatorToken: string | undefined }): Router {
  const router = Router();
  // The token first, then the body: these routes sit before the app's own authenticate and parser.
  router.use(
    '/admin',
    requireOperator(operatorToken),
    express.json({ limit: '64kb', type: ['application/json', 'application/*+json'] }),
    limitJsonDepth(),
  );

  serve(router, routes.listAccounts, async (_req, res) => {
    res.json({ accounts: await listAccounts(db) });
  });

  serve(router, routes.createAccount, async (_req, res) => {
    const { body } = parsed(res, routes.createAccount);
    const account = await createAccount(db, body);
    if (!account) throw new HttpError(409, 'Conflict', `account "${body.id}" already exists`);
    res.status(201).location(`/admin/accounts/${account.id}`).json(account);
  });

  serve(router, routes.getAccount, async (_req, res) => {
    res.json(await findAccount(db, parsed(res, routes.getAccount).params.accountId));
  });

  serve(router, routes.updateAccount, async (_req, res) => {
    const { params, body } = parsed(res, routes.updateAccount);
    const account = await setAccountDisabled(db, params.accountId, body.disabled);
    if (!account) throw accountNotFound(params.accountId);
    res.json(account);
  });

  serve(router, routes.listKeys, async (_req, res) => {
    const { accountId } = parsed(res, routes.listKeys).params;
    await findAccount(db, accountId);
    res.json({ keys: await listApiKeys(db, accountId) });
  });

  serve(router, routes.createKey, async (_req, res) => {
    const { params, body } = parsed(res, routes.createKey);
    await findAccount(db, params.accountId);
    const issued = await createApiKey(db, { accountId: params.accountId, ...body });
    const record = (await listApiKeys(db, params.accountId)).find((k) => k.id === issued.id)!;
    res.status(201).json({ ...record, key: issued.key });
  });

  serve(router, routes.revokeKey, async (_req, res) => {
    const { accountId, keyId } = parsed(res, routes.revokeKey).params;
    const key = await revokeApiKey(db, accountId, keyId);
    if (!key) throw keyNotFound(accountId, keyId);
    res.json(key);
  });

  serve(router, routes.rotateKey, async (_req, res) => {
    const { params, body } = parsed(res, routes.rotateKey);
    const result = await rotateApiKey(db, { ...params, overlapSeconds: body.overlapSeconds });
    if (result.status === 'not-found') throw keyNotFound(params.accountId, params.keyId);
    if (result.status === 'not-live') throw notLive(result.previous);
    res.status(201).json({
      key: { ...result.replacement, key: result.issued.key },
      previous: result.previous,
    });
  });

  serve(router, routes.listWebhookEndpoints, async (_req, res) => {
    const { accountId } = parsed(res, routes.listWebhookEndpoints).params;
    await findAccount(db, accountId);
    res.json({ endpoints: (await listWebhookEndpoints(db, accountId)).map(withPath) });
  });

  serve(router, routes.setWebhookSecret, async (_req, res) => {
    const { params, body } = parsed(res, routes.setWebhookSecret);
    await findAccount(db, params.accountId);
    res.json(await setProviderSecret(db, params.accountId, params.provider, body.secret));
  });

  return router;
}

async function findAccount(db: Db, accountId: string) {
  const account = await getAccount(db, accountId);
  if (!account) throw accountNotFound(accountId);
  return account;
}

const accountNotFound = (id: string) => HttpError.notFound(`account "${id}"`);
const keyNotFound = (accountId: string, keyId: string) =>
  HttpError.notFound(`key "${keyId}" of account "${accountId}"`);
const notLive = (key: ApiKeyRecord) =>
  new HttpError(
    409,
    'Conflict',
    `key "${key.id}" is ${key.revokedAt ? 'revoked' : 'expired'}: issue a new key instead of rotating it`,
  );
