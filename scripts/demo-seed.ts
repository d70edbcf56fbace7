import { createApiKey, ensureAccount } from '../db/accounts';
import { syncDeclaredTriggers } from '../db/triggers';
import { DEMO_TRIGGERS } from './demo-triggers';
import type { Db } from '../db/pool';
import { DEFAULT_RULES } from '../domain/default-rules';
import type { Interaction } from '../domain/interaction';

export const DEMO_ACCOUNT_ID = 'demo';

const DAY = 86_400_000;
const at = (daysAgo: number) => new Date(Date.UTC(2026, 10, 1) - daysAgo * DAY).toISOString();
const demoContacts: Array<{
  id: string;
  name: string;
  email: string;
  interactions: Array<Omit<Interaction, 'id'>>;
}> = [
  {
    id: 'ada',
    name: 'Ada Lovelace',
    email: 'ada@example.com',
    interactions: [
      { type: 'email_opened', occurredAt: at(9), attributes: { campaign: 'autumn' } },
      { type: 'email_clicked', occurredAt: at(9), attributes: { url: 'https://example.com/pricing' } },
      { type: 'appointment_booked', occurredAt: at(7), attributes: { calendar: 'sales' } },
      { type: 'payment_succeeded', occurredAt: at(2), attributes: { amount: 490, currency: 'EUR' } },
      { type: 'tag_added', occurredAt: at(1), attributes: { tag: 'vip' } },
    ],
  },
  {
    id: 'grace',
    name: 'Grace Hopper',
    email: 'grace@example.com',
    interactions: [
      { type: 'email_opened', occurredAt: at(5), attributes: {} },
      {
        type: 'reply_received',
        occurredAt: at(4),
        attributes: { text: 'Can you share your pricing for teams?' },
      },
      { type: 'form_submitted', occurredAt: at(3), attributes: { formId: 'demo-request' } },
    ],
  },
  {
    id: 'linus',
    name: 'Linus Torvalds',
    email: 'linus@example.com',
    interactions: [
      { type: 'email_opened', occurredAt: at(20), attributes: {} },
      { type: 'dnd_all_enabled', occurredAt: at(10), attributes: {} },
    ],
  },
  {
    id: 'margaret',
    name: 'Margaret Hamilton',
    email: 'margaret@example.com',
    interactions: [{ type: 'webinar_attended', occurredAt: at(6), attributes: { webinar: 'scoring-101' } }],
  },
  { id: 'alan', name: 'Alan Turing', email: 'alan@example.com', interactions: [] },
];

/**
 * Seeds through the public API, as a user would, so `npm start` exercises the same path as
 * production traffic. Every step is idempotent: the next start finds the data and adds nothing.
 */
export async function seedDemo(opts: { db: Db; baseUrl: string; apiKey: string }): Promise<void> {
  await ensureAccount(opts.db, DEMO_ACCOUNT_ID, 'Demo workspace');
  await createApiKey(opts.db, {
    accountId: DEMO_ACCOUNT_ID,
    scopes: ['admin'],
    name: 'local demo',
    raw: opts.apiKey,
  });

  const call = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(opts.baseUrl + path, {
      method,
      headers: { authorization: `Bearer ${opts.apiKey}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (res.status >= 400 && res.status !== 409)
      throw new Error(`demo seed: ${method} ${path} -> ${res.status} ${await res.text()}`);
    return (await res.json()) as Record<string, unknown>;
  };

  await call('POST', '/profiles', {
    id: 'engagement',
    name: 'Contact engagement',
    description: 'Default engagement score: opens, clicks, bookings, payments up; do-not-disturb down.',
    rules: DEFAULT_RULES,
  });
  const profile = await call('GET', '/profiles/engagement');
  if (profile.liveVersion === null) await call('POST', '/profiles/engagement/publish');

  // Declared before any interaction, so the demo's first scores already start automations.
  await syncDeclaredTriggers(opts.db, DEMO_ACCOUNT_ID, DEMO_TRIGGERS);

  for (const contact of demoContacts) {
    await call('POST', '/contacts', { id: contact.id, name: contact.name, email: contact.email });
    if (contact.interactions.length > 0) {
      await call(
        'POST',
        `/contacts/${contact.id}/interactions`,
        contact.interactions.map((interaction, i) => ({ id: `demo-${contact.id}-${i + 1}`, ...interaction })),
      );
    }
  }
}
