import { randomUUID } from 'node:crypto';
import type { Rule } from '../../domain/rule';
import { eventually } from '../support/eventually';
import { startHarness, type Harness, type TestAccount } from '../support/harness';
import {
  calendlyHeaders,
  sendGridHeaders,
  sendGridKeys,
  stripeHeaders,
  twilioHeaders,
} from '../support/provider-signing';
import { pulse } from '../support/pulse-cli';
import pino from 'pino';
import { receiveWebhook } from '../../api/webhooks/receive-service';
import { createIngest } from '../../api/interactions/ingest-service';
import type { TemporalGate } from '../../api/temporal-gate';

const OPERATOR_TOKEN = 'operator-token-for-webhook-tests-0123';

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ appOptions: { operatorToken: OPERATOR_TOKEN } });
});
afterAll(async () => {
  await h?.shutdown();
});

/** One rule per provider event, with distinct points, so a score says which events counted. */
const WEBHOOK_RULES: Rule[] = [
  {
    id: 'big-payment',
    interactionType: 'payment_succeeded',
    criteria: [
      { attribute: 'amount', op: 'gte', value: 100 },
      { attribute: 'currency', op: 'equals', value: 'USD' },
    ],
    points: 20,
  },
  { id: 'opened', interactionType: 'email_opened', criteria: [], points: 1 },
  {
    id: 'pricing-click',
    interactionType: 'email_clicked',
    criteria: [{ attribute: 'url', op: 'contains', value: 'pricing' }],
    points: 3,
  },
  { id: 'bounced', interactionType: 'email_bounced', criteria: [], points: -5 },
  { id: 'unsubscribed', interactionType: 'email_unsubscribed', criteria: [], points: -10 },
  { id: 'booked', interactionType: 'appointment_booked', criteria: [], points: 40 },
  {
    id: 'pricing-reply',
    interactionType: 'reply_received',
    criteria: [{ attribute: 'text', op: 'contains', value: 'pricing' }],
    points: 8,
  },
];

async function publishedAccount(): Promise<TestAccount> {
  const account = await h.newAccount();
  expect(
    (await account.call('POST', '/profiles', { id: 'engagement', name: 'Engagement', rules: WEBHOOK_RULES }))
      .status,
  ).toBe(201);
  expect((await account.call('POST', '/profiles/engagement/publish')).status).toBe(201);
  return account;
}

async function aContact(account: TestAccount, fields: { email?: string; phone?: string }): Promise<string> {
  const id = `c-${randomUUID().slice(0, 8)}`;
  expect((await account.call('POST', '/contacts', { id, ...fields })).status).toBe(201);
  return id;
}

/** Sets the account's secret for a provider with its admin key; answers the path to post to. */
async function endpointFor(account: TestAccount, provider: string, secret: string): Promise<string> {
  const res = await account.call('PUT', `/webhook-endpoints/${provider}`, { secret });
  expect(res.status).toBe(200);
  return res.body.path;
}

async function post(path: string, body: string, headers: Record<string, string>) {
  const res = await fetch(h.baseUrl + path, { method: 'POST', headers, body });
  const text = await res.text();
  const json = res.headers.get('content-type')?.includes('json') ? JSON.parse(text) : text;
  return { status: res.status, body: json, contentType: res.headers.get('content-type') };
}

async function scoreOf(account: TestAccount, contactId: string): Promise<number | null> {
  return (await account.call('GET', `/contacts/${contactId}/score`)).body.score;
}

async function settledScore(account: TestAccount, contactId: string, expected: number): Promise<void> {
  await eventually(async () => expect(await scoreOf(account, contactId)).toBe(expected));
  // Long enough for a second count of a duplicate to show, were there one.
  await new Promise((r) => setTimeout(r, 300));
  expect(await scoreOf(account, contactId)).toBe(expected);
}

async function storedInteractions(account: TestAccount) {
  const { rows } = await h.db.query(
    'SELECT contact_id, id, type, attributes FROM interactions WHERE account_id = $1 ORDER BY id',
    [account.accountId],
  );
  return rows;
}

