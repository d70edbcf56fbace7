#!/usr/bin/env node
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { Command, InvalidArgumentError, Option } from 'commander';
import type { z } from 'zod';
import type { listedContactSchema } from '../api/contacts/list-schemas';
import type {
  adjustmentResultSchema,
  contactScoreSchema,
  ingestResultSchema,
  ledgerSchema,
  triggerCollectionSchema,
} from '../api/openapi/response-schemas';
import type { profileCollectionSchema } from '../api/profiles/response-schemas';
import type { automationActionRoutes } from '../api/automation-actions/routes';
import type { webhookSettingsSchema } from '../api/settings/schemas';
import { MAX_BULK_ITEMS, type bulkIngestResultSchema } from '../api/interactions/schemas';
import { defineAdminCommands } from './admin';
import { defineSetupCommands } from './setup';
import { defineWebhookCommands } from './webhooks';
import { ApiError, createApiClient, seg, type ApiClient } from './api-client';
import { duration, progressBar, progressLine, signed, table, type RescoreProgressView } from './render';
import { automationLabel } from '../domain/automations/external';

/**
 * `pulse`: the Pulse API from a terminal. Its user commands talk HTTP only, so they work against
 * any deployment: PULSE_API_URL and PULSE_API_KEY (or --api-url / --api-key) say which. The
 * operator commands (`migrate`, `setup`, `admin …`) work on DATABASE_URL and Temporal directly.
 * Exit codes: 0 done, 1 the API refused or could not be reached (its problem detail is printed),
 * 2 bad usage, 3 a watched re-score was superseded by a newer version.
 */

const DEFAULT_API_URL = 'http://127.0.0.1:3000';
const DEMO_API_KEY = 'pulse_demo_key_local_only';
const EXIT_SUPERSEDED = 3;

type ContactScore = z.output<typeof contactScoreSchema>;
type Ledger = z.output<typeof ledgerSchema>;
type IngestResult = z.output<typeof ingestResultSchema>;
type BulkIngestResult = z.output<typeof bulkIngestResultSchema>;
type AdjustmentResult = z.output<typeof adjustmentResultSchema>;
type ProfileCollection = z.output<typeof profileCollectionSchema>;
type TriggerCollection = z.output<typeof triggerCollectionSchema>;
type AutomationActions = z.output<(typeof automationActionRoutes.list.responses)[200]['body']['schema']>;
type WebhookSettings = z.output<typeof webhookSettingsSchema>;
interface ContactPage {
  items: Array<z.output<typeof listedContactSchema>>;
  nextCursor: string | null;
}
interface Published {
  version: number;
  rescore?: { workflowId: string };
}

interface GlobalOptions {
  apiUrl: string;
  apiKey: string;
  json?: boolean;
}

/** Where commands print: tables and sentences, or with --json the API answers as they came. */
class Out {
  constructor(readonly json: boolean) {}
  line(text = ''): void {
    process.stdout.write(text + '\n');
  }
  data(value: unknown): void {
    process.stdout.write(JSON.stringify(value, null, 2) + '\n');
  }
}

function context(command: Command): { api: ApiClient; out: Out } {
  const opts = command.optsWithGlobals<GlobalOptions>();
  return {
    api: createApiClient({ baseUrl: opts.apiUrl, apiKey: opts.apiKey }),
    out: new Out(Boolean(opts.json)),
  };
}

// --- argument parsers (commander calls them; InvalidArgumentError becomes a usage error, exit 2)

function positiveInt(value: string): number {
  if (!/^\d+$/.test(value) || Number(value) < 1) throw new InvalidArgumentError('must be a positive integer');
  return Number(value);
}

function points(value: string): number {
  if (!/^[+-]?\d+$/.test(value) || Number(value) === 0)
    throw new InvalidArgumentError('must be a non-zero integer, e.g. 5 or -5');
  return Number(value);
}

type AttributeValue = string | number | boolean | null;

/** `key=value` is text; `key:=json` is a JSON number, boolean or null (`amount:=42`, `vip:=true`). */
function attribute(value: string, previous: Record<string, AttributeValue>): Record<string, AttributeValue> {
  const typed = /^([^=:]+):=(.*)$/s.exec(value);
  if (typed) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(typed[2]!);
    } catch {
      throw new InvalidArgumentError(`"${value}": after := comes JSON (42, true, null, "text")`);
    }
    if (parsed !== null && !['string', 'number', 'boolean'].includes(typeof parsed))
      throw new InvalidArgumentError(`"${value}": a value is text, a number, a boolean or null`);
    return { ...previous, [typed[1]!]: parsed as AttributeValue };
  }
  const plain = /^([^=]+)=(.*)$/s.exec(value);
  if (!plain) throw new InvalidArgumentError(`"${value}": expected key=value or key:=json`);
  return { ...previous, [plain[1]!]: plain[2]! };
}

