import { ApplicationFailure } from '@temporalio/common';
import { MockActivityEnvironment } from '@temporalio/testing';
import { DefaultLogger } from '@temporalio/worker';
import { createActionActivities, type ActionActivityDeps } from '../../activities/actions';
import { createMailer, createSmtpMailer, type Mailer } from '../../activities/mailer';
import { createOutboxSmsProvider } from '../../activities/sms-provider';
import { ensureAccount } from '../../db/accounts';
import { setDndChannels, type DndChannel } from '../../db/action-contacts';
import { readActionRecord } from '../../db/action-log';
import { upsertContact, type ContactInput } from '../../db/contacts';
import { createPool, type Db } from '../../db/pool';
import { createProfile, publishProfile } from '../../db/profiles';
import { actionKey, type ActionOutcome } from '../../domain/actions';
import { findFreePort } from '../../stack/free-port';
import { uniqueId } from '../support/builders';
import { setScore } from '../support/contact-seeds';
import { startSmtpSink, type SmtpSink } from '../support/smtp-sink';

let db: Db;
let smtp: SmtpSink;
beforeAll(async () => {
  db = createPool(process.env.DATABASE_URL!);
  smtp = await startSmtpSink();
});
afterAll(async () => {
  await smtp?.close();
  await db?.end();
});
beforeEach(() => smtp.reset());

const FROM = 'Pulse Tests <automations@pulse.test>';
const env = new MockActivityEnvironment({}, { logger: new DefaultLogger('ERROR') });

type Activities = ReturnType<typeof createActionActivities>;

function activities(overrides: Partial<ActionActivityDeps> = {}): Activities {
  return createActionActivities({
    db,
    mailer: createSmtpMailer({ url: smtp.url, from: FROM }),
    sms: createOutboxSmsProvider(db),
    ...overrides,
  });
}

/** Runs an activity the way the worker would: inside an activity context. */
function run<I, O>(activity: (input: I) => Promise<O>, input: I): Promise<O> {
  return env.run(activity, input);
}

interface TestContact {
  accountId: string;
  contactId: string;
  email: string | null;
}

/** A fresh account with one contact; pass `dnd` to block channels. */
async function aContact(
  overrides: Omit<ContactInput, 'id'> & { dnd?: DndChannel[] } = {},
): Promise<TestContact> {
  const accountId = uniqueId('acct');
  const contactId = uniqueId('c');
  await ensureAccount(db, accountId, accountId);
  const { dnd, ...fields } = overrides;
  const email = fields.email === undefined ? `${contactId}@example.com` : fields.email;
  await upsertContact(db, accountId, { id: contactId, phone: '+15550100', ...fields, email });
  if (dnd) await setDndChannels(db, accountId, contactId, dnd);
  return { accountId, contactId, email };
}

const aStep = (step: string) => actionKey(`automation:${uniqueId('wf')}`, step);

const anEmail = (
  contact: TestContact,
  overrides: { actionKey?: string; subject?: string; text?: string } = {},
) => ({
  actionKey: aStep('send-welcome'),
  accountId: contact.accountId,
  contactId: contact.contactId,
  subject: 'Welcome aboard',
  text: 'Glad to have you.',
  ...overrides,
});

const anSms = (contact: TestContact, overrides: { actionKey?: string } = {}) => ({
  actionKey: aStep('send-sms'),
  accountId: contact.accountId,
  contactId: contact.contactId,
  text: 'Your trial ends tomorrow.',
  ...overrides,
});

const aKeyed = (contact: TestContact, key = aStep('step')) => ({
  actionKey: key,
  accountId: contact.accountId,
  contactId: contact.contactId,
});

async function recordOf(contact: TestContact, key: string) {
  return readActionRecord(db, { accountId: contact.accountId, actionKey: key });
}

