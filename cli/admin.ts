import { Command, InvalidArgumentError, Option } from 'commander';
import {
  API_KEY_SCOPES,
  createAccount,
  createApiKey,
  getAccount,
  listAccounts,
  listApiKeys,
  revokeApiKey,
  rotateApiKey,
  setAccountDisabled,
  type AccountRecord,
  type ApiKeyRecord,
  type ApiKeyScope,
} from '../db/accounts';
import { createPool, type Db } from '../db/pool';
import { accountParamsSchema, DEFAULT_OVERLAP_SECONDS } from '../api/admin/schemas';
import { ApiError } from './api-client';
import { defineWebhookAdminCommands } from './admin-webhooks';
import { table } from './render';

/**
 * `pulse admin ...`: accounts and API keys, straight on Postgres (DATABASE_URL), for an operator
 * with database access: the first account and key of a deployment come from here. The same
 * operations are the /admin routes of the API.
 */
export function defineAdminCommands(admin: Command): void {
  admin
    .description('Accounts and API keys, on the database directly (DATABASE_URL)')
    .addOption(
      new Option('--database-url <url>', 'PostgreSQL URL of the Pulse database')
        .env('DATABASE_URL')
        .makeOptionMandatory(),
    );

  const accounts = admin.command('accounts').description('Accounts');
  accounts
    .command('create')
    .description('Create an account')
    .argument('<accountId>', 'lower-case id, e.g. acme-corp', accountIdArg)
    .requiredOption('--name <name>', 'display name')
    .action((id: string, opts: { name: string }, cmd: Command) =>
      withDb(cmd, async (db, out) => {
        const account = await createAccount(db, { id, name: opts.name });
        if (!account) throw new ApiError(409, `account "${id}" already exists`);
        out(account, () => `Created account ${account.id} (${account.name}).`);
      }),
    );

  accounts
    .command('list')
    .description('Every account')
    .action((_opts: unknown, cmd: Command) =>
      withDb(cmd, async (db, out) => {
        const list = await listAccounts(db);
        out(list, () =>
          list.length === 0
            ? 'No accounts.'
            : table(
                [{ header: 'ACCOUNT' }, { header: 'NAME' }, { header: 'CREATED' }, { header: 'STATE' }],
                list.map((a) => [a.id, a.name, when(a.createdAt), stateOf(a)]),
              ),
        );
      }),
    );

  for (const [name, disabled] of [
    ['disable', true],
    ['enable', false],
  ] as const) {
    accounts
      .command(name)
      .description(
        disabled ? 'Disable an account: its keys are refused from the next request on' : 'Enable it again',
      )
      .argument('<accountId>', 'the account', accountIdArg)
      .action((id: string, _opts: unknown, cmd: Command) =>
        withDb(cmd, async (db, out) => {
          const account = await setAccountDisabled(db, id, disabled);
          if (!account) throw new ApiError(404, `account "${id}" does not exist`);
          out(account, () => `Account ${id} is ${stateOf(account)}.`);
        }),
      );
  }

  const keys = admin.command('keys').description('API keys of an account');
  keys
    .command('create')
    .description('Issue an API key; its secret is printed once and never again')
    .argument('<accountId>', 'the account', accountIdArg)
    .requiredOption('--name <name>', 'what the key is for, e.g. "crm sync"')
    .option('--scopes <list>', `comma-separated: ${API_KEY_SCOPES.join(', ')}`, scopesArg, ['read'])
    .action((accountId: string, opts: { name: string; scopes: ApiKeyScope[] }, cmd: Command) =>
      withDb(cmd, async (db, out) => {
        await requireAccount(db, accountId);
        const issued = await createApiKey(db, { accountId, name: opts.name, scopes: opts.scopes });
        out({ id: issued.id, key: issued.key, accountId, name: opts.name, scopes: opts.scopes }, () =>
          [
            `Issued ${issued.id} for ${accountId} (${opts.scopes.join(', ')}). The key, shown only now:`,
            issued.key,
          ].join('\n'),
        );
      }),
    );

  keys
    .command('list')
    .description("The account's keys (never their secrets)")
    .argument('<accountId>', 'the account', accountIdArg)
    .action((accountId: string, _opts: unknown, cmd: Command) =>
      withDb(cmd, async (db, out) => {
        await requireAccount(db, accountId);
        const list = await listApiKeys(db, accountId);
        out(list, () => (list.length === 0 ? 'No keys.' : keyTable(list)));
      }),
    );

  keys
    .command('revoke')
    .description('Revoke a key: refused from the next request on, on every API process')
    .argument('<accountId>', 'the account', accountIdArg)
    .argument('<keyId>', 'the key id (key_...)')
    .action((accountId: string, keyId: string, _opts: unknown, cmd: Command) =>
      withDb(cmd, async (db, out) => {
        const key = await revokeApiKey(db, accountId, keyId);
        if (!key) throw new ApiError(404, `key "${keyId}" of account "${accountId}" does not exist`);
        out(key, () => `Revoked ${keyId} (${key.name}).`);
      }),
    );

  keys
    .command('rotate')
    .description('Issue a replacement with the same name and scopes; the old key works for --overlap more')
    .argument('<accountId>', 'the account', accountIdArg)
    .argument('<keyId>', 'the key to replace (key_...)')
    .option('--overlap <seconds>', 'how long the old key keeps working', secondsArg, DEFAULT_OVERLAP_SECONDS)
    .action((accountId: string, keyId: string, opts: { overlap: number }, cmd: Command) =>
      withDb(cmd, async (db, out) => {
        const result = await rotateApiKey(db, { accountId, keyId, overlapSeconds: opts.overlap });
        if (result.status === 'not-found')
          throw new ApiError(404, `key "${keyId}" of account "${accountId}" does not exist`);
        if (result.status === 'not-live')
          throw new ApiError(409, `key "${keyId}" is revoked or expired: issue a new key instead`);
        out({ key: { ...result.replacement, key: result.issued.key }, previous: result.previous }, () =>
          [
            `Issued ${result.issued.id} to replace ${keyId}; ${keyId} works until ${when(result.previous.expiresAt!)}.`,
            'The new key, shown only now:',
            result.issued.key,
          ].join('\n'),
        );
      }),
    );

  defineWebhookAdminCommands(admin.command('webhooks'), withDb);
}

