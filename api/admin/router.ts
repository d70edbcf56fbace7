import { Router } from 'express';
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
import { parsed, validate } from '../middleware/validate';
import { requireOperator } from './operator-auth';
import {
  accountParamsSchema,
  createAccountSchema,
  createKeySchema,
  keyParamsSchema,
  rotateKeySchema,
  updateAccountSchema,
} from './schemas';

/**
 * Accounts and their API keys, for operators (PULSE_OPERATOR_TOKEN), across all accounts. The
 * same operations are `pulse admin ...` on the command line (cli/admin.ts), straight on Postgres.
 */
export function adminRouter({ db, operatorToken }: { db: Db; operatorToken: string | undefined }): Router {
  const router = Router();
  router.use('/admin', requireOperator(operatorToken));

  router.get('/admin/accounts', async (_req, res) => {
    res.json({ accounts: await listAccounts(db) });
  });

  const create = { body: createAccountSchema };
  router.post('/admin/accounts', validate(create), async (_req, res) => {
    const { body } = parsed(res, create);
    const account = await createAccount(db, body);
    if (!account) throw new HttpError(409, 'Conflict', `account "${body.id}" already exists`);
    res.status(201).location(`/admin/accounts/${account.id}`).json(account);
  });

  const one = { params: accountParamsSchema };
  router.get('/admin/accounts/:accountId', validate(one), async (_req, res) => {
    res.json(await findAccount(db, parsed(res, one).params.accountId));
  });

  const update = { params: accountParamsSchema, body: updateAccountSchema };
  router.patch('/admin/accounts/:accountId', validate(update), async (_req, res) => {
    const { params, body } = parsed(res, update);
    const account = await setAccountDisabled(db, params.accountId, body.disabled);
    if (!account) throw accountNotFound(params.accountId);
    res.json(account);
  });

  router.get('/admin/accounts/:accountId/keys', validate(one), async (_req, res) => {
    const { accountId } = parsed(res, one).params;
    await findAccount(db, accountId);
    res.json({ keys: await listApiKeys(db, accountId) });
  });

  const createKey = { params: accountParamsSchema, body: createKeySchema };
  router.post('/admin/accounts/:accountId/keys', validate(createKey), async (_req, res) => {
    const { params, body } = parsed(res, createKey);
    await findAccount(db, params.accountId);
    const issued = await createApiKey(db, { accountId: params.accountId, ...body });
    const record = (await listApiKeys(db, params.accountId)).find((k) => k.id === issued.id)!;
    res.status(201).json({ ...record, key: issued.key });
  });

  const oneKey = { params: keyParamsSchema };
  router.delete('/admin/accounts/:accountId/keys/:keyId', validate(oneKey), async (_req, res) => {
    const { accountId, keyId } = parsed(res, oneKey).params;
    const key = await revokeApiKey(db, accountId, keyId);
    if (!key) throw keyNotFound(accountId, keyId);
    res.json(key);
  });

  const rotate = { params: keyParamsSchema, body: rotateKeySchema };
  router.post('/admin/accounts/:accountId/keys/:keyId/rotate', validate(rotate), async (_req, res) => {
    const { params, body } = parsed(res, rotate);
    const result = await rotateApiKey(db, { ...params, overlapSeconds: body.overlapSeconds });
    if (result.status === 'not-found') throw keyNotFound(params.accountId, params.keyId);
    if (result.status === 'not-live') throw notLive(result.previous);
    res.status(201).json({
      key: { ...result.replacement, key: result.issued.key },
      previous: result.previous,
    });
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
