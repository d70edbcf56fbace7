import { MockActivityEnvironment } from '@temporalio/testing';
import { DefaultLogger } from '@temporalio/worker';
import { createAccountSmsProvider } from '../../activities/account-sms-provider';
import { createActionActivities } from '../../activities/actions';
import { createOutboxMailer } from '../../activities/mailer';
import { readActionRecord } from '../../db/action-log';
import { DEFAULT_RULES } from '../../domain/default-rules';
import { actionKey } from '../../domain/actions';
import { contactWorkflowId } from '../../domain/ids';
import { uniqueId } from '../support/builders';
import { eventually } from '../support/eventually';
import { startHarness, type Harness, type TestAccount } from '../support/harness';
import { startFakeTwilio, type FakeTwilio } from '../support/twilio-fake';

const SID = `AC${'0123456789abcdef'.repeat(2)}`;
const TOKEN = 'twilio_auth_token_for_tests';
const FROM = '+15005550006';
const basicAuth = `Basic ${Buffer.from(`${SID}:${TOKEN}`).toString('base64')}`;

let h: Harness;
let twilio: FakeTwilio;
beforeAll(async () => {
  twilio = await startFakeTwilio();
  // The worker's SMS go the real way (createAccountSmsProvider, the twilio package), to the local server.
  h = await startHarness({ workerOptions: { twilio: { apiBaseUrl: twilio.baseUrl, timeoutMs: 2_000 } } });
});
afterAll(async () => {
  await h?.shutdown();
  await twilio?.close();
});
beforeEach(() => twilio.script([]));

async function anAccountOnTwilio(): Promise<TestAccount> {
  const account = await h.newAccount();
  const res = await account.call('PUT', '/settings/sms', {
    provider: 'twilio',
    accountSid: SID,
    authToken: TOKEN,
    fromNumber: FROM,
  });
  expect(res.status).toBe(200);
  expect(res.body).toEqual({ provider: 'twilio', accountSid: SID, fromNumber: FROM });
  return account;
}

describe('SMS settings', () => {
  it('when the settings are read back, then the auth token is not shown', async () => {
    const account = await anAccountOnTwilio();
    const res = await account.call('GET', '/settings/sms');
    expect(res.body).toEqual({ provider: 'twilio', accountSid: SID, fromNumber: FROM });
    expect(JSON.stringify(res.body)).not.toContain(TOKEN);
  });

  it('when the Account SID is malformed, then 400 names the field and nothing changes', async () => {
    const account = await h.newAccount();
    const res = await account.call('PUT', '/settings/sms', {
      provider: 'twilio',
      accountSid: 'not-a-sid',
      authToken: TOKEN,
      fromNumber: FROM,
    });
    expect(res.status).toBe(400);
    expect(JSON.stringify(res.body)).toContain('accountSid');
    expect((await account.call('GET', '/settings/sms')).body).toEqual({ provider: 'outbox' });
  });

  it('when a key without the admin scope sets them, then 403', async () => {
    const account = await h.newAccount();
    const res = await account.call('PUT', '/settings/sms', { provider: 'outbox' }, account.keys.write);
    expect(res.status).toBe(403);
  });
});