function isoTime(value: string): string {
  const date = new Date(value);
  if (Number.isNaN(date.getTime()))
    throw new InvalidArgumentError('must be a date and time, e.g. 2026-11-23T10:00:00Z');
  return date.toISOString();
}

class BadFile extends Error {}

/** A file of items: one JSON array, or one JSON value a line (blank lines skipped). */
function parseItems(text: string): unknown[] {
  const trimmed = text.trim();
  try {
    if (trimmed.startsWith('[')) return JSON.parse(trimmed) as unknown[];
    return trimmed
      .split('\n')
      .filter((line) => line.trim() !== '')
      .map((line) => JSON.parse(line) as unknown);
  } catch (err) {
    throw new BadFile(
      `the file is neither a JSON array nor one JSON value a line: ${(err as Error).message}`,
    );
  }
}

// --- commands

export function buildProgram(): Command {
  const program = new Command('pulse')
    .description('Pulse engagement scoring: send interactions, read and adjust scores, publish profiles.')
    .addOption(
      new Option('--api-url <url>', 'Pulse API base URL').env('PULSE_API_URL').default(DEFAULT_API_URL),
    )
    .addOption(
      new Option('--api-key <key>', 'API key')
        .env('PULSE_API_KEY')
        .default(DEMO_API_KEY, 'the local demo key'),
    )
    .option('--json', 'print the API answers as JSON instead of tables')
    .addHelpText(
      'after',
      '\nExit codes: 0 done, 1 the API refused (its problem detail is printed) or could not be reached,\n2 bad usage, 3 a watched re-score was superseded by a newer version.',
    )
    .showHelpAfterError()
    .configureOutput({ outputError: (text, write) => write(text) })
    .exitOverride((err) => {
      // Usage errors exit 2 (as most Unix tools do); --help and --version exit 0.
      process.exit(err.exitCode === 0 ? 0 : 2);
    });

  const interactions = program.command('interactions').description('Interactions of contacts');
  interactions
    .command('send')
    .description('Record one interaction of a contact; scoring follows asynchronously')
    .argument('<contactId>', 'the contact')
    .argument('<type>', 'interaction type, e.g. email_opened, form_submitted, reply_received')
    .option(
      '--attr <key=value>',
      'an attribute; repeat for more (key:=json for a number, boolean or null)',
      attribute,
      {},
    )
    .option(
      '--id <id>',
      'idempotency key: sending the same id again is not counted twice (default: a new UUID)',
    )
    .option('--at <time>', 'when it happened (default: now)', isoTime)
    .action(
      async (
        contactId: string,
        type: string,
        opts: { attr: Record<string, AttributeValue>; id?: string; at?: string },
        cmd: Command,
      ) => {
        const { api, out } = context(cmd);
        const interaction = {
          id: opts.id ?? `cli-${randomUUID()}`,
          type,
          occurredAt: opts.at ?? new Date().toISOString(),
          attributes: opts.attr,
        };
        const result = await api.post<IngestResult>(`/contacts/${seg(contactId)}/interactions`, interaction);
        if (out.json) return out.data({ interaction, ...result });
        if (result.duplicates.length > 0)
          out.line(`Interaction ${interaction.id} was already recorded for ${contactId}: not counted again.`);
        else out.line(`Sent ${type} to ${contactId} (interaction ${interaction.id}); scoring follows.`);
      },
    );

  interactions
    .command('import')
    .description(
      'Record interactions of many contacts from a file (a JSON array, or one JSON object a line), 1,000 per request',
    )
    .argument('<file>', 'items { contactId, id, type, occurredAt, attributes? }; - reads standard input')
    .action(async (file: string, _opts: unknown, cmd: Command) => {
      const { api, out } = context(cmd);
      let items: unknown[];
      try {
        items = parseItems(readFileSync(file === '-' ? 0 : file, 'utf8'));
      } catch (err) {
        if (!(err instanceof BadFile) && (err as { code?: unknown }).code === undefined) throw err;
        process.stderr.write(`Error: ${(err as Error).message}\n`);
        process.exitCode = 2; // bad usage: the file, not the API
        return;
      }
      const totals = { accepted: 0, duplicates: 0, rejected: 0 };
      const rejected: BulkIngestResult['items'] = [];
      for (let start = 0; start < items.length; start += MAX_BULK_ITEMS) {
        const result = await api.post<BulkIngestResult>('/interactions', {
          items: items.slice(start, start + MAX_BULK_ITEMS),
        });
        totals.accepted += result.accepted;
        totals.duplicates += result.duplicates;
        totals.rejected += result.rejected;
        for (const item of result.items) {
          if (item.status !== 'unknown_contact' && item.status !== 'invalid') continue;
          // Indexes and paths of the whole file, not of the request the item went in.
          const index = item.index + start;
          const errors = (item.errors ?? []).map((e) => ({
            ...e,
            path: e.path.replace(/^items\.\d+/, `items.${index}`),
          }));
          rejected.push({ ...item, index, errors });
        }
      }
      if (out.json) return out.data({ ...totals, rejectedItems: rejected });
      out.line(
        `Imported ${items.length} items: ${totals.accepted} accepted, ${totals.duplicates} already recorded, ${totals.rejected} rejected.`,
      );
      for (const item of rejected)
        out.line(
          `  item ${item.index}: ${item.status === 'unknown_contact' ? 'no such contact' : 'invalid'} (${(item.errors ?? []).map((e) => `${e.path}: ${e.message}`).join('; ')})`,
        );
      if (totals.rejected > 0) process.exitCode = 1;
    });

  const contacts = program.command('contacts').description('Contacts and their scores');
  contacts
    .command('score')
    .description("A contact's score, its breakdown by rule, and the latest ledger entries")
    .argument('<contactId>', 'the contact')
    .option('--profile <profileId>', 'only this profile (default: all, the default one first)')
    .option('--limit <n>', 'ledger entries to show', positiveInt, 10)
    .action(async (contactId: string, opts: { profile?: string; limit: number }, cmd: Command) => {
      const { api, out } = context(cmd);
      const score = await api.get<ContactScore>(`/contacts/${seg(contactId)}/score`);
      const ledger = await api.get<Ledger>(`/contacts/${seg(contactId)}/ledger`, {
        profile: opts.profile,
        limit: opts.limit,
      });
      const profiles = opts.profile
        ? score.profiles.filter((p) => p.profileId === opts.profile)
        : score.profiles;
      if (opts.profile && profiles.length === 0)
        throw new ApiError(404, `contact ${contactId} has no score in profile "${opts.profile}"`);
      if (out.json) return out.data({ ...score, profiles, ledger: ledger.entries });

      const headline = profiles[0] ?? null;
      out.line(
        `Contact ${contactId}: score ${scoreText(headline?.score ?? null)}${headline ? ` (profile ${headline.profileId})` : ' (the account has no profile)'}`,
      );
      for (const p of profiles) {
        out.line();
        const version = p.version === null ? 'not published' : `v${p.version}`;
        out.line(
          `${p.profileName} [${p.profileId}${p.isDefault ? ', default' : ''}, ${version}]: ${scoreText(p.score)}`,
        );
        if (p.breakdown.length === 0) {
          out.line('  no points yet');
          continue;
        }
        out.line(
          table(
            [
              { header: 'RULE' },
              { header: 'DESCRIPTION' },
              { header: 'COUNT', align: 'right' },
              { header: 'POINTS', align: 'right' },
            ],
            p.breakdown.map((b) => [b.ruleId, b.description, b.count, signed(b.points)]),
            '  ',
          ),
        );
      }
      out.line();
      if (ledger.entries.length === 0) return out.line('Ledger: no entries yet');
      out.line(`Ledger (latest ${ledger.entries.length}):`);
      out.line(
        table(
          [
            { header: 'WHEN' },
            { header: 'PROFILE' },
            { header: 'RULE' },
            { header: 'INTERACTION' },
            { header: 'DELTA', align: 'right' },
            { header: 'SCORE', align: 'right' },
          ],
          ledger.entries.map((e) => [
            e.createdAt.replace('T', ' ').replace(/\.\d+Z$/, 'Z'),
            `${e.profileId} v${e.profileVersion}`,
            e.ruleId,
            e.interactionId,
            signed(e.delta),
            e.scoreAfter,
          ]),
          '  ',
        ),
      );
    });

  contacts
    .command('top')
    .description('Contacts with the highest scores')
    .option('--profile <profileId>', 'rank by this profile (default: the account default)')
    .option('--limit <n>', 'how many', positiveInt, 10)
    .action(async (opts: { profile?: string; limit: number }, cmd: Command) => {
      const { api, out } = context(cmd);
      const page = await api.get<ContactPage>('/contacts', {
        sort: 'score_desc',
        profile: opts.profile,
        limit: opts.limit,
      });
      if (out.json) return out.data(page.items);
      if (page.items.length === 0) return out.line('No contacts.');
      const profile = opts.profile ?? page.items[0]?.profileId;
      out.line(`Top ${page.items.length} contacts${profile ? ` by ${profile}` : ''}:`);
      out.line(
        table(
          [
            { header: '#', align: 'right' },
            { header: 'CONTACT' },
            { header: 'NAME' },
            { header: 'EMAIL' },
            { header: 'SCORE', align: 'right' },
          ],
          page.items.map((c, i) => [i + 1, c.id, c.name, c.email, scoreText(c.score)]),
        ),
      );
    });

  contacts
    .command('adjust')
    .description("Add or subtract points by hand (ledgered with your key's id); prints the new score")
    .argument('<contactId>', 'the contact')
    .argument('<points>', 'points to add; negative to subtract (e.g. -5)', points)
    .requiredOption('--reason <text>', 'why: kept in the ledger')
    .option('--profile <profileId>', 'the profile to adjust (default: the account default)')
    .option('--id <id>', 'idempotency key: a retry with the same id changes the score once')
    .action(
      async (
        contactId: string,
        delta: number,
        opts: { reason: string; profile?: string; id?: string },
        cmd: Command,
      ) => {
        const { api, out } = context(cmd);
        const profileId =
          opts.profile ?? (await api.get<ContactScore>(`/contacts/${seg(contactId)}/score`)).profileId;
        if (!profileId)
          throw new ApiError(409, 'the account has no score profile to adjust; create one first');
        const result = await api.post<AdjustmentResult>(`/contacts/${seg(contactId)}/score-adjustments`, {
          profileId,
          points: delta,
          reason: opts.reason,
          ...(opts.id && { id: opts.id }),
        });
        if (out.json) return out.data(result);
        out.line(
          `Adjusted ${contactId} by ${signed(delta)} in ${result.profileId}: score now ${scoreText(result.score)} (${result.adjustmentId})`,
        );
      },
    );

  contacts
    .command('actions')
    .description(
      "What the contact's automations did: each action's state and, for deliveries, attempts and last status",
    )
    .argument('<contactId>', 'the contact')
    .option('--limit <n>', 'how many, newest first', positiveInt, 50)
    .action(async (contactId: string, opts: { limit: number }, cmd: Command) => {
      const { api, out } = context(cmd);
      const { items } = await api.get<AutomationActions>(`/contacts/${seg(contactId)}/automation-actions`, {
        limit: opts.limit,
      });
      if (out.json) return out.data(items);
      if (items.length === 0) return out.line('No automation actions.');
      out.line(
        table(
          [
            { header: 'KIND' },
            { header: 'STATE' },
            { header: 'ATTEMPTS', align: 'right' },
            { header: 'HTTP', align: 'right' },
            { header: 'REASON / LAST ERROR' },
            { header: 'ACTION KEY' },
          ],
          items.map((a) => [
            a.kind,
            a.state,
            a.attempts,
            a.responseStatus,
            a.reason ?? a.lastError,
            a.actionKey,
          ]),
        ),
      );
    });

  const settings = program.command('settings').description("The account's outbound integrations (admin key)");
  settings
    .command('webhook')
    .description("Show the account's webhook URL and signing secret; --url or --rotate-secret change them")
    .option('--url <url>', 'the default URL of webhook_notify automations ("none" to clear it)')
    .option('--rotate-secret', 'replace the signing secret at once')
    .action(async (opts: { url?: string; rotateSecret?: boolean }, cmd: Command) => {
      const { api, out } = context(cmd);
      let current = await api.get<WebhookSettings>('/settings/webhook');
      if (opts.url !== undefined || opts.rotateSecret) {
        current = await api.put<WebhookSettings>('/settings/webhook', {
          url: opts.url === undefined ? current.url : opts.url === 'none' ? null : opts.url,
          rotateSecret: Boolean(opts.rotateSecret),
        });
      }
      if (out.json) return out.data(current);
      out.line(`URL:    ${current.url ?? '(none: triggers must give input.url)'}`);
      out.line(`Secret: ${current.secret}`);
    });

  const profiles = program.command('profiles').description('Score profiles');
  profiles
    .command('list')
    .description('Score profiles and their live versions')
    .action(async (_opts: unknown, cmd: Command) => {
      const { api, out } = context(cmd);
      const { profiles: list } = await api.get<ProfileCollection>('/profiles');
      if (out.json) return out.data(list);
      if (list.length === 0) return out.line('No profiles.');
      out.line(
        table(
          [
            { header: 'PROFILE' },
            { header: 'NAME' },
            { header: 'DEFAULT' },
            { header: 'LIVE', align: 'right' },
            { header: 'DRAFT RULES', align: 'right' },
          ],
          list.map((p) => [
            p.id,
            p.name,
            p.isDefault ? 'yes' : '',
            p.liveVersion === null ? 'draft only' : `v${p.liveVersion}`,
            p.draftRules.length,
          ]),
        ),
      );
    });

  profiles
    .command('publish')
    .description(
      'Publish the draft as the next live version; every contact is re-scored. With --watch, follow the re-score until it is over (exit 3 if a newer version supersedes it)',
    )
    .argument('<profileId>', 'the profile')
    .option('--watch', 'follow the re-score with a progress bar until it finishes')
    .option('--interval <ms>', 'how often --watch asks for progress', positiveInt, 500)
    .action(async (profileId: string, opts: { watch?: boolean; interval: number }, cmd: Command) => {
      const { api, out } = context(cmd);
      const published = await api.post<Published>(`/profiles/${seg(profileId)}/publish`);
      if (out.json && !opts.watch) return out.data(published);
      if (!out.json)
        out.line(
          `Published ${profileId} version ${published.version}${published.rescore ? `; re-scoring every contact (workflow ${published.rescore.workflowId})` : ''}.`,
        );
      if (!opts.watch) return;
      const final = await watchRescore(api, out, profileId, published.version, opts.interval);
      if (final.state === 'superseded') {
        process.stderr.write(
          `Version ${published.version} was superseded by a newer one before its re-score finished.\n`,
        );
        process.exitCode = EXIT_SUPERSEDED;
      }
    });

  const triggers = program.command('triggers').description('Score triggers');
  triggers
    .command('list')
    .description('Triggers: which score condition starts which automation')
    .action(async (_opts: unknown, cmd: Command) => {
      const { api, out } = context(cmd);
      const { triggers: list } = await api.get<TriggerCollection>('/triggers');
      if (out.json) return out.data(list);
      if (list.length === 0) return out.line('No triggers.');
      out.line(
        table(
          [
            { header: 'TRIGGER' },
            { header: 'PROFILE' },
            { header: 'WHEN SCORE' },
            { header: 'MODE' },
            { header: 'AUTOMATION' },
            { header: 'STATE' },
            { header: 'SOURCE' },
          ],
          list.map(({ trigger: t, source }) => [
            t.id,
            t.profileId,
            'value' in t.condition && t.condition.value !== undefined
              ? `${t.condition.op} ${t.condition.value}`
              : t.condition.op,
            t.mode,
            automationLabel(t.automation),
            t.paused ? 'paused' : 'active',
            source,
          ]),
        ),
      );
    });

  defineWebhookCommands(program.command('webhooks'), context);
  defineAdminCommands(program.command('admin'));
  defineSetupCommands(program);

  return program;
}