const unixNow = () => Math.floor(Date.now() / 1000);

describe('POST /webhooks/stripe/:endpointId', () => {
  const paymentIntent = (eventId: string, email: string, amountReceived: number) =>
    JSON.stringify({
      id: eventId,
      object: 'event',
      type: 'payment_intent.succeeded',
      created: unixNow(),
      data: {
        object: {
          id: 'pi_1',
          object: 'payment_intent',
          amount_received: amountReceived,
          currency: 'usd',
          receipt_email: email,
        },
      },
    });

  it('when Stripe signs a payment, then the contact with that email scores it once, however often Stripe retries', async () => {
    const account = await publishedAccount();
    const contact = await aContact(account, { email: 'Ada@Example.com' });
    const path = await endpointFor(account, 'stripe', 'whsec_test_secret_one');
    const body = paymentIntent('evt_pay_1', 'ada@example.com', 12550);

    const first = await post(path, body, stripeHeaders(body, 'whsec_test_secret_one'));
    expect(first).toMatchObject({
      status: 200,
      body: { accepted: 1, duplicates: 0, unmatched: 0, ignored: 0 },
    });
    const retry = await post(path, body, stripeHeaders(body, 'whsec_test_secret_one'));
    expect(retry.body).toEqual({ accepted: 0, duplicates: 1, unmatched: 0, ignored: 0 });

    await settledScore(account, contact, 20);
    expect(await storedInteractions(account)).toEqual([
      {
        contact_id: contact,
        id: 'stripe:evt_pay_1',
        type: 'payment_succeeded',
        attributes: {
          amount: 125.5,
          amountMinor: 12550,
          currency: 'usd',
          stripeEventType: 'payment_intent.succeeded',
        },
      },
    ]);
  });

  it('when an invoice is paid, then the contact found by the invoice phone scores it', async () => {
    const account = await publishedAccount();
    const contact = await aContact(account, { phone: '+1 (555) 010-2030' });
    const path = await endpointFor(account, 'stripe', 'whsec_test_secret_two');
    const body = JSON.stringify({
      id: 'evt_inv_1',
      type: 'invoice.paid',
      created: unixNow(),
      data: {
        object: { amount_paid: 20000, currency: 'usd', customer_email: null, customer_phone: '+15550102030' },
      },
    });
    expect((await post(path, body, stripeHeaders(body, 'whsec_test_secret_two'))).body.accepted).toBe(1);
    await settledScore(account, contact, 20);
  });

  it('when the signature is forged or the body altered, then 401 and nothing is stored', async () => {
    const account = await publishedAccount();
    await aContact(account, { email: 'ada@example.com' });
    const path = await endpointFor(account, 'stripe', 'whsec_test_secret_one');
    const body = paymentIntent('evt_forged', 'ada@example.com', 50000);

    expect((await post(path, body, stripeHeaders(body, 'whsec_someone_else'))).status).toBe(401);
    const signed = stripeHeaders(body, 'whsec_test_secret_one');
    expect((await post(path, body.replace('50000', '90000'), signed)).status).toBe(401);
    expect((await post(path, body, { 'content-type': 'application/json' })).status).toBe(401);
    const stale = stripeHeaders(body, 'whsec_test_secret_one', unixNow() - 3600);
    expect((await post(path, body, stale)).status).toBe(401);
    expect(await storedInteractions(account)).toEqual([]);
  });

  it('when Stripe sends an event Pulse does not score, then 200 and nothing is stored; a bad payment names the field', async () => {
    const account = await publishedAccount();
    await aContact(account, { email: 'ada@example.com' });
    const path = await endpointFor(account, 'stripe', 'whsec_test_secret_one');
    const other = JSON.stringify({
      id: 'evt_cust',
      type: 'customer.created',
      created: unixNow(),
      data: { object: {} },
    });
    expect((await post(path, other, stripeHeaders(other, 'whsec_test_secret_one'))).body).toEqual({
      accepted: 0,
      duplicates: 0,
      unmatched: 0,
      ignored: 1,
    });

    const bad = JSON.stringify({
      id: 'evt_bad',
      type: 'payment_intent.succeeded',
      created: unixNow(),
      data: { object: { currency: 'usd', receipt_email: 'ada@example.com' } },
    });
    const res = await post(path, bad, stripeHeaders(bad, 'whsec_test_secret_one'));
    expect(res.status).toBe(400);
    expect(res.body.errors.map((e: { path: string }) => e.path)).toEqual([
      'body.data.object.amount_received',
    ]);
    expect(await storedInteractions(account)).toEqual([]);
  });
});

