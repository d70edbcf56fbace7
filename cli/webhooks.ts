import { Command, InvalidArgumentError, Option } from 'commander';
import type { z } from 'zod';
import type {
  unmatchedEventsSchema,
  webhookEndpointCollectionSchema,
  webhookEndpointSchema,
} from '../api/webhooks/schemas';
import { WEBHOOK_PROVIDERS } from '../domain/webhooks/webhook-event';
import { seg, type ApiClient } from './api-client';
import { table } from './render';

type Endpoint = z.output<typeof webhookEndpointSchema>;
type Endpoints = z.output<typeof webhookEndpointCollectionSchema>;
type Unmatched = z.output<typeof unmatchedEventsSchema>;
interface Out {
  readonly json: boolean;
  line(text?: string): void;
  data(value: unknown): void;
}

/** `pulse webhooks ...`: the account's provider webhook secrets and unmatched events, over the API. */
export function defineWebhookCommands(
  webhooks: Command,
  context: (cmd: Command) => { api: ApiClient; out: Out },
): void {
  webhooks.description('Provider webhooks (Stripe, SendGrid, Calendly, Twilio) of the account');

  webhooks
    .command('set')
    .description("Set a provider's secret (admin key); prints the URL path to register at the provider")
    .argument('<provider>', WEBHOOK_PROVIDERS.join(' | '), (value: string) => {
      if (!(WEBHOOK_PROVIDERS as readonly string[]).includes(value))
        throw new InvalidArgumentError(`one of ${WEBHOOK_PROVIDERS.join(', ')}`);
      return value;
    })
    .addOption(
      new Option(
        '--secret <secret>',
        'signing secret, verification key or auth token (argv is visible to ps)',
      )
        .env('PULSE_WEBHOOK_SECRET')
        .makeOptionMandatory(),
    )
    .action(async (provider: string, opts: { secret: string }, cmd: Command) => {
      const { api, out } = context(cmd);
      const endpoint = await api.put<Endpoint>(`/webhook-endpoints/${seg(provider)}`, {
        secret: opts.secret,
      });
      if (out.json) return out.data(endpoint);
      out.line(`Set the ${provider} secret (${endpoint.secretHint}). Register this URL at ${provider}:`);
      out.line(api.baseUrl + endpoint.path);
    });

  webhooks
    .command('list')
    .description("The account's webhook endpoints (never their secrets)")
    .action(async (_opts: unknown, cmd: Command) => {
      const { api, out } = context(cmd);
      const { endpoints } = await api.get<Endpoints>('/webhook-endpoints');
      if (out.json) return out.data(endpoints);
      if (endpoints.length === 0) return out.line('No webhook endpoints.');
      out.line(
        table(
          [{ header: 'PROVIDER' }, { header: 'URL' }, { header: 'SECRET' }],
          endpoints.map((e) => [e.provider, api.baseUrl + e.path, e.secretHint]),
        ),
      );
    });

  webhooks
    .command('unmatched')
    .description('Provider events whose email or phone named no contact, newest first')
    .action(async (_opts: unknown, cmd: Command) => {
      const { api, out } = context(cmd);
      const { items } = await api.get<Unmatched>('/webhooks/unmatched');
      if (out.json) return out.data(items);
      if (items.length === 0) return out.line('No unmatched events.');
      out.line(
        table(
          [{ header: 'RECEIVED' }, { header: 'EVENT' }, { header: 'TYPE' }, { header: 'EMAIL / PHONE' }],
          items.map((e) => [e.receivedAt, e.eventId, e.interaction.type, e.email ?? e.phone ?? '']),
        ),
      );
    });
}
