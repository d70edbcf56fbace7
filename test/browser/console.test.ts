import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext, type Locator, type Page } from 'playwright-core';
import { DEFAULT_RULES } from '../../domain/default-rules';
import { buildConsole } from '../../scripts/build-console';
import { anInteraction } from '../support/builders';
import { aContact, aProfile, seedContacts } from '../support/contact-seeds';
import { eventually } from '../support/eventually';
import { startHarness, type Harness, type TestAccount } from '../support/harness';

/**
 * What a person tuning scores does in the console (issue 12), in Debian's Chromium against the
 * real API, worker, Temporal and Postgres: sign in, filter contacts, read a contact's ledger, edit
 * the draft (a bad value is refused by the API's own schema before anything is sent), simulate,
 * publish and watch the re-score reach 100 %, pause a trigger; a read-only key sees no edit
 * controls. Screenshots go to test-artifacts/console/ (and to docs/console/ for the README with
 * PULSE_DOCS_SCREENSHOTS=1).
 */

const CHROMIUM = '/usr/bin/chromium';
const ARTIFACTS = path.resolve(__dirname, '..', '..', 'test-artifacts', 'console');
const DOCS = path.resolve(__dirname, '..', '..', 'docs', 'console');

const chromiumPresent = fs.existsSync(CHROMIUM);
const skip = !chromiumPresent && !process.env.CI;
if (skip) {
  console.warn(
    `SKIPPED test/browser/console.test.ts: ${CHROMIUM} is not installed (apt-get install -y chromium). ` +
      'In CI (CI set) this test fails instead of skipping.',
  );
}

/** The viewport, or one section of the page when `part` is given. */
async function snap(page: Page, name: string, part?: Locator): Promise<void> {
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  const file = path.join(ARTIFACTS, `${name}.png`);
  await (part ?? page).screenshot({ path: file });
  if (process.env.PULSE_DOCS_SCREENSHOTS === '1') {
    fs.mkdirSync(DOCS, { recursive: true });
    fs.copyFileSync(file, path.join(DOCS, `${name}.png`));
  }
}

const section = (page: Page, heading: string): Locator =>
  page.locator('section', { has: page.getByRole('heading', { name: heading, exact: true }) });