describe('POST /webhooks/sendgrid/:endpointId', () => {
  it('when SendGrid posts a signed batch, then opens, clicks, bounces and unsubscribes are scored and the rest ignored', async () => {
    const account = await publishedAccount();
    const contact = await aContact(account, { email: 'grace@example.com' });
    const keys = sendGridKeys();
    const path = await endpointFor(account, 'sendgrid', keys.publicKey);
    const at = unixNow();
    const events = [
      { email: 'grace@example.com', timestamp: at, event: 'delivered', sg_event_id: 'sg-d' },
      { email: 'grace@example.com', timestamp: at, event: 'open', sg_event_id: 'sg-o' },
      {
        email: 'GRACE@example.com',
        timestamp: at,
        event: 'click',
        sg_event_id: 'sg-c',
        url: 'https://example.com/pricing',
      },
      {
        email: 'grace@example.com',
        timestamp: at,
        event: 'bounce',
        sg_event_id: 'sg-b',
        reason: '550 no such user',
        type: 'bounce',
      },
      { email: 'grace@example.com', timestamp: at, event: 'unsubscribe', sg_event_id: 'sg-u' },
      { email: 'nobody@example.com', timestamp: at, event: 'open', sg_event_id: 'sg-x' },
    ];
    const body = JSON.stringify(events);
    const res = await post(path, body, sendGridHeaders(body, keys.privateKey));
    expect(res).toMatchObject({
      status: 200,
      body: { accepted: 4, duplicates: 0, unmatched: 1, ignored: 1 },
    });
    expect((await post(path, body, sendGridHeaders(body, keys.privateKey))).body).toEqual({
      accepted: 0,
      duplicates: 5,
      unmatched: 0,
      ignored: 1,
    });
    await settledScore(account, contact, 1 + 3 - 5 - 10);
    const click = (await storedInteractions(account)).find((i) => i.id === 'sendgrid:sg-c');
    expect(click).toMatchObject({
      type: 'email_clicked',
      attributes: { url: 'https://example.com/pricing' },
    });
  });

  it('when the batch is signed by another key or altered, then 401 and nothing is stored', async () => {
    const account = await publishedAccount();
    await aContact(account, { email: 'grace@example.com' });
    const keys = sendGridKeys();
    const path = await endpointFor(account, 'sendgrid', keys.publicKey);
    const body = JSON.stringify([
      { email: 'grace@example.com', timestamp: unixNow(), event: 'open', sg_event_id: 'sg-f' },
    ]);
    expect((await post(path, body, sendGridHeaders(body, sendGridKeys().privateKey))).status).toBe(401);
    expect(
      (await post(path, body.replace('open', 'click'), sendGridHeaders(body, keys.privateKey))).status,
    ).toBe(401);
    expect(await storedInteractions(account)).toEqual([]);
  });

  it('when one event of a batch lacks its id, then 400 names it and no event of the batch is stored', async () => {
    const account = await publishedAccount();
    await aContact(account, { email: 'grace@example.com' });
    const keys = sendGridKeys();
    const path = await endpointFor(account, 'sendgrid', keys.publicKey);
    const body = JSON.stringify([
      { email: 'grace@example.com', timestamp: unixNow(), event: 'open', sg_event_id: 'sg-ok' },
      { email: 'grace@example.com', timestamp: unixNow(), event: 'click', url: 'https://example.com' },
    ]);
    const res = await post(path, body, sendGridHeaders(body, keys.privateKey));
    expect(res.status).toBe(400);
    expect(res.body.errors.map((e: { path: string }) => e.path)).toEqual(['body.1.sg_event_id']);
    expect(await storedInteractions(account)).toEqual([]);
  });
});

