import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DEFAULT_RULES } from '../../domain/default-rules';
import { progressBar, progressLine, table } from '../../cli/render';
import { findFreePort } from '../../stack/free-port';
import { anInteraction } from '../support/builders';
import { eventually } from '../support/eventually';
import { startHarness, type Harness, type TestAccount } from '../support/harness';
import { seedAppliedHistory } from '../support/scoring-fixtures';
import { pulse } from '../support/pulse-cli';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.shutdown();
});

async function publishedAccount(): Promise<{ account: TestAccount; env: Record<string, string> }> {
  const account = await h.newAccount();
  expect(
    (await account.call('POST', '/profiles', { id: 'engagement', name: 'Engagement', rules: DEFAULT_RULES }))
      .status,
  ).toBe(201);
  expect((await account.call('POST', '/profiles/engagement/publish')).status).toBe(201);
  return { account, env: { PULSE_API_URL: h.baseUrl, PULSE_API_KEY: account.keys.admin } };
}

async function aContact(account: TestAccount, id: string, name?: string): Promise<void> {
  expect((await account.call('POST', '/contacts', { id, name })).status).toBe(201);
}

async function settledScore(account: TestAccount, contactId: string, expected: number): Promise<void> {
  await eventually(async () =>
    expect((await account.call('GET', `/contacts/${contactId}/score`)).body.score).toBe(expected),
  );
}

describe('pulse interactions send / contacts score', () => {
  it('when interactions of several contacts are imported from a file, then they are sent 1,000 a request and rejected items are named by their line', async () => {
    const { account, env } = await publishedAccount();
    await aContact(account, 'ada');
    await aContact(account, 'bob');
    const good = Array.from({ length: 1_200 }, (_, i) => ({
      contactId: i % 2 === 0 ? 'ada' : 'bob',
      ...anInteraction({ type: 'email_opened' }),
    }));
    const bad = [
      { contactId: 'nobody', ...anInteraction() },
      { contactId: 'ada', ...anInteraction(), occurredAt: 'yesterday' },
    ];
    const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'pulse-import-')), 'items.ndjson');
    writeFileSync(file, [...good, ...bad].map((item) => JSON.stringify(item)).join('\n') + '\n');

    const res = await pulse(['interactions', 'import', file], env);
    expect(res.code).toBe(1);
    expect(res.stdout).toContain('Imported 1202 items: 1200 accepted, 0 already recorded, 2 rejected.');
    expect(res.stdout).toContain('item 1200: no such contact (items.1200.contactId: no such contact)');
    expect(res.stdout).toMatch(/item 1201: invalid \(items\.1201\.occurredAt: /);
    const { rows } = await h.db.query<{ n: string }>(
      'SELECT count(*) AS n FROM interactions WHERE account_id = $1',
      [account.accountId],
    );
    expect(Number(rows[0]!.n)).toBe(1_200);

    const again = await pulse(['interactions', 'import', file, '--json'], env);
    const summary = JSON.parse(again.stdout);
    expect(summary).toMatchObject({ accepted: 0, duplicates: 1_200, rejected: 2 });
    expect(summary.rejectedItems[1]).toMatchObject({
      index: 1201,
      errors: [{ path: 'items.1201.occurredAt' }],
    });
  });

  it('when an interaction is sent with attributes, then contacts score shows the score, its breakdown and the ledger', async () => {
    const { account, env } = await publishedAccount();
    await aContact(account, 'ada', 'Ada Lovelace');

    const sent = await pulse(
      ['interactions', 'send', 'ada', 'tag_added', '--attr', 'tag=VIP', '--id', 'evt-1'],
      env,
    );
    expect(sent).toMatchObject({ code: 0, stderr: '' });
    expect(sent.stdout).toContain('Sent tag_added to ada (interaction evt-1)');
    await pulse(['interactions', 'send', 'ada', 'email_clicked', '--attr', 'clicks:=2'], env);
    await settledScore(account, 'ada', 18);

    const again = await pulse(
      ['interactions', 'send', 'ada', 'tag_added', '--attr', 'tag=VIP', '--id', 'evt-1'],
      env,
    );
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('already recorded for ada: not counted again');
    const stored = await h.db.query('SELECT attributes FROM interactions WHERE account_id = $1 ORDER BY id', [
      account.accountId,
    ]);
    expect(stored.rows.map((r) => r.attributes)).toEqual(
      expect.arrayContaining([{ clicks: 2 }, { tag: 'VIP' }]),
    );

    const score = await pulse(['contacts', 'score', 'ada'], env);
    expect(score.code).toBe(0);
    const lines = score.stdout.split('\n');
    expect(lines[0]).toBe('Contact ada: score 18 (profile engagement)');
    expect(score.stdout).toContain('Engagement [engagement, default, v1]: 18');
    expect(lines).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^ {2}RULE +DESCRIPTION +COUNT +POINTS$/),
        expect.stringMatching(/^ {2}email-clicked +Link clicked +1 +\+3$/),
        expect.stringMatching(/^ {2}vip-tag +Tag "vip" added +1 +\+15$/),
        'Ledger (latest 2):',
        expect.stringMatching(/^ {2}\S+ \S+Z +engagement v1 +email-clicked +cli-\S+ +\+3 +18$/),
        expect.stringMatching(/^ {2}\S+ \S+Z +engagement v1 +vip-tag +evt-1 +\+15 +15$/),
      ]),
    );

    const json = await pulse(['--json', 'contacts', 'score', 'ada', '--limit', '1'], env);
    expect(JSON.parse(json.stdout)).toMatchObject({
      contactId: 'ada',
      score: 18,
      ledger: [{ scoreAfter: 18 }],
    });
  });

  it('when a score is adjusted by a negative amount, then the new score is printed and ledgered with the reason', async () => {
    const { account, env } = await publishedAccount();
    await aContact(account, 'grace');
    await account.call('POST', '/contacts/grace/interactions', [anInteraction({ type: 'form_submitted' })]);
    await settledScore(account, 'grace', 5);

    const res = await pulse(['contacts', 'adjust', 'grace', '-2', '--reason', 'bounced email'], env);
    expect(res).toMatchObject({ code: 0, stderr: '' });
    expect(res.stdout).toMatch(/^Adjusted grace by -2 in engagement: score now 3 \(adj:/);
    const score = await pulse(['contacts', 'score', 'grace'], env);
    expect(score.stdout).toMatch(/\n {2}adjustment +— +1 +-2\n/);
    expect(score.stdout).toMatch(/\n {2}\S+ \S+Z +engagement v1 +adjustment +adj:\S+ +-2 +3\n/);
  });
});