describe('sendSms through the twilio package, against a server speaking Twilio REST', () => {
  const env = new MockActivityEnvironment({}, { logger: new DefaultLogger('ERROR') });
  const activities = () =>
    createActionActivities({
      db: h.db,
      mailer: createOutboxMailer(h.db),
      sms: createAccountSmsProvider(h.db, { apiBaseUrl: twilio.baseUrl, timeoutMs: 2_000 }),
    });

  async function aContactOf(account: TestAccount, phone: string) {
    await account.call('POST', '/contacts', { id: 'c1', phone });
    return {
      accountId: account.accountId,
      contactId: 'c1',
      actionKey: actionKey(`automation:${uniqueId('wf')}`, 'sms'),
      text: 'Your demo is confirmed.',
    };
  }

  it("when Twilio accepts, then the request has Twilio's shape and auth, and the action is done once", async () => {
    const sms = await aContactOf(await anAccountOnTwilio(), '+15551230001');
    const outcome = await env.run(activities().sendSms, sms);
    expect(outcome).toMatchObject({ status: 'done' });
    expect(twilio.requests.filter((r) => r.form.To === '+15551230001')).toEqual([
      {
        path: `/2010-04-01/Accounts/${SID}/Messages.json`,
        authorization: basicAuth,
        form: { To: '+15551230001', From: FROM, Body: 'Your demo is confirmed.' },
        answered: 201,
      },
    ]);
    await env.run(activities().sendSms, sms); // a retry after a lost completion
    expect(twilio.requests.filter((r) => r.form.To === '+15551230001')).toHaveLength(1);
  });

  it('when Twilio answers 400 (21211, invalid number), then it is recorded as rejected and not sent again', async () => {
    const sms = await aContactOf(await anAccountOnTwilio(), '+15551230002');
    twilio.script([{ status: 400, code: 21211 }]);
    const outcome = await env.run(activities().sendSms, sms);
    expect(outcome).toEqual({ status: 'skipped', actionKey: sms.actionKey, reason: 'sms_rejected' });
    const record = await readActionRecord(h.db, sms);
    expect(record).toMatchObject({ state: 'skipped', reason: 'sms_rejected', attempts: 1 });
    expect(record!.detail).toContain('21211');
    await env.run(activities().sendSms, sms);
    expect(twilio.requests.filter((r) => r.form.To === '+15551230002')).toHaveLength(1);
  });

  it('when the account has no SMS settings, then the message goes to sms_outbox and not to Twilio', async () => {
    const account = await h.newAccount();
    const sms = await aContactOf(account, '+15551230003');
    expect(await env.run(activities().sendSms, sms)).toMatchObject({ status: 'done' });
    expect(twilio.requests.filter((r) => r.form.To === '+15551230003')).toHaveLength(0);
    const { rows } = await h.db.query(`SELECT to_number FROM sms_outbox WHERE account_id = $1`, [
      account.accountId,
    ]);
    expect(rows).toEqual([{ to_number: '+15551230003' }]);
  });
});

describe('a follow-up sequence texting through Twilio', () => {
  it('when Twilio answers 503 first, then Temporal retries the SMS and exactly one message is created', async () => {
    const account = await anAccountOnTwilio();
    await account.call('POST', '/profiles', { id: 'engagement', name: 'E', rules: DEFAULT_RULES });
    await account.call('POST', '/profiles/engagement/publish');
    await account.call('POST', '/contacts', { id: 'c1', email: 'c1@example.com', phone: '+15551230004' });
    await account.call('POST', '/triggers', {
      id: 'follow-up',
      profileId: 'engagement',
      condition: { op: 'lt', value: 0 },
      reentry: { policy: 'once' },
      automation: 'follow_up_sequence',
      input: { waitDays: 0.00001, smsText: 'Still interested?' }, // under a second
    });
    twilio.script([{ status: 503, code: 20503 }]);
    await account.call('POST', '/contacts/c1/score-adjustments', {
      profileId: 'engagement',
      points: -5,
      reason: 'churn signal',
    });
    const handle = h.client.workflow.getHandle(
      `${contactWorkflowId(account.accountId, 'c1')}/trigger:follow-up/1`,
    );
    await eventually(() => handle.describe());
    await handle.result();
    const toContact = twilio.requests.filter((r) => r.form.To === '+15551230004');
    expect(toContact.map((r) => r.answered)).toEqual([503, 201]);
    expect(toContact[1]!.form).toEqual({ To: '+15551230004', From: FROM, Body: 'Still interested?' });
    const res = await account.call('GET', '/contacts/c1/automation-actions');
    const sms = (res.body.items as Array<Record<string, unknown>>).find((a) => a.kind === 'send_sms');
    expect(sms).toMatchObject({ state: 'done', attempts: 2, lastError: null });
  });
});