describe('POST /webhooks/calendly/:endpointId', () => {
  const inviteeCreated = (email: string, invitee = randomUUID()) =>
    JSON.stringify({
      event: 'invitee.created',
      created_at: new Date().toISOString(),
      payload: {
        uri: `https://api.calendly.com/scheduled_events/EV1/invitees/${invitee}`,
        email,
        name: 'Linus',
        scheduled_event: { name: 'Demo call', start_time: '2030-01-02T10:00:00.000000Z' },
      },
    });

  it('when Calendly signs a booking, then appointment_booked is scored once; a stale or forged signature is 401', async () => {
    const account = await publishedAccount();
    const contact = await aContact(account, { email: 'linus@example.com' });
    const path = await endpointFor(account, 'calendly', 'calendly-signing-key-1');
    const body = inviteeCreated('linus@example.com');
    expect((await post(path, body, calendlyHeaders(body, 'calendly-signing-key-1'))).body.accepted).toBe(1);
    expect((await post(path, body, calendlyHeaders(body, 'calendly-signing-key-1'))).body.duplicates).toBe(1);
    await settledScore(account, contact, 40);

    const other = inviteeCreated('linus@example.com');
    expect((await post(path, other, calendlyHeaders(other, 'not-the-key'))).status).toBe(401);
    const stale = calendlyHeaders(other, 'calendly-signing-key-1', Date.now() - 3_600_000);
    expect((await post(path, other, stale)).status).toBe(401);
    const canceled = JSON.stringify({
      event: 'invitee.canceled',
      created_at: new Date().toISOString(),
      payload: {},
    });
    expect(
      (await post(path, canceled, calendlyHeaders(canceled, 'calendly-signing-key-1'))).body.ignored,
    ).toBe(1);
    expect((await storedInteractions(account)).map((i) => i.type)).toEqual(['appointment_booked']);
  });
});

