import { Command, InvalidArgumentError, Option } from 'commander';
import { getAccount } from '../db/accounts';
import type { Db } from '../db/pool';
import { listWebhookEndpoints } from '../db/webhook-endpoints';
import { WEBHOOK_PROVIDERS, type WebhookProvider } from '../domain/webhooks/webhook-event';
import { setProviderSecret, withPath } from '../api/webhooks/endpoint-view';
import { HttpError } from '../api/http-error';
import { ApiError } from './api-client';
import type { Print } from './admin';
import { table } from './render';

type WithDb = (cmd: Command, work: (db: Db, out: Print) => Promise<void>) => Promise<void>;

/**
 * `pulse admin webhooks ...`: an account's provider webhook secrets, straight on Postgres. The
 * same as PUT /webhook-endpoints/:provider with the account's admin key, or the /admin route.
 */
export function defineWebhookAdminCommands(webhooks: Command, withDb: WithDb): void {
  webhooks.description('Provider webhook endpoints of an account (Stripe, SendGrid, Calendly, Twilio)');

  webhooks
    .command('set')
    .description(
      "Set a provider's secret; prints the path to give the provider (kept when the secret changes)",
    )
    .argument('<accountId>', 'the account')
    .argument('<provider>', WEBHOOK_PROVIDERS.join(' | '), providerArg)
    .addOption(
      new Option(
        '--secret <secret>',
        'the signing secret, verification key or auth token (prefer the variable: argv is visible to ps)',
      )
        .env('PULSE_WEBHOOK_SECRET')
        .makeOptionMandatory(),
    )
    .action((accountId: string, provider: WebhookProvider, opts: { secret: string }, cmd: Command) =>
      withDb(cmd, async (db, out) => {
        await requireAccount(db, accountId);
        const endpoint = await setProviderSecret(db, accountId, provider, opts.secret).catch(
          (err: unknown) => {
            if (err instanceof HttpError) throw new ApiError(err.status, err.detail ?? err.title);
            throw err;
          },
        );
        out(endpoint, () =>
          [
            `Set the ${provider} secret of ${accountId} (${endpoint.secretHint}).`,
            `Webhook URL: <API base URL>${endpoint.path}`,
          ].join('\n'),
        );
      }),
    );

  webhooks
    .command('list')
    .description("The account's endpoints (never their secrets)")
    .argument('<accountId>', 'the account')
    .action((accountId: string, _opts: unknown, cmd: Command) =>
      withDb(cmd, async (db, out) => {
        await requireAccount(db, accountId);
        const list = (await listWebhookEndpoints(db, accountId)).map(withPath);
        out(list, () =>
          list.length === 0
            ? 'No webhook endpoints.'
            : table(
                [{ header: 'PROVIDER' }, { header: 'PATH' }, { header: 'SECRET' }, { header: 'UPDATED' }],
                list.map((e) => [e.provider, e.path, e.secretHint, e.updatedAt]),
              ),
        );
      }),
    );
}

function providerArg(value: string): WebhookProvider {
  if (!(WEBHOOK_PROVIDERS as readonly string[]).includes(value))
    throw new InvalidArgumentError(`one of ${WEBHOOK_PROVIDERS.join(', ')}`);
  return value as WebhookProvider;
}

async function requireAccount(db: Db, accountId: string): Promise<void> {
  if (!(await getAccount(db, accountId))) throw new ApiError(404, `account "${accountId}" does not exist`);
}