describe('pulse contacts top', () => {
  it('when contacts have different scores, then they are listed highest first, limited', async () => {
    const { account, env } = await publishedAccount();
    for (const [id, name] of [
      ['low', 'Low'],
      ['high', 'High'],
      ['mid', 'Mid'],
    ] as const)
      await aContact(account, id, name);
    await account.call('POST', '/contacts/high/interactions', [
      anInteraction({ type: 'appointment_booked' }),
    ]);
    await account.call('POST', '/contacts/mid/interactions', [anInteraction({ type: 'email_clicked' })]);
    await account.call('POST', '/contacts/low/interactions', [anInteraction({ type: 'email_opened' })]);
    await settledScore(account, 'high', 10);
    await settledScore(account, 'mid', 3);
    await settledScore(account, 'low', 1);

    const res = await pulse(['contacts', 'top', '--limit', '2'], env);
    expect(res.code).toBe(0);
    const lines = res.stdout.trimEnd().split('\n');
    expect(lines[0]).toBe('Top 2 contacts by engagement:');
    expect(lines[1]).toMatch(/^# +CONTACT +NAME +EMAIL +SCORE$/);
    expect(lines.slice(2).map((l) => l.trim().split(/\s+/))).toEqual([
      ['1', 'high', 'High', '—', '10'],
      ['2', 'mid', 'Mid', '—', '3'],
    ]);
  });
});

describe('pulse profiles and triggers', () => {
  it('when profiles and triggers are listed, then each shows its key facts', async () => {
    const { account, env } = await publishedAccount();
    const ownWorkflow = { workflowType: 'GrantWelcomeBonus', taskQueue: 'python-automations' };
    for (const [id, value, automation] of [
      ['reward-80', 80, 'reward_offer'],
      ['bonus-10', 10, ownWorkflow],
    ] as const) {
      const trigger = { id, profileId: 'engagement', condition: { op: 'gte', value }, automation };
      const res = await account.call('POST', '/triggers', { ...trigger, reentry: { policy: 'once' } });
      expect(res.status).toBe(201);
    }

    const profiles = await pulse(['profiles', 'list'], env);
    expect(profiles.code).toBe(0);
    expect(profiles.stdout).toMatch(
      /^PROFILE +NAME +DEFAULT +LIVE +DRAFT RULES\nengagement +Engagement +yes +v1 +\d+\n$/,
    );

    const triggers = await pulse(['triggers', 'list'], env);
    expect(triggers.code).toBe(0);
    expect(triggers.stdout).toMatch(/reward-80 +engagement +gte 80 +crossing +reward_offer +active +api/);
    expect(triggers.stdout).toMatch(
      /bonus-10 +engagement +gte 10 +crossing +GrantWelcomeBonus@python-automations +active/,
    );
  });

  it('when a profile is published with --watch, then progress is followed until the re-score is finished', async () => {
    const { account, env } = await publishedAccount();
    await seedAppliedHistory(h.db, account.accountId, {
      contacts: 400,
      interactionsPerContact: 2,
      types: ['email_opened', 'email_clicked'],
    });
    const rules = DEFAULT_RULES.map((r) => (r.id === 'email-opened' ? { ...r, points: 2 } : r));
    expect((await account.call('PUT', '/profiles/engagement/draft/rules', { rules })).status).toBe(200);

    const res = await pulse(
      ['profiles', 'publish', 'engagement', '--watch', '--interval', '100'],
      env,
      120_000,
    );
    expect(res).toMatchObject({ code: 0, stderr: '' });
    const lines = res.stdout.trimEnd().split('\n');
    expect(lines[0]).toBe(
      `Published engagement version 2; re-scoring every contact (workflow rescore:${account.accountId}:engagement:v2).`,
    );
    // Not a terminal: one plain line per change, the last one the finished state.
    const progress = lines.slice(1, -1);
    expect(progress).toEqual(
      progress.map(() =>
        expect.stringMatching(
          /^(running|finished): +(\d+% {2}\d+\/400 contacts {2}[\d.]+\/s|… {2}counting contacts$)/,
        ),
      ),
    );
    expect(lines.at(-2)).toMatch(/^finished: 100% {2}400\/400 contacts/);
    expect(lines.at(-1)).toMatch(/^Re-score of engagement v2 finished: 400 contacts, \d+ re-scored/);
    expect(res.stdout).not.toContain('\r');
    expect((await account.call('GET', '/profiles/engagement')).body.liveVersion).toBe(2);
  }, 150_000);
});

describe('pulse settings webhook / contacts actions', () => {
  it("when the webhook URL is set, then it and the secret are printed; a contact's actions show their delivery", async () => {
    const { account, env } = await publishedAccount();
    const set = await pulse(['settings', 'webhook', '--url', 'https://hooks.example.com/pulse'], env);
    expect(set.code).toBe(0);
    expect(set.stdout).toMatch(/^URL: +https:\/\/hooks\.example\.com\/pulse\nSecret: +whsec_\S+\n$/);
    expect((await account.call('GET', '/settings/webhook')).body.url).toBe('https://hooks.example.com/pulse');

    await aContact(account, 'c1');
    await h.db.query(
      `INSERT INTO automation_actions (account_id, action_key, contact_id, kind, state, attempts, response_status, last_error)
       VALUES ($1, 'wf-1/webhook', 'c1', 'webhook', 'failed', 1, 422, 'HTTP 422: bad event')`,
      [account.accountId],
    );
    const actions = await pulse(['contacts', 'actions', 'c1'], env);
    expect(actions.code).toBe(0);
    expect(actions.stdout).toMatch(/webhook +failed +1 +422 +HTTP 422: bad event +wf-1\/webhook/);
  });
});

describe('pulse errors', () => {
  it('when the API refuses, then the problem detail is printed on stderr and the exit code is 1', async () => {
    const { env } = await publishedAccount();
    const missing = await pulse(['contacts', 'score', 'nobody'], env);
    expect(missing).toMatchObject({ code: 1, stdout: '' });
    expect(missing.stderr).toBe('Error: 404 Not Found: contact "nobody" does not exist\n');

    const invalid = await pulse(['interactions', 'send', 'nobody', 'Not-Snake'], env);
    expect(invalid.code).toBe(1);
    expect(invalid.stderr).toMatch(/^Error: 400 Invalid request: body\.type: must be snake_case/);

    const unauthorized = await pulse(['profiles', 'list'], {
      ...env,
      PULSE_API_KEY: 'pulse_not_a_real_key_at_all',
    });
    expect(unauthorized).toMatchObject({
      code: 1,
      stderr: 'Error: 401 Unauthorized: unknown or revoked API key\n',
    });
  });

  it('when the arguments are wrong or the API is unreachable, then the exit code says which', async () => {
    const { env } = await publishedAccount();
    const usage = await pulse(['contacts', 'adjust', 'ada', '0', '--reason', 'x'], env);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toContain("error: command-argument value '0' is invalid for argument 'points'");

    const closedPort = await findFreePort();
    const down = await pulse(['--api-url', `http://127.0.0.1:${closedPort}`, 'profiles', 'list'], env);
    expect(down.code).toBe(1);
    expect(down.stderr).toBe(
      `Error: cannot reach the Pulse API at http://127.0.0.1:${closedPort} (ECONNREFUSED); set PULSE_API_URL or --api-url\n`,
    );
  });
});

describe('cli rendering', () => {
  it('when progress is drawn, then the bar fills with the share done and the ETA shows while running', () => {
    const running = {
      total: 200,
      done: 50,
      rescored: 40,
      rate: 25,
      etaSeconds: 6,
      state: 'running' as const,
    };
    expect(progressBar(running, 20)).toBe('[█████░░░░░░░░░░░░░░░]  25%  50/200 contacts  25.0/s  ETA 6s');
    expect(progressLine({ ...running, done: 200, state: 'finished' })).toBe(
      'finished: 100%  200/200 contacts  25.0/s',
    );
    expect(progressLine({ ...running, total: 0, done: 0 })).toBe('running:    …  counting contacts');
    expect(progressBar({ ...running, total: 0, done: 0, state: 'finished' }, 4)).toBe(
      '[████] 100%  0/0 contacts  25.0/s',
    );
  });

  it('when a table is drawn, then columns align and numbers are right-aligned', () => {
    expect(
      table(
        [{ header: 'ID' }, { header: 'N', align: 'right' }],
        [
          ['a', 1],
          ['bbb', 100],
          ['c', null],
        ],
      ),
    ).toBe('ID     N\na      1\nbbb  100\nc      —');
  });
});