describe('POST /webhooks/twilio/:endpointId', () => {
  const inboundSms = (from: string, text: string) => ({
    MessageSid: `SM${randomUUID().replace(/-/g, '')}`,
    AccountSid: 'AC0000',
    From: from,
    To: '+15550009999',
    Body: text,
  });

  it('when a contact texts about pricing, then the published keyword rule scores the reply once and Twilio gets empty TwiML', async () => {
    const account = await publishedAccount();
    const contact = await aContact(account, { phone: '+44 20 7946 0018' });
    const path = await endpointFor(account, 'twilio', 'twilio-auth-token-1');
    const form = inboundSms('+442079460018', 'Hi! Could you send me your pricing for teams?');
    const body = new URLSearchParams(form).toString();
    const headers = twilioHeaders(h.baseUrl + path, form, 'twilio-auth-token-1');

    const res = await post(path, body, headers);
    expect(res.status).toBe(200);
    expect(res.contentType).toMatch(/^text\/xml/);
    expect(res.body).toContain('<Response></Response>');
    expect((await post(path, body, headers)).status).toBe(200);
    await settledScore(account, contact, 8);
    const ledger = await account.call('GET', `/contacts/${contact}/ledger`);
    expect(ledger.body.entries.map((e: { ruleId: string }) => e.ruleId)).toEqual(['pricing-reply']);
  });

  it('when the signature is forged, then 401 and nothing is stored', async () => {
    const account = await publishedAccount();
    await aContact(account, { phone: '+15550102030' });
    const path = await endpointFor(account, 'twilio', 'twilio-auth-token-1');
    const form = inboundSms('+15550102030', 'pricing please');
    const body = new URLSearchParams(form).toString();
    expect((await post(path, body, twilioHeaders(h.baseUrl + path, form, 'another-token'))).status).toBe(401);
    const altered = new URLSearchParams({ ...form, Body: 'something else' }).toString();
    expect(
      (await post(path, altered, twilioHeaders(h.baseUrl + path, form, 'twilio-auth-token-1'))).status,
    ).toBe(401);
    expect(await storedInteractions(account)).toEqual([]);
  });

  it('when the number names no contact, then the reply is kept as unmatched, and a retry after the contact exists scores it', async () => {
    const account = await publishedAccount();
    const path = await endpointFor(account, 'twilio', 'twilio-auth-token-1');
    const form = inboundSms('+15550107777', 'what is your pricing');
    const body = new URLSearchParams(form).toString();
    const headers = twilioHeaders(h.baseUrl + path, form, 'twilio-auth-token-1');
    expect((await post(path, body, headers)).status).toBe(200);
    expect((await post(path, body, headers)).status).toBe(200);

    const unmatched = await account.call('GET', '/webhooks/unmatched', undefined, account.keys.read);
    expect(unmatched.status).toBe(200);
    expect(unmatched.body.items).toEqual([
      expect.objectContaining({
        provider: 'twilio',
        eventId: `twilio:${form.MessageSid}`,
        email: null,
        phone: '+15550107777',
        interaction: expect.objectContaining({
          type: 'reply_received',
          attributes: expect.objectContaining({ text: 'what is your pricing' }),
        }),
      }),
    ]);
    expect(await storedInteractions(account)).toEqual([]);

    const contact = await aContact(account, { phone: '+1 555 010 7777' });
    expect((await post(path, body, headers)).status).toBe(200);
    await settledScore(account, contact, 8);
    expect((await account.call('GET', '/webhooks/unmatched')).body.items).toEqual([]);
  });

  it('when Twilio calls through a proxy, then the signature is checked against the public URL it called', async () => {
    const account = await publishedAccount();
    const contact = await aContact(account, { phone: '+15550105555' });
    const path = await endpointFor(account, 'twilio', 'twilio-auth-token-1');
    const form = inboundSms('+15550105555', 'pricing for 10 seats?');
    const signed = twilioHeaders(`https://pulse.example.com${path}`, form, 'twilio-auth-token-1');
    const body = new URLSearchParams(form).toString();
    expect((await post(path, body, signed)).status).toBe(401);
    const proxied = { ...signed, 'x-forwarded-proto': 'https', 'x-forwarded-host': 'pulse.example.com' };
    expect((await post(path, body, proxied)).status).toBe(200);
    await settledScore(account, contact, 8);
  });

  it('when a required field is missing, then 400 names it', async () => {
    const account = await publishedAccount();
    const path = await endpointFor(account, 'twilio', 'twilio-auth-token-1');
    const form = { MessageSid: 'SM1', From: '+15550102030' };
    const res = await post(
      path,
      new URLSearchParams(form).toString(),
      twilioHeaders(h.baseUrl + path, form, 'twilio-auth-token-1'),
    );
    expect(res.status).toBe(400);
    expect(res.body.errors.map((e: { path: string }) => e.path)).toEqual(['body.Body']);
  });
});