/** The failure a rejected activity promise carries, for asserting on its type and retryability. */
async function failureOf(promise: Promise<unknown>): Promise<ApplicationFailure> {
  try {
    await promise;
  } catch (err) {
    expect(err).toBeInstanceOf(ApplicationFailure);
    return err as ApplicationFailure;
  }
  throw new Error('expected the activity to fail');
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('sendEmail', () => {
  it('when an email action runs, then exactly one mail with the action’s Message-ID arrives and "done" is recorded', async () => {
    const contact = await aContact();
    const action = anEmail(contact);

    const outcome = await run(activities().sendEmail, action);

    expect(outcome).toEqual({
      status: 'done',
      actionKey: action.actionKey,
      detail: expect.stringMatching(/^<pulse\.[0-9a-f]{32}@pulse\.localhost>$/),
    });
    expect(smtp.received).toHaveLength(1);
    const [mail] = smtp.received;
    expect(mail).toMatchObject({
      envelopeFrom: 'automations@pulse.test',
      envelopeTo: [contact.email],
      subject: 'Welcome aboard',
      messageId: outcome.status === 'done' ? outcome.detail : undefined,
    });
    expect(mail!.headers.from).toBe('Pulse Tests <automations@pulse.test>');
    expect(mail!.body.trim()).toBe('Glad to have you.');
    expect(await recordOf(contact, action.actionKey)).toMatchObject({
      kind: 'send_email',
      state: 'done',
      attempts: 1,
      possibleDuplicate: false,
    });
  });

  it('when the same actionKey runs again, then no second mail is sent and the first outcome is reported', async () => {
    const contact = await aContact();
    const action = anEmail(contact);
    const first = await run(activities().sendEmail, action);

    const again = await run(activities().sendEmail, action);
    const withOtherText = await run(activities().sendEmail, {
      ...action,
      subject: 'Changed',
      text: 'Changed',
    });

    expect(again).toEqual(first);
    expect(withOtherText).toEqual(first);
    expect(smtp.received).toHaveLength(1);
  });

  it('when attempts of one action run concurrently, then one mail goes out and the others report it or ask to be retried', async () => {
    const contact = await aContact();
    const action = anEmail(contact);
    const acts = activities();

    const results = await Promise.allSettled(Array.from({ length: 5 }, () => run(acts.sendEmail, action)));

    expect(smtp.received).toHaveLength(1);
    const done = results.filter((r): r is PromiseFulfilledResult<ActionOutcome> => r.status === 'fulfilled');
    expect(done.length).toBeGreaterThanOrEqual(1);
    for (const r of done) expect(r.value.status).toBe('done');
    for (const r of results.filter((r) => r.status === 'rejected')) {
      expect(r.reason).toMatchObject({ type: 'ActionInFlight', nonRetryable: false });
    }
    expect(await run(acts.sendEmail, action)).toEqual(done[0]!.value);
  });

  it('when the SMTP server answers 451 to the first attempt, then the activity fails retryably and the retry delivers exactly one mail', async () => {
    const contact = await aContact();
    const action = anEmail(contact);
    smtp.rejectNextMessages(1, 451, 'Greylisted, try again later');

    const failure = await failureOf(run(activities().sendEmail, action));
    expect(failure).toMatchObject({ type: 'DeliveryNotSent', nonRetryable: false });
    expect(failure.message).toMatch(/451/);
    expect(smtp.received).toHaveLength(0);
    expect(await recordOf(contact, action.actionKey)).toMatchObject({
      state: 'pending',
      lastError: expect.stringMatching(/451/),
    });

    const retried = await run(activities().sendEmail, action);

    expect(retried.status).toBe('done');
    expect(smtp.received).toHaveLength(1);
    expect(await recordOf(contact, action.actionKey)).toMatchObject({
      state: 'done',
      attempts: 2,
      possibleDuplicate: false,
    });
  });

  it('when the mail server is unreachable, then the activity fails retryably and the retry sends once it is back', async () => {
    const contact = await aContact();
    const action = anEmail(contact);
    const down = createSmtpMailer({ url: `smtp://127.0.0.1:${await findFreePort()}`, from: FROM });

    const failure = await failureOf(run(activities({ mailer: down }).sendEmail, action));

    expect(failure).toMatchObject({ type: 'DeliveryNotSent', nonRetryable: false });
    expect(await recordOf(contact, action.actionKey)).toMatchObject({ state: 'pending' });
    expect((await run(activities().sendEmail, action)).status).toBe('done');
    expect(smtp.received).toHaveLength(1);
  });

  it('when the server refuses the recipient for good (550), then the email is skipped as rejected, recorded, and never retried', async () => {
    const contact = await aContact();
    smtp.rejectRecipient(contact.email!, 550, 'Mailbox unavailable');
    const action = anEmail(contact);

    const outcome = await run(activities().sendEmail, action);
    smtp.reset();
    const again = await run(activities().sendEmail, action);

    expect(outcome).toEqual({ status: 'skipped', actionKey: action.actionKey, reason: 'email_rejected' });
    expect(again).toEqual(outcome);
    expect(smtp.received).toHaveLength(0);
    expect(await recordOf(contact, action.actionKey)).toMatchObject({
      state: 'skipped',
      detail: expect.stringMatching(/550/),
    });
  });

  it.each([
    [['email'], 'dnd_email'],
    [['all'], 'dnd_all'],
    [['sms', 'all'], 'dnd_all'],
  ] as const)(
    'when the contact blocked %j, then no mail is sent and the skip (%s) is recorded',
    async (dnd, reason) => {
      const contact = await aContact({ dnd: [...dnd] });
      const action = anEmail(contact);

      const outcome = await run(activities().sendEmail, action);

      expect(outcome).toEqual({ status: 'skipped', actionKey: action.actionKey, reason });
      expect(smtp.received).toHaveLength(0);
      expect(await recordOf(contact, action.actionKey)).toMatchObject({ state: 'skipped', reason });
    },
  );

  it('when the contact blocked only SMS, then email still goes out', async () => {
    const contact = await aContact({ dnd: ['sms'] });
    expect((await run(activities().sendEmail, anEmail(contact))).status).toBe('done');
    expect(smtp.received).toHaveLength(1);
  });

  it('when a skip was recorded, then lifting DND later does not send it on a retry', async () => {
    const contact = await aContact({ dnd: ['email'] });
    const action = anEmail(contact);
    const skipped = await run(activities().sendEmail, action);

    await setDndChannels(db, contact.accountId, contact.contactId, []);

    expect(await run(activities().sendEmail, action)).toEqual(skipped);
    expect(smtp.received).toHaveLength(0);
  });

  it('when the contact has no email address, then the email is skipped with no_email and recorded', async () => {
    const contact = await aContact({ email: null });
    const action = anEmail(contact);

    const outcome = await run(activities().sendEmail, action);

    expect(outcome).toEqual({ status: 'skipped', actionKey: action.actionKey, reason: 'no_email' });
    expect(smtp.received).toHaveLength(0);
    expect(await recordOf(contact, action.actionKey)).toMatchObject({ state: 'skipped', reason: 'no_email' });
  });

  it('when the attempt is lost after the server took the mail, then retries within the lease send nothing and after it the same Message-ID goes out once more, flagged', async () => {
    const contact = await aContact();
    const action = anEmail(contact);
    const smtpMailer = createSmtpMailer({ url: smtp.url, from: FROM });
    let loseNext = true;
    // The server accepts, then the attempt cannot tell (a connection drop before the reply, a crash).
    const flaky: Mailer = {
      async send(email) {
        await smtpMailer.send(email);
        if (loseNext) {
          loseNext = false;
          throw new Error('socket closed before the reply');
        }
      },
    };
    const acts = activities({ mailer: flaky, sendingLeaseMs: 400 });

    expect(await failureOf(run(acts.sendEmail, action))).toMatchObject({
      type: 'DeliveryUncertain',
      nonRetryable: false,
    });
    expect(await failureOf(run(acts.sendEmail, action))).toMatchObject({
      type: 'ActionInFlight',
      nonRetryable: false,
    });
    expect(smtp.received).toHaveLength(1);

    await sleep(500);
    const outcome = await run(acts.sendEmail, action);

    expect(outcome.status).toBe('done');
    expect(smtp.received).toHaveLength(2);
    expect(smtp.received[1]!.messageId).toBe(smtp.received[0]!.messageId);
    expect(await recordOf(contact, action.actionKey)).toMatchObject({
      state: 'done',
      attempts: 2,
      possibleDuplicate: true,
    });
  });

  it('when the contact opted out while a lost attempt’s lease ran, then the resend is skipped instead', async () => {
    const contact = await aContact();
    const action = anEmail(contact);
    const lost: Mailer = {
      send: () => Promise.reject(new Error('connection reset after DATA')),
    };
    await failureOf(run(activities({ mailer: lost, sendingLeaseMs: 100 }).sendEmail, action));
    await setDndChannels(db, contact.accountId, contact.contactId, ['email']);
    await sleep(200);

    const outcome = await run(activities({ sendingLeaseMs: 100 }).sendEmail, action);

    expect(outcome).toEqual({ status: 'skipped', actionKey: action.actionKey, reason: 'dnd_email' });
    expect(smtp.received).toHaveLength(0);
  });

  it('when the contact does not exist or the input is malformed, then the activity fails non-retryably with ActionValidationError', async () => {
    const contact = await aContact();
    const cases = [
      { ...anEmail(contact), contactId: 'nobody' },
      { ...anEmail(contact), subject: '' },
      { ...anEmail(contact), actionKey: '' },
      { ...anEmail(contact), accountId: 'not an id' },
    ];
    for (const input of cases) {
      expect(await failureOf(run(activities().sendEmail, input))).toMatchObject({
        type: 'ActionValidationError',
        nonRetryable: true,
      });
    }
    expect(smtp.received).toHaveLength(0);
  });

  it('when an actionKey already recorded for another action is reused, then the activity fails non-retryably with ActionKeyConflict', async () => {
    const contact = await aContact();
    const key = aStep('step-1');
    await run(activities().addTag, { ...aKeyed(contact, key), tag: 'vip' });

    const failure = await failureOf(run(activities().sendEmail, anEmail(contact, { actionKey: key })));

    expect(failure).toMatchObject({ type: 'ActionKeyConflict', nonRetryable: true });
    expect(smtp.received).toHaveLength(0);
  });

  it('when no SMTP server is configured, then email is recorded in email_outbox once per Message-ID', async () => {
    const contact = await aContact();
    const action = anEmail(contact);
    const acts = activities({ mailer: createMailer({ db, from: FROM }) });

    const outcome = await run(acts.sendEmail, action);
    await run(acts.sendEmail, action);

    expect(outcome.status).toBe('done');
    const { rows } = await db.query(
      'SELECT from_address, to_address, subject, body FROM email_outbox WHERE message_id = $1',
      [outcome.status === 'done' ? outcome.detail : null],
    );
    expect(rows).toEqual([
      { from_address: FROM, to_address: contact.email, subject: 'Welcome aboard', body: 'Glad to have you.' },
    ]);
    expect(smtp.received).toHaveLength(0);
  });
});

describe('sendSms', () => {
  async function outbox(contact: TestContact) {
    const { rows } = await db.query(
      'SELECT message_id, to_number, body FROM sms_outbox WHERE account_id = $1 AND contact_id = $2',
      [contact.accountId, contact.contactId],
    );
    return rows;
  }

  it('when an SMS action runs twice with one key, then sms_outbox holds the message once and both runs report the same outcome', async () => {
    const contact = await aContact({ phone: '+15550123' });
    const action = anSms(contact);

    const first = await run(activities().sendSms, action);
    const again = await run(activities().sendSms, action);

    expect(first).toEqual({
      status: 'done',
      actionKey: action.actionKey,
      detail: expect.stringMatching(/^sms_[0-9a-f]{32}$/),
    });
    expect(again).toEqual(first);
    expect(await outbox(contact)).toEqual([
      {
        message_id: first.status === 'done' ? first.detail : '',
        to_number: '+15550123',
        body: 'Your trial ends tomorrow.',
      },
    ]);
  });

  it.each([
    [['sms'], 'dnd_sms'],
    [['all'], 'dnd_all'],
  ] as const)(
    'when the contact blocked %j, then nothing is recorded in sms_outbox and the skip is %s',
    async (dnd, reason) => {
      const contact = await aContact({ dnd: [...dnd] });
      const action = anSms(contact);

      expect(await run(activities().sendSms, action)).toEqual({
        status: 'skipped',
        actionKey: action.actionKey,
        reason,
      });
      expect(await outbox(contact)).toEqual([]);
      expect(await recordOf(contact, action.actionKey)).toMatchObject({ state: 'skipped', reason });
    },
  );

  it('when the contact has no phone number, then the SMS is skipped with no_phone', async () => {
    const contact = await aContact({ phone: null });
    const action = anSms(contact);
    expect(await run(activities().sendSms, action)).toEqual({
      status: 'skipped',
      actionKey: action.actionKey,
      reason: 'no_phone',
    });
    expect(await outbox(contact)).toEqual([]);
  });
});

describe('addTag and removeTag', () => {
  async function tagsOf(contact: TestContact): Promise<string[]> {
    const { rows } = await db.query('SELECT tags FROM contacts WHERE account_id = $1 AND id = $2', [
      contact.accountId,
      contact.contactId,
    ]);
    return rows[0].tags;
  }

  it('when a tag is added with one key, again with that key and concurrently, then the contact carries it once and every run reports "added"', async () => {
    const contact = await aContact({ tags: ['trial'] });
    const action = { ...aKeyed(contact), tag: 'vip' };
    const acts = activities();

    const results = await Promise.all([
      run(acts.addTag, action),
      run(acts.addTag, action),
      run(acts.addTag, action),
    ]);
    const again = await run(acts.addTag, action);

    for (const outcome of [...results, again])
      expect(outcome).toEqual({ status: 'done', actionKey: action.actionKey, detail: 'added' });
    expect(await tagsOf(contact)).toEqual(['trial', 'vip']);
  });

  it('when another step adds a tag the contact already has, then nothing changes and the outcome says already_tagged', async () => {
    const contact = await aContact({ tags: ['vip'] });
    const outcome = await run(activities().addTag, { ...aKeyed(contact), tag: 'vip' });
    expect(outcome).toMatchObject({ status: 'done', detail: 'already_tagged' });
    expect(await tagsOf(contact)).toEqual(['vip']);
  });

  it('when a tag is removed, then it is gone, a retry reports "removed" again, and another step finds it not_tagged', async () => {
    const contact = await aContact({ tags: ['trial', 'vip'] });
    const action = { ...aKeyed(contact), tag: 'trial' };

    const first = await run(activities().removeTag, action);
    const retry = await run(activities().removeTag, action);
    const otherStep = await run(activities().removeTag, { ...aKeyed(contact), tag: 'trial' });

    expect(first).toMatchObject({ status: 'done', detail: 'removed' });
    expect(retry).toEqual(first);
    expect(otherStep).toMatchObject({ status: 'done', detail: 'not_tagged' });
    expect(await tagsOf(contact)).toEqual(['vip']);
  });

  it('when the contact was blocked on every channel, then tagging still happens (DND is about messages)', async () => {
    const contact = await aContact({ dnd: ['all'] });
    expect(await run(activities().addTag, { ...aKeyed(contact), tag: 'vip' })).toMatchObject({
      status: 'done',
      detail: 'added',
    });
  });
});

describe('createTask', () => {
  async function tasksOf(contact: TestContact) {
    const { rows } = await db.query(
      'SELECT id, title, due_at, assignee, status, action_key FROM contact_tasks WHERE account_id = $1 AND contact_id = $2',
      [contact.accountId, contact.contactId],
    );
    return rows;
  }

  it('when a task action runs twice with one key, then one task exists and both runs report its id', async () => {
    const contact = await aContact({ attributes: { owner: 'sam@sales.example' } });
    const action = { ...aKeyed(contact), title: 'Call about pricing', dueAt: '2030-01-02T09:00:00.000Z' };

    const first = await run(activities().createTask, action);
    const again = await run(activities().createTask, action);

    expect(again).toEqual(first);
    const tasks = await tasksOf(contact);
    expect(tasks).toEqual([
      {
        id: first.status === 'done' ? first.detail : '',
        title: 'Call about pricing',
        due_at: new Date('2030-01-02T09:00:00.000Z'),
        assignee: 'sam@sales.example',
        status: 'open',
        action_key: action.actionKey,
      },
    ]);
  });

  it('when an assignee is given, then it wins over the owner attribute; without either the task is unassigned', async () => {
    const owned = await aContact({ attributes: { owner: 'sam@sales.example' } });
    await run(activities().createTask, {
      ...aKeyed(owned),
      title: 'Follow up',
      assignee: 'kim@sales.example',
    });
    const unowned = await aContact();
    await run(activities().createTask, { ...aKeyed(unowned), title: 'Follow up' });

    expect((await tasksOf(owned))[0]).toMatchObject({ assignee: 'kim@sales.example', due_at: null });
    expect((await tasksOf(unowned))[0]).toMatchObject({ assignee: null });
  });

  it('when dueAt is not an ISO time, then the activity fails non-retryably and creates nothing', async () => {
    const contact = await aContact();
    const failure = await failureOf(
      run(activities().createTask, { ...aKeyed(contact), title: 'x', dueAt: 'next tuesday' }),
    );
    expect(failure).toMatchObject({ type: 'ActionValidationError', nonRetryable: true });
    expect(failure.message).toMatch(/dueAt/);
    expect(await tasksOf(contact)).toEqual([]);
  });
});

describe('addToCampaign and removeFromCampaign', () => {
  async function membership(contact: TestContact, campaignId: string) {
    const { rows } = await db.query(
      'SELECT removed_at IS NULL AS active FROM campaign_memberships WHERE account_id = $1 AND campaign_id = $2 AND contact_id = $3',
      [contact.accountId, campaignId, contact.contactId],
    );
    return rows;
  }

  it('when a contact is added twice with one key, then it is a member once and both runs report "added"', async () => {
    const contact = await aContact();
    const action = { ...aKeyed(contact), campaignId: 'spring-promo' };

    const first = await run(activities().addToCampaign, action);
    const again = await run(activities().addToCampaign, action);
    const otherStep = await run(activities().addToCampaign, {
      ...aKeyed(contact),
      campaignId: 'spring-promo',
    });

    expect(first).toMatchObject({ status: 'done', detail: 'added' });
    expect(again).toEqual(first);
    expect(otherStep).toMatchObject({ status: 'done', detail: 'already_member' });
    expect(await membership(contact, 'spring-promo')).toEqual([{ active: true }]);
  });

  it('when a member is removed, retried and removed by another step, then it left once; adding again makes it a member again', async () => {
    const contact = await aContact();
    await run(activities().addToCampaign, { ...aKeyed(contact), campaignId: 'onboarding' });
    const remove = { ...aKeyed(contact), campaignId: 'onboarding' };

    const first = await run(activities().removeFromCampaign, remove);
    const retry = await run(activities().removeFromCampaign, remove);
    const otherStep = await run(activities().removeFromCampaign, {
      ...aKeyed(contact),
      campaignId: 'onboarding',
    });

    expect(first).toMatchObject({ status: 'done', detail: 'removed' });
    expect(retry).toEqual(first);
    expect(otherStep).toMatchObject({ status: 'done', detail: 'not_member' });
    expect(await membership(contact, 'onboarding')).toEqual([{ active: false }]);

    expect(
      await run(activities().addToCampaign, { ...aKeyed(contact), campaignId: 'onboarding' }),
    ).toMatchObject({ detail: 'added' });
    expect(await membership(contact, 'onboarding')).toEqual([{ active: true }]);
  });
});

describe('readContactForAutomation', () => {
  it('when profiles are published, unpublished and scored, then scores read as their value, 0 without a row, and null while unpublished', async () => {
    const contact = await aContact({ tags: ['vip'], dnd: ['sms'] });
    const { accountId, contactId } = contact;
    for (const id of ['engagement', 'fit', 'draft']) await createProfile(db, accountId, { id, name: id });
    await publishProfile(db, accountId, 'engagement', 'test');
    await publishProfile(db, accountId, 'fit', 'test');
    await setScore(db, accountId, contactId, 'engagement', 42);

    const read = await run(activities().readContactForAutomation, { accountId, contactId });

    expect(read).toEqual({
      exists: true,
      email: contact.email,
      phone: '+15550100',
      tags: ['vip'],
      dndChannels: ['sms'],
      scores: { engagement: 42, fit: 0, draft: null },
    });
  });

  it('when the contact does not exist, then it reads as not existing rather than failing', async () => {
    const { accountId } = await aContact();
    expect(await run(activities().readContactForAutomation, { accountId, contactId: 'nobody' })).toEqual({
      exists: false,
      email: null,
      phone: null,
      tags: [],
      dndChannels: [],
      scores: {},
    });
  });
});
