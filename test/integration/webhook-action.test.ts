import { WorkflowFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { MockActivityEnvironment } from '@temporalio/testing';
import { DefaultLogger } from '@temporalio/worker';
import { createActionActivities } from '../../activities/actions';
import { webhookIdempotencyKey } from '../../activities/actions/webhook';
import { createOutboxMailer } from '../../activities/mailer';
import { createOutboxSmsProvider } from '../../activities/sms-provider';
import { readActionRecord } from '../../db/action-log';
import { upsertContact } from '../../db/contacts';
import { ensureAccount } from '../../db/accounts';
import { DEFAULT_RULES } from '../../domain/default-rules';
import { contactWorkflowId } from '../../domain/ids';
import { actionKey } from '../../domain/actions';
import { uniqueId } from '../support/builders';
import { eventually } from '../support/eventually';
import { startHarness, type Harness, type TestAccount } from '../support/harness';
import { startWebhookReceiver, type WebhookReceiver } from '../support/webhook-receiver';

const TIMEOUT_MS = 1_000;

let h: Harness;
let receiver: WebhookReceiver;
beforeAll(async () => {
  receiver = await startWebhookReceiver();
  // The receiver listens on loopback: this worker is told it may call it (the operator's flag).
  h = await startHarness({ workerOptions: { webhook: { allowPrivate: true, timeoutMs: TIMEOUT_MS } } });
});
afterAll(async () => {
  await h?.shutdown();
  await receiver?.close();
});

/** An account with a published profile, a contact c1 and a webhook_notify trigger at >= 20. */
async function anAccountNotifying(input: Record<string, unknown>, accountUrl?: string) {
  const account = await h.newAccount();
  await account.call('POST', '/profiles', { id: 'engagement', name: 'E', rules: DEFAULT_RULES });
  await account.call('POST', '/profiles/engagement/publish');
  await account.call('POST', '/contacts', { id: 'c1', email: `${uniqueId('x')}@example.com` });
  const settings = await account.call('PUT', '/settings/webhook', { url: accountUrl ?? null });
  expect(settings.status).toBe(200);
  receiver.setSecret(settings.body.secret);
  const trigger = await account.call('POST', '/triggers', {
    id: 'notify',
    profileId: 'engagement',
    condition: { op: 'gte', value: 20 },
    reentry: { policy: 'once' },
    automation: 'webhook_notify',
    input,
  });
  expect(trigger.status).toBe(201);
  return account;
}

const automationId = (account: TestAccount) =>
  `${contactWorkflowId(account.accountId, 'c1')}/trigger:notify/1`;

async function crossThreshold(account: TestAccount) {
  const res = await account.call('POST', '/contacts/c1/score-adjustments', {
    profileId: 'engagement',
    points: 25,
    reason: 'demo booked',
  });
  expect(res.status).toBe(201);
}

/** The automation's result, once the contact workflow has started it. */
async function automationResult(account: TestAccount): Promise<unknown> {
  const handle = h.client.workflow.getHandle(automationId(account));
  await eventually(() => handle.describe());
  return handle.result();
}

async function webhookActions(account: TestAccount) {
  const res = await account.call('GET', '/contacts/c1/automation-actions', undefined, account.keys.read);
  expect(res.status).toBe(200);
  return (res.body.items as Array<Record<string, unknown>>).filter((a) => a.kind === 'webhook');
}

describe('the webhook_notify automation', () => {
  it('when the receiver fails with 500, then times out, then recovers, then exactly one delivery is accepted, signed, under one idempotency key', async () => {
    const path = `/hooks/${uniqueId('recover')}`;
    receiver.script(path, [500, 'hang']);
    const account = await anAccountNotifying({ event: 'lead.hot' }, receiver.url(path));
    await crossThreshold(account);

    const [action] = await eventually(
      async () => {
        const actions = await webhookActions(account);
        expect(actions).toHaveLength(1);
        expect(actions[0]!.state).toBe('done');
        return actions;
      },
      { timeoutMs: 30_000 },
    );
    expect(action).toMatchObject({ attempts: 3, responseStatus: 200, lastError: null, detail: 'HTTP 200' });
    await automationResult(account);

    const attempts = receiver.attempts(path);
    expect(attempts.map((a) => a.answered)).toEqual([500, 'hang', 200]);
    // Same key and the same bytes on every attempt; each attempt signed afresh, and valid.
    expect(new Set(attempts.map((a) => a.idempotencyKey)).size).toBe(1);
    expect(new Set(attempts.map((a) => a.body)).size).toBe(1);
    expect(attempts.every((a) => a.signatureValid)).toBe(true);
    const key = attempts[0]!.idempotencyKey;
    expect(key).toBe(webhookIdempotencyKey(account.accountId, String(action!.actionKey)));
    expect([...receiver.accepted().keys()].filter((k) => k === key)).toHaveLength(1);
    expect(JSON.parse(attempts[0]!.body)).toMatchObject({
      id: key,
      event: 'lead.hot',
      accountId: account.accountId,
      contactId: 'c1',
      data: { triggerId: 'notify', profileId: 'engagement', score: 25, threshold: 20 },
    });
  });

  it('when the trigger names its own URL and the receiver answers 422, then it is recorded as failed and never retried', async () => {
    const path = `/hooks/${uniqueId('reject')}`;
    receiver.script(path, [422]);
    const account = await anAccountNotifying({ url: receiver.url(path) }, receiver.url('/account-default'));
    await crossThreshold(account);

    await expect(automationResult(account)).rejects.toThrow(WorkflowFailedError);
    const [action] = await webhookActions(account);
    expect(action).toMatchObject({ state: 'failed', attempts: 1, responseStatus: 422 });
    expect(String(action!.lastError)).toContain('HTTP 422');
    // A retry would have come after 1 s (the first backoff): wait past it.
    await new Promise((resolve) => setTimeout(resolve, 2_500));
    expect(receiver.attempts(path)).toHaveLength(1);
    expect(receiver.attempts('/account-default')).toHaveLength(0);
  });

  it('when a receiver answers with a redirect, then it is not followed and the action fails', async () => {
    const path = `/hooks/${uniqueId('redirect')}`;
    receiver.script(path, [307]);
    const account = await anAccountNotifying({ url: receiver.url(path) });
    await crossThreshold(account);
    await expect(automationResult(account)).rejects.toThrow(WorkflowFailedError);
    const [action] = await webhookActions(account);
    expect(action).toMatchObject({ state: 'failed', responseStatus: 307 });
    expect(receiver.attempts(path)).toHaveLength(1);
  });

  it('when neither the account nor the trigger has a URL, then the step is skipped (no_webhook_url)', async () => {
    const account = await anAccountNotifying({});
    await crossThreshold(account);
    await automationResult(account);
    const [action] = await webhookActions(account);
    expect(action).toMatchObject({ state: 'skipped', reason: 'no_webhook_url', attempts: 0 });
  });
});

describe('the sendWebhook activity', () => {
  const env = new MockActivityEnvironment({}, { logger: new DefaultLogger('ERROR') });

  async function aContact() {
    const accountId = uniqueId('acct');
    await ensureAccount(h.db, accountId, accountId);
    await upsertContact(h.db, accountId, { id: 'c1' });
    return { accountId, contactId: 'c1' };
  }

  const activitiesWith = (allowPrivate: boolean) =>
    createActionActivities({
      db: h.db,
      mailer: createOutboxMailer(h.db),
      sms: createOutboxSmsProvider(h.db),
      webhook: { allowPrivate, timeoutMs: TIMEOUT_MS },
    });

  const aHook = (contact: { accountId: string; contactId: string }, url: string) => ({
    ...contact,
    actionKey: actionKey(`automation:${uniqueId('wf')}`, 'webhook'),
    url,
    event: 'score.threshold_crossed',
    occurredAt: new Date().toISOString(),
    data: { score: 42 },
  });

  it.each([
    ['the loopback address', (port: string) => `http://127.0.0.1:${port}/hook`],
    ['a name that resolves to loopback', (port: string) => `http://localhost:${port}/hook`],
    ['IPv6 loopback', (port: string) => `http://[::1]:${port}/hook`],
    ['the cloud metadata address', () => 'http://169.254.169.254/latest/meta-data/'],
  ])(
    'when the operator has not allowed private addresses, then %s is refused before connecting',
    async (_, urlOf) => {
      const contact = await aContact();
      const port = new URL(receiver.url('/')).port;
      const hook = aHook(contact, urlOf(port));
      const before = receiver.attempts().length;
      const err = await env.run(activitiesWith(false).sendWebhook, hook).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ApplicationFailure);
      expect(err).toMatchObject({ type: 'WebhookRejected', nonRetryable: true });
      expect((err as Error).message).toMatch(/loopback|link-local/);
      expect(receiver.attempts()).toHaveLength(before);
      const record = await readActionRecord(h.db, {
        accountId: contact.accountId,
        actionKey: hook.actionKey,
      });
      expect(record).toMatchObject({ state: 'failed', responseStatus: null });
      // Asked again (a retry after a lost completion), it fails the same way without calling.
      await expect(env.run(activitiesWith(false).sendWebhook, hook)).rejects.toMatchObject({
        type: 'WebhookRejected',
      });
      expect(receiver.attempts()).toHaveLength(before);
    },
  );

  it('when a delivered action runs again, then it reports the delivery without posting again', async () => {
    const contact = await aContact();
    const path = `/hooks/${uniqueId('again')}`;
    const hook = aHook(contact, receiver.url(path));
    const activities = activitiesWith(true);
    const { rows } = await h.db.query(
      `INSERT INTO account_webhook_settings (account_id, secret) VALUES ($1, 'whsec_test') RETURNING secret`,
      [contact.accountId],
    );
    receiver.setSecret(rows[0].secret as string);
    const first = await env.run(activities.sendWebhook, hook);
    const second = await env.run(activities.sendWebhook, hook);
    expect(first).toEqual({ status: 'done', actionKey: hook.actionKey, detail: 'HTTP 200' });
    expect(second).toEqual(first);
    expect(receiver.attempts(path)).toHaveLength(1);
    expect(receiver.attempts(path)[0]!.signatureValid).toBe(true);
  });
});