describe('/webhook-endpoints', () => {
  it('when the admin key sets a secret, then the path is unguessable and stays when the secret changes, and the secret is never shown', async () => {
    const account = await h.newAccount();
    const first = await account.call('PUT', '/webhook-endpoints/stripe', { secret: 'whsec_first_secret' });
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ provider: 'stripe', secretHint: '…cret' });
    expect(first.body.path).toMatch(/^\/webhooks\/stripe\/whk_[\w-]{24}$/);
    const second = await account.call('PUT', '/webhook-endpoints/stripe', { secret: 'whsec_second_one' });
    expect(second.body.path).toBe(first.body.path);
    const list = await account.call('GET', '/webhook-endpoints');
    expect(list.body.endpoints).toEqual([
      expect.objectContaining({ provider: 'stripe', secretHint: '…_one' }),
    ]);
    expect(JSON.stringify(list.body)).not.toContain('whsec_second_one');

    expect(
      (
        await account.call(
          'PUT',
          '/webhook-endpoints/stripe',
          { secret: 'whsec_x_secret' },
          account.keys.write,
        )
      ).status,
    ).toBe(403);
    const badKey = await account.call('PUT', '/webhook-endpoints/sendgrid', { secret: 'not-a-public-key' });
    expect(badKey.status).toBe(400);
    expect(badKey.body.errors[0].path).toBe('body.secret');
    expect(
      (await account.call('PUT', '/webhook-endpoints/mailchimp', { secret: 'whatever-long' })).status,
    ).toBe(400);

    expect((await account.call('DELETE', '/webhook-endpoints/stripe')).status).toBe(204);
    const body = JSON.stringify({
      id: 'evt_1',
      type: 'customer.created',
      created: unixNow(),
      data: { object: {} },
    });
    expect((await post(first.body.path, body, stripeHeaders(body, 'whsec_second_one'))).status).toBe(404);
  });

  it('when the account is disabled, then its endpoints answer 404 and nothing is stored', async () => {
    const account = await publishedAccount();
    await aContact(account, { email: 'ada@example.com' });
    const path = await endpointFor(account, 'stripe', 'whsec_disabled_account');
    await h.db.query('UPDATE accounts SET disabled_at = now() WHERE id = $1', [account.accountId]);
    const body = JSON.stringify({
      id: 'evt_off',
      type: 'payment_intent.succeeded',
      created: unixNow(),
      data: { object: { amount_received: 100, currency: 'usd', receipt_email: 'ada@example.com' } },
    });
    expect((await post(path, body, stripeHeaders(body, 'whsec_disabled_account'))).status).toBe(404);
    expect(await storedInteractions(account)).toEqual([]);
  });

  it('when the endpoint id is unknown, then 404', async () => {
    const body = JSON.stringify({
      id: 'evt_1',
      type: 'customer.created',
      created: unixNow(),
      data: { object: {} },
    });
    expect((await post('/webhooks/stripe/whk_unknown', body, stripeHeaders(body, 'whsec_any'))).status).toBe(
      404,
    );
  });
});