export type Print = (data: unknown, text: () => string) => void;

/** One pool per command, closed whatever happens; --json (a global option) prints the records. */
export async function withDb(cmd: Command, work: (db: Db, out: Print) => Promise<void>): Promise<void> {
  const opts = cmd.optsWithGlobals<{ databaseUrl: string; json?: boolean }>();
  const db = createPool(opts.databaseUrl, 2);
  const out: Print = (data, text) =>
    process.stdout.write((opts.json ? JSON.stringify(data, null, 2) : text()) + '\n');
  try {
    await work(db, out);
  } finally {
    await db.end();
  }
}

async function requireAccount(db: Db, accountId: string): Promise<AccountRecord> {
  const account = await getAccount(db, accountId);
  if (!account) throw new ApiError(404, `account "${accountId}" does not exist`);
  return account;
}

function keyTable(list: ApiKeyRecord[]): string {
  return table(
    [
      { header: 'KEY' },
      { header: 'NAME' },
      { header: 'SCOPES' },
      { header: 'CREATED' },
      { header: 'LAST USED' },
      { header: 'STATE' },
    ],
    list.map((k) => [
      k.id,
      k.name,
      k.scopes.join(','),
      when(k.createdAt),
      k.lastUsedAt && when(k.lastUsedAt),
      keyState(k),
    ]),
  );
}

function keyState(k: ApiKeyRecord): string {
  if (k.revokedAt) return `revoked ${when(k.revokedAt)}`;
  if (k.expiresAt && Date.parse(k.expiresAt) <= Date.now()) return `expired ${when(k.expiresAt)}`;
  if (k.expiresAt) return `live until ${when(k.expiresAt)} (replaced by ${k.replacedBy})`;
  return 'live';
}

const stateOf = (a: AccountRecord) => (a.disabledAt ? `disabled since ${when(a.disabledAt)}` : 'enabled');
const when = (iso: string) => iso.replace('T', ' ').replace(/\.\d+Z$/, 'Z');

function accountIdArg(value: string): string {
  const result = accountParamsSchema.shape.accountId.safeParse(value);
  if (!result.success) throw new InvalidArgumentError(result.error.issues[0]!.message);
  return value;
}

function scopesArg(value: string): ApiKeyScope[] {
  const scopes = value.split(',').map((s) => s.trim());
  const unknown = scopes.filter((s) => !(API_KEY_SCOPES as readonly string[]).includes(s));
  if (unknown.length > 0 || scopes.length === 0)
    throw new InvalidArgumentError(`unknown scope ${unknown.join(', ')}: use ${API_KEY_SCOPES.join(', ')}`);
  return [...new Set(scopes)] as ApiKeyScope[];
}

function secondsArg(value: string): number {
  if (!/^\d+$/.test(value)) throw new InvalidArgumentError('whole seconds, e.g. 3600');
  return Number(value);
}