/**
 * Polls the re-score until it is over. On a terminal one line is redrawn as a bar; into a pipe or
 * file a line is written whenever the count moves, so logs stay readable.
 */
async function watchRescore(
  api: ApiClient,
  out: Out,
  profileId: string,
  version: number,
  intervalMs: number,
): Promise<RescoreProgressView> {
  const tty = Boolean(process.stdout.isTTY) && !out.json;
  const started = Date.now();
  let lastLine = '';
  for (;;) {
    const progress = await api.get<RescoreProgressView>(
      `/profiles/${seg(profileId)}/versions/${seg(version)}/rescore`,
    );
    const over = progress.state !== 'running';
    if (out.json) {
      process.stdout.write(JSON.stringify(progress) + '\n');
    } else if (tty) {
      process.stdout.write(`\r${progressBar(progress)}\x1b[K${over ? '\n' : ''}`);
    } else {
      const line = progressLine(progress);
      if (line !== lastLine) out.line(line);
      lastLine = line;
    }
    if (over) {
      if (!out.json && progress.state === 'finished')
        out.line(
          `Re-score of ${profileId} v${version} finished: ${progress.done} contacts, ${progress.rescored} re-scored (watched ${duration((Date.now() - started) / 1000)}).`,
        );
      return progress;
    }
    await sleep(intervalMs);
  }
}

const scoreText = (score: number | null): string =>
  score === null ? 'empty (profile not published)' : String(score);

async function main(argv: string[]): Promise<void> {
  try {
    await buildProgram().parseAsync(argv);
  } catch (err) {
    if (err instanceof ApiError) {
      process.stderr.write(`Error: ${err.describe()}\n`);
      process.exitCode = 1;
      return;
    }
    throw err;
  }
}

if (require.main === module) void main(process.argv);