(skip ? describe.skip : describe)(`Console${skip ? ` (skipped: ${CHROMIUM} is not installed)` : ''}`, () => {
  let h: Harness;
  let account: TestAccount;
  let browser: BrowserContext | undefined;
  let profileDir: string | undefined;
  let page: Page;

  const ok = async <T = any>(method: string, url: string, body?: unknown): Promise<T> => {
    const res = await account.call<T>(method, url, body);
    if (res.status >= 400) throw new Error(`${method} ${url}: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body;
  };

  beforeAll(async () => {
    if (!chromiumPresent)
      throw new Error(`CI is set but ${CHROMIUM} is missing: .ci/run must apt-get install -y chromium`);
    buildConsole();
    h = await startHarness();
    account = await h.newAccount();
    await ok('POST', '/profiles', { id: 'engagement', name: 'Engagement', rules: DEFAULT_RULES });
    await ok('POST', '/profiles/engagement/publish');
    await ok('POST', '/triggers', {
      id: 'hot',
      profileId: 'engagement',
      condition: { op: 'gte', value: 10 },
      reentry: { policy: 'once' },
      automation: 'reward_offer',
    });
    await ok('POST', '/contacts', {
      id: 'ada',
      name: 'Ada Lovelace',
      email: 'ada@example.com',
      tags: ['vip'],
    });
    await ok('POST', '/contacts', { id: 'bob', name: 'Bob', tags: ['vip'] });
    await ok('POST', '/contacts', { id: 'cyd', name: 'Cyd' });
    await ok('POST', '/contacts/ada/interactions', [
      anInteraction({ type: 'appointment_booked' }),
      anInteraction({ type: 'email_clicked' }),
    ]);
    await ok('POST', '/contacts/bob/interactions', [
      anInteraction({ type: 'email_opened' }),
      anInteraction({ type: 'email_opened' }),
    ]);
    await ok('POST', '/contacts/cyd/interactions', [anInteraction({ type: 'email_clicked' })]);
    // Ada crosses "hot" (13 >= 10): her reward run shows in visibility and records its actions.
    await eventually(
      async () => {
        expect((await ok('GET', '/contacts/ada/score')).score).toBe(13);
        expect((await ok('GET', '/contacts/bob/score')).score).toBe(2);
        expect((await ok('GET', '/contacts/cyd/score')).score).toBe(3);
        const { runs } = await ok('GET', '/automation-runs');
        expect(runs).toHaveLength(1);
        expect(runs[0].actions.length).toBeGreaterThan(0);
      },
      { timeoutMs: 30_000, intervalMs: 250 },
    );

    profileDir = fs.mkdtempSync(path.join(os.tmpdir(), 'pulse-chromium-'));
    browser = await chromium.launchPersistentContext(profileDir, {
      executablePath: CHROMIUM,
      headless: true,
      viewport: { width: 1280, height: 800 },
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
    page = browser.pages()[0] ?? (await browser.newPage());
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    if (profileDir) fs.rmSync(profileDir, { recursive: true, force: true });
    await h?.shutdown();
  }, 60_000);

  const signIn = async (key: string) => {
    await page.goto(`${h.baseUrl}/console`);
    await page.getByLabel('API key').fill(key);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Contacts' }).waitFor();
  };
  const contactRows = async () =>
    (await page.getByRole('table', { name: 'Contacts' }).locator('tbody tr').allInnerTexts()).map(
      (row) => row.split('\t')[0],
    );

  it('when an admin signs in, filters by score range and tag and saves the filter as a smart list, then only the matching contacts are listed, and the list brings the filter back', async () => {
    const external: string[] = [];
    page.on('request', (req) => {
      if (!req.url().startsWith(h.baseUrl)) external.push(req.url());
    });
    await page.goto(`${h.baseUrl}/console`);
    await page.getByLabel('API key').waitFor();
    await snap(page, 'sign-in');
    await signIn(account.keys.admin);
    await eventually(async () =>
      expect(await contactRows()).toEqual(['Ada Lovelace ada', 'Cyd cyd', 'Bob bob']),
    );
    await snap(page, 'contacts');

    await page.getByLabel('Min score').fill('3');
    await page.getByRole('button', { name: 'Apply' }).click();
    await eventually(async () => expect(await contactRows()).toEqual(['Ada Lovelace ada', 'Cyd cyd']));
    await page.getByLabel('Tags (all of)').fill('vip');
    await page.getByRole('button', { name: 'Apply' }).click();
    await eventually(async () => expect(await contactRows()).toEqual(['Ada Lovelace ada']));

    // Saved as a smart list, then brought back with one click.
    await page.getByLabel('Save this filter as a smart list').fill('Warm VIPs');
    await page.getByRole('button', { name: 'Save list' }).click();
    await page.getByText('Saved "Warm VIPs".').waitFor();
    expect((await ok('GET', '/lists')).lists.map((l: any) => [l.name, l.filter])).toEqual([
      ['Warm VIPs', { sort: 'score_desc', minScore: 3, tag: ['vip'] }],
    ]);
    await page.getByRole('button', { name: 'Clear' }).click();
    await eventually(async () => expect(await contactRows()).toHaveLength(3));
    await page.getByRole('button', { name: 'Warm VIPs' }).click();
    await eventually(async () => expect(await contactRows()).toEqual(['Ada Lovelace ada']));
    await expect(page.getByLabel('Min score').inputValue()).resolves.toBe('3');

    // Empty scores only: every contact here is scored under the published profile.
    await page.getByRole('button', { name: 'Clear' }).click();
    await page.getByLabel('Score', { exact: true }).selectOption('true');
    await page.getByRole('button', { name: 'Apply' }).click();
    await page.getByText('No contact matches.').waitFor();
    await page.getByLabel('Score', { exact: true }).selectOption('false');
    await page.getByRole('button', { name: 'Apply' }).click();
    await eventually(async () => expect(await contactRows()).toHaveLength(3));

    // A bad range is the API's 400, shown with the field it names.
    await page.getByLabel('Min score').fill('3');
    await page.getByLabel('Max score').fill('1');
    await page.getByRole('button', { name: 'Apply' }).click();
    await expect(page.getByRole('alert').innerText()).resolves.toContain('query.maxScore');
    expect(external).toEqual([]);
  }, 60_000);

  it('when the admin opens a contact, then its score, the breakdown by rule and the ledger explain it, with a link to its workflow', async () => {
    await page.goto(`${h.baseUrl}/console#/contacts/ada`);
    await expect(page.getByTestId('score-engagement').innerText()).resolves.toBe('13');
    const ledger = page.getByTestId('ledger');
    await eventually(async () => {
      const text = await ledger.innerText();
      expect(text).toContain('appointment-booked');
      expect(text).toContain('email-clicked');
    });
    const link = page.getByRole('link', { name: 'Open its workflow in the Temporal UI' });
    await expect(link.getAttribute('href')).resolves.toBe(
      `http://localhost:8233/namespaces/default/workflows?query=${encodeURIComponent(`WorkflowId = "contact:${account.accountId}:ada"`)}`,
    );
    await page.getByText('reward_offer').first().waitFor();
    await snap(page, 'contact');
  }, 60_000);

  it('when the admin edits the draft, then a bad value is refused by the shared schema before sending, and a good one is saved', async () => {
    await page.goto(`${h.baseUrl}/console#/profiles/engagement`);
    const points = page.locator('#rule-0-points');
    await points.fill('0');
    await page.getByRole('button', { name: 'Save draft' }).click();
    await expect(page.locator('#rule-0-points-error').innerText()).resolves.toBe('must not be 0');
    expect((await ok('GET', '/profiles/engagement/draft/rules')).rules[0].points).toBe(1);

    await points.fill('5');
    await page.getByRole('button', { name: 'Save draft' }).click();
    await page.getByText('Draft saved.').waitFor();
    expect((await ok('GET', '/profiles/engagement/draft/rules')).rules[0].points).toBe(5);

    // Name and bounds: the PATCH route's schema refuses a floor above the ceiling before sending.
    await page.getByLabel('Score floor (blank: none)').fill('10');
    await page.getByLabel('Score ceiling (blank: none)').fill('5');
    await page.getByRole('button', { name: 'Save name and bounds' }).click();
    await expect(page.locator('#profile-ceiling-error').innerText()).resolves.toBe(
      'must be greater than floor (10)',
    );
    expect((await ok('GET', '/profiles/engagement')).floor).toBeNull();
    await page.getByLabel('Score floor (blank: none)').fill('');
    await page.getByLabel('Score ceiling (blank: none)').fill('');
    await page.getByLabel('Name', { exact: true }).fill('Engagement score');
    await page.getByRole('button', { name: 'Save name and bounds' }).click();
    await page.getByText('Saved to the draft.').waitFor();
    expect(await ok('GET', '/profiles/engagement')).toMatchObject({
      name: 'Engagement score',
      floor: null,
      ceiling: null,
    });
  }, 60_000);

  it('when a reload of the profile lands while the admin is typing, then what they typed stays', async () => {
    // Saving the rules reloads the profile; the bounds form must not be reset under the admin's
    // fingers by that answer (CI lost a typed floor this way once). The reload is held until the
    // typing is done, so the interleaving is the same on every run.
    const profileUrl = `${h.baseUrl}/profiles/engagement`;
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    let held = 0;
    const isProfile = (url: URL) => url.href === profileUrl;
    await page.route(isProfile, async (route) => {
      if (route.request().method() !== 'GET') return route.continue();
      held += 1;
      await released;
      await route.continue();
    });
    try {
      await page.getByRole('button', { name: 'Save draft' }).click();
      await eventually(() => Promise.resolve(expect(held).toBe(1)));
      const floor = page.getByLabel('Score floor (blank: none)');
      await floor.fill('3');
      await page.locator('#rule-0-description').fill('typed while reloading');
      const reloaded = page.waitForResponse((res) => res.url() === profileUrl);
      release();
      await (await reloaded).finished();
      await page.getByText('Draft saved.').waitFor();
      // The reloaded profile is rendered within a task or two of its body arriving.
      await page.evaluate('new Promise((resolve) => setTimeout(resolve, 100))');
      await expect(floor.inputValue()).resolves.toBe('3');
      await expect(page.locator('#rule-0-description').inputValue()).resolves.toBe('typed while reloading');
    } finally {
      release();
      await page.unroute(isProfile);
    }
    // Leave the page as the next steps expect it: nothing unsaved.
    await page.reload();
    await expect(page.getByLabel('Score floor (blank: none)').inputValue()).resolves.toBe('');
  }, 60_000);

  it('when the admin simulates the draft, then the histograms, trigger crossings and movers show what publishing would do', async () => {
    await page.getByRole('button', { name: 'Simulate', exact: true }).click();
    const sim = page.getByTestId('simulation');
    await sim.waitFor();
    // email-opened 1 → 5: Bob 2 → 10 enters "hot"; Ada and Cyd have no email_opened.
    await expect(sim.innerText()).resolves.toContain('1 of 3 contacts would change');
    const hotRow = sim.getByRole('row', { name: /^hot/ });
    await expect(hotRow.innerText()).resolves.toMatch(/hot.*\t1\t2\t1\t0/s);
    await expect(sim.locator('.movers li').first().innerText()).resolves.toContain('bob');
    await snap(page, 'simulate', section(page, 'Simulate the draft'));
  }, 60_000);

  it('when the admin publishes, then the re-score progress bar reaches 100 % and the new version shows its diff', async () => {
    await page.getByRole('button', { name: 'Publish the draft' }).click();
    const bar = page.getByRole('progressbar');
    await page.locator('[role=progressbar][aria-valuenow="100"]').waitFor({ timeout: 60_000 });
    await expect(bar.getAttribute('aria-valuenow')).resolves.toBe('100');
    expect((await ok('GET', '/contacts/bob/score')).score).toBe(10);
    await snap(page, 'publish', section(page, 'Publish'));

    // The new version's diff against the one before.
    await page.getByRole('button', { name: 'Version 2' }).click();
    const diff = page.getByRole('list', { name: 'Changes in version 2' });
    await expect(diff.innerText()).resolves.toMatch(/changed email-opened\s+points: 1 → 5/);
    await snap(page, 'versions', section(page, 'Versions'));
  }, 90_000);

  it('when the admin opens triggers, then fire counts and runs are shown, and the pause switch pauses the trigger', async () => {
    // Ada's fire; Bob reached 10 by the re-score, which fires no trigger (README: a publish is not engagement).
    await eventually(
      async () =>
        expect((await ok('GET', '/automation-runs/fire-counts')).triggers).toEqual([
          { triggerId: 'hot', fires: 1 },
        ]),
      { timeoutMs: 30_000, intervalMs: 500 },
    );
    await page.goto(`${h.baseUrl}/console#/triggers`);
    await page.getByTestId('fires-hot').getByText('1', { exact: true }).waitFor();
    const runs = page.locator('.runs > li');
    await expect(runs.count()).resolves.toBe(1);
    await expect(runs.first().innerText()).resolves.toMatch(/reward_offer[\s\S]*ada[\s\S]*email/);
    const toggle = page.getByRole('switch', { name: 'hot active' });
    await expect(toggle.isChecked()).resolves.toBe(true);
    await toggle.click();
    await eventually(async () => expect((await ok('GET', '/triggers/hot')).trigger.paused).toBe(true));
    await page.getByRole('row', { name: /^hot/ }).getByText('paused').waitFor();
    await expect(toggle.isChecked()).resolves.toBe(false);
    await snap(page, 'triggers');
  }, 60_000);

  it('when the admin opens the distribution, then the histogram has the trigger threshold drawn on it', async () => {
    await page.goto(`${h.baseUrl}/console#/distribution/engagement`);
    const chart = page.getByRole('img', { name: /Scores of profile engagement/ });
    await chart.waitFor();
    await expect(chart.locator('.threshold text').textContent()).resolves.toBe('hot gte 10');
    await snap(page, 'distribution');
  }, 60_000);

  it('when someone signs in with a read key, then nothing offers to change anything; at phone width the pages still fit', async () => {
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.setViewportSize({ width: 390, height: 800 });
    await signIn(account.keys.read);
    await expect(page.getByTestId('scopes').innerText()).resolves.toBe('read');
    await expect(page.getByLabel('Save this filter as a smart list').count()).resolves.toBe(0);
    const width = await page.evaluate<number>('document.documentElement.scrollWidth');
    expect(width).toBeLessThanOrEqual(390);
    await snap(page, 'contacts-phone');

    await page.goto(`${h.baseUrl}/console#/profiles/engagement`);
    await page.getByText('Your key can read but not edit the draft.').waitFor();
    await expect(page.getByRole('button', { name: 'Save draft' }).count()).resolves.toBe(0);
    await expect(page.getByRole('button', { name: 'Publish the draft' }).count()).resolves.toBe(0);
    await page.goto(`${h.baseUrl}/console#/triggers`);
    await page.getByRole('table', { name: 'Triggers' }).getByText('hot').first().waitFor();
    await expect(page.getByRole('switch').count()).resolves.toBe(0);
  }, 60_000);

  it('when the contacts are more than a page, then Next and Previous page through them by keyset', async () => {
    const other = await h.newAccount();
    await aProfile(other);
    await seedContacts(
      h.db,
      other.accountId,
      'engagement',
      Array.from({ length: 12 }, (_, i) => aContact(`p${String(i + 1).padStart(2, '0')}`, { score: i + 1 })),
    );
    await page.getByRole('button', { name: 'Sign out' }).click();
    await signIn(other.keys.read);
    await page.getByLabel('Rows per page').selectOption('10');
    const row = (n: number) => `Contact p${String(n).padStart(2, '0')} p${String(n).padStart(2, '0')}`;
    const firstPage = Array.from({ length: 10 }, (_, i) => row(12 - i));
    await eventually(async () => expect(await contactRows()).toEqual(firstPage));
    await page.getByRole('button', { name: 'Next page' }).click();
    await eventually(async () => expect(await contactRows()).toEqual([row(2), row(1)]));
    await expect(page.getByRole('button', { name: 'Next page' }).isDisabled()).resolves.toBe(true);
    await page.getByRole('button', { name: 'Previous page' }).click();
    await eventually(async () => expect(await contactRows()).toEqual(firstPage));
  }, 60_000);
});