describe('operators set provider secrets', () => {
  const operator = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(h.baseUrl + path, {
      method,
      headers: { authorization: `Bearer ${OPERATOR_TOKEN}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json()) as any };
  };

  it('when the operator sets a secret through /admin, then the provider posts to the path it answers and the account lists it', async () => {
    const account = await publishedAccount();
    const contact = await aContact(account, { email: 'op@example.com' });
    const set = await operator('PUT', `/admin/accounts/${account.accountId}/webhook-endpoints/calendly`, {
      secret: 'calendly-operator-key',
    });
    expect(set.status).toBe(200);
    const body = JSON.stringify({
      event: 'invitee.created',
      created_at: new Date().toISOString(),
      payload: { uri: 'https://api.calendly.com/scheduled_events/E/invitees/op-1', email: 'op@example.com' },
    });
    expect(
      (await post(set.body.path, body, calendlyHeaders(body, 'calendly-operator-key'))).body.accepted,
    ).toBe(1);
    await settledScore(account, contact, 40);
    const listed = await operator('GET', `/admin/accounts/${account.accountId}/webhook-endpoints`);
    expect(listed.body.endpoints).toEqual([
      expect.objectContaining({ provider: 'calendly', path: set.body.path }),
    ]);
    expect(
      (
        await operator('PUT', '/admin/accounts/no-such-account/webhook-endpoints/stripe', {
          secret: 'whsec_abcdefgh',
        })
      ).status,
    ).toBe(404);
  });

  it('when the operator runs `pulse admin webhooks set`, then the secret comes from the environment and the printed path receives signed deliveries', async () => {
    const account = await publishedAccount();
    const contact = await aContact(account, { phone: '+15550104444' });
    const env = { DATABASE_URL: process.env.DATABASE_URL!, PULSE_WEBHOOK_SECRET: 'twilio-token-from-cli' };
    const set = await pulse(['--json', 'admin', 'webhooks', 'set', account.accountId, 'twilio'], env);
    expect(set).toMatchObject({ code: 0, stderr: '' });
    const { path } = JSON.parse(set.stdout) as { path: string };
    const form = { MessageSid: 'SMcli1', From: '+15550104444', To: '+15550009999', Body: 'pricing?' };
    const res = await post(
      path,
      new URLSearchParams(form).toString(),
      twilioHeaders(h.baseUrl + path, form, 'twilio-token-from-cli'),
    );
    expect(res.status).toBe(200);
    await settledScore(account, contact, 8);

    const list = await pulse(['admin', 'webhooks', 'list', account.accountId], env);
    expect(list.stdout).toContain(path);
    expect(list.stdout).not.toContain('twilio-token-from-cli');
    const bad = await pulse(['admin', 'webhooks', 'set', account.accountId, 'sendgrid'], env);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('not an ECDSA public key');
  });
});

describe('pulse webhooks (over the API, with the account key)', () => {
  it('when the admin sets a secret with the CLI, then the printed URL takes signed deliveries and `unmatched` lists what named no contact', async () => {
    const account = await publishedAccount();
    const env = {
      PULSE_API_URL: h.baseUrl,
      PULSE_API_KEY: account.keys.admin,
      PULSE_WEBHOOK_SECRET: 'whsec_from_the_cli',
    };
    const set = await pulse(['webhooks', 'set', 'stripe'], env);
    expect(set).toMatchObject({ code: 0, stderr: '' });
    const url = set.stdout.trim().split('\n').at(-1)!;
    expect(url).toMatch(new RegExp(`^${h.baseUrl}/webhooks/stripe/whk_`));

    const body = JSON.stringify({
      id: 'evt_cli',
      type: 'payment_intent.succeeded',
      created: unixNow(),
      data: { object: { amount_received: 100, currency: 'usd', receipt_email: 'stranger@example.com' } },
    });
    expect(
      (await post(url.slice(h.baseUrl.length), body, stripeHeaders(body, 'whsec_from_the_cli'))).body
        .unmatched,
    ).toBe(1);
    const unmatched = await pulse(['--json', 'webhooks', 'unmatched'], env);
    expect(JSON.parse(unmatched.stdout)).toEqual([
      expect.objectContaining({
        provider: 'stripe',
        eventId: 'stripe:evt_cli',
        email: 'stranger@example.com',
      }),
    ]);
    const readOnly = await pulse(['webhooks', 'set', 'stripe'], { ...env, PULSE_API_KEY: account.keys.read });
    expect(readOnly.code).toBe(1);
  });
});

describe('answering the provider in time', () => {
  it('when a wake-up hangs, then the delivery is still answered once stored, within the wake-up budget', async () => {
    const account = await publishedAccount();
    const contact = await aContact(account, { email: 'slow@example.com' });
    const hanging: TemporalGate = {
      reachable: () => Promise.resolve(true),
      call: () => new Promise<never>(() => undefined),
      drain: () => Promise.resolve(),
      closing: false,
    };
    const receipt = await receiveWebhook(
      {
        db: h.db,
        ingest: createIngest({
          db: h.db,
          temporal: h.client,
          taskQueue: h.taskQueue,
          temporalGate: hanging,
          logger: pino({ level: 'silent' }),
        }),
        logger: pino({ level: 'silent' }),
      },
      account.accountId,
      'sendgrid',
      {
        ignored: 0,
        events: [
          {
            contact: { email: 'slow@example.com', phone: null },
            interaction: {
              id: 'sendgrid:slow-1',
              type: 'email_opened',
              occurredAt: new Date().toISOString(),
              attributes: {},
            },
          },
        ],
      },
      50,
    );
    expect(receipt).toEqual({ accepted: 1, duplicates: 0, unmatched: 0, ignored: 0 });
    expect((await storedInteractions(account)).map((i) => [i.contact_id, i.id])).toEqual([
      [contact, 'sendgrid:slow-1'],
    ]);
  }, 10_000);
});
