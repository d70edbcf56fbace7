import fs from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import { bundleWorkflowCode, NativeConnection, type Worker } from '@temporalio/worker';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import pino from 'pino';
import { createApp } from '../../api/app';
import { installTemporalRuntime } from '../../config/temporal-runtime';
import { createApiKey, ensureAccount } from '../../db/accounts';
import { createPool, type Db } from '../../db/pool';
import { DEFAULT_RULES } from '../../domain/default-rules';
import { contactWorkflowId } from '../../domain/ids';
import { automationStatusQuery } from '../../workflows/automations/definitions';
import { startTemporalDevServer, type TemporalDevServer } from '../../stack/temporal-dev-server';
import { createWorker, workflowsPath } from '../../worker/create-worker';
import { SEARCH_ATTRIBUTES } from '../../workflows/search-attributes';
import { anInteraction, uniqueId } from '../support/builders';
import { eventually } from '../support/eventually';
import { quietBundlerLogger } from '../../worker/quiet-bundler-logger';
import { workflowUrl } from '../../console/src/lib/temporal-link';

/**
 * What support staff do (README, "Operating it"): open the Temporal Web UI, type a visibility
 * query on Pulse's search attributes, find the contact, read its User Metadata tab (summary,
 * details, current details), and open an automation a trigger started to read its step. A real
 * browser against a real UI, on a dev server of this test's own (the suite's shared one runs
 * headless, without a UI). Screenshots land in test-artifacts/temporal-ui-*.png.
 */

const CHROMIUM = '/usr/bin/chromium';
const ARTIFACTS = path.resolve(__dirname, '..', '..', 'test-artifacts');
const SCREENSHOT = path.join(ARTIFACTS, 'temporal-ui-query.png');
const QUERY = 'EngagementScore >= 10 AND ExecutionStatus = "Running"';

const chromiumPresent = fs.existsSync(CHROMIUM);
const skip = !chromiumPresent && !process.env.CI;
if (skip) {
  console.warn(
    `SKIPPED test/browser/temporal-ui.test.ts: ${CHROMIUM} is not installed (apt-get install -y chromium). ` +
      'In CI (CI set) this test fails instead of skipping.',
  );
}

interface Stack {
  temporal: TemporalDevServer;
  db: Db;
  client: Client;
  nativeConnection: NativeConnection;
  worker: Worker;
  running: Promise<void>;
  server: Server;
  baseUrl: string;
}

/** Dev server with UI, worker and API, wired as npm start wires them (Postgres is the suite's). */
async function startStack(): Promise<Stack> {
  installTemporalRuntime('ERROR');
  const temporal = await startTemporalDevServer({
    headless: false,
    searchAttributes: SEARCH_ATTRIBUTES,
    logFile: path.join(process.env.PULSE_TEST_ROOT ?? os.tmpdir(), `temporal-ui-${randomUUID()}.log`),
  });
  const db = createPool(process.env.DATABASE_URL!);
  const client = new Client({ connection: await Connection.connect({ address: temporal.address }) });
  const nativeConnection = await NativeConnection.connect({ address: temporal.address });
  const taskQueue = `ui-${randomUUID()}`;
  const worker = await createWorker({
    connection: nativeConnection,
    namespace: 'default',
    taskQueue,
    db,
    workflowBundle: await bundleWorkflowCode({ workflowsPath: workflowsPath(), logger: quietBundlerLogger }),
  });
  const running = worker.run();
  const app = createApp({ db, temporal: client, taskQueue, logger: pino({ level: 'silent' }) });
  const server: Server = await new Promise((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { temporal, db, client, nativeConnection, worker, running, server, baseUrl };
}

/** A fresh account on the stack, and the API called with its admin key (throws on a non-2xx). */
async function newAccount(s: Stack) {
  const accountId = uniqueId('ui');
  await ensureAccount(s.db, accountId, accountId);
  const { key } = await createApiKey(s.db, { accountId, scopes: ['admin'], name: 'ui test' });
  const api = async (method: string, url: string, body?: unknown) => {
    const res = await fetch(s.baseUrl + url, {
      method,
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (!res.ok) throw new Error(`${method} ${url}: ${res.status} ${await res.text()}`);
    return res.json() as Promise<any>;
  };
  return { accountId, api };
}

/** The UI's workflow list for a visibility query, as support staff type it in the query box. */
function listUrl(s: Stack, query: string): string {
  return `${s.temporal.uiUrl}/namespaces/default/workflows?query=${encodeURIComponent(query)}`;
}

function screenshotPath(name: string): string {
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  return path.join(ARTIFACTS, name);
}

/** The execution page's User Metadata tab: Summary, Details and Current Details. */
async function openUserMetadata(page: Page): Promise<void> {
  await page.getByText('User Metadata').first().click();
}

/** The UI renders each piece of user metadata as Markdown inside a frame of its own. */
async function metadataText(page: Page, part: 'summary' | 'details' | 'current-details'): Promise<string> {
  const body = page.frameLocator(`#user-metadata-${part}`).locator('body');
  await body.getByText(/\S/).first().waitFor({ timeout: 30_000 });
  return (await body.innerText()).trim();
}

async function stopStack(stack: Stack): Promise<void> {
  await new Promise((resolve) => stack.server.close(resolve));
  stack.worker.shutdown();
  await stack.running;
  await stack.nativeConnection.close();
  await stack.client.connection.close();
  await stack.db.end();
  await stack.temporal.stop();
}

(skip ? describe.skip : describe)(
  `Temporal Web UI${skip ? ` (skipped: ${CHROMIUM} is not installed)` : ''}`,
  () => {
    let stack: Stack | undefined;
    let browser: BrowserContext | undefined;
    let profileDir: string | undefined;

    beforeAll(async () => {
      if (!chromiumPresent)
        throw new Error(`CI is set but ${CHROMIUM} is missing: .ci/run must apt-get install -y chromium`);
      stack = await startStack();
    }, 120_000);

    /** Headless Debian Chromium, one profile for the file; the first call launches it. */
    async function openBrowser(): Promise<Page> {
      if (!browser) {
        profileDir = fs.mkdtempSync(path.join(os.tmpdir(), 'pulse-chromium-'));
        browser = await chromium.launchPersistentContext(profileDir, {
          executablePath: CHROMIUM,
          headless: true,
          viewport: { width: 1440, height: 900 },
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
      }
      return browser.pages()[0] ?? (await browser.newPage());
    }

    afterAll(async () => {
      await browser?.close();
      if (profileDir) fs.rmSync(profileDir, { recursive: true, force: true });
      if (stack) await stopStack(stack);
    }, 60_000);

    it('when support staff query hot contacts by EngagementScore, then the contact scored 13 is listed and the one scored 1 is not', async () => {
      const s = stack!;
      const { accountId, api } = await newAccount(s);
      await api('POST', '/profiles', { id: 'engagement', name: 'Engagement', rules: DEFAULT_RULES });
      await api('POST', '/profiles/engagement/publish');
      for (const id of ['hot', 'cold']) await api('POST', '/contacts', { id });
      await api('POST', '/contacts/hot/interactions', [
        anInteraction({ type: 'appointment_booked' }),
        anInteraction({ type: 'email_clicked' }),
      ]);
      await api('POST', '/contacts/cold/interactions', [anInteraction({ type: 'email_opened' })]);
      const hot = contactWorkflowId(accountId, 'hot');
      const cold = contactWorkflowId(accountId, 'cold');

      // The workflow upserts EngagementScore; visibility shows it a moment later.
      await eventually(
        async () => {
          expect((await api('GET', '/contacts/hot/score')).score).toBe(13);
          const listed: string[] = [];
          for await (const wf of s.client.workflow.list({ query: QUERY })) listed.push(wf.workflowId);
          expect(listed).toEqual([hot]);
        },
        { timeoutMs: 30_000, intervalMs: 250 },
      );

      const page = await openBrowser();
      await page.goto(listUrl(s, QUERY));

      await page.getByText(hot, { exact: true }).first().waitFor({ timeout: 60_000 });
      fs.mkdirSync(path.dirname(SCREENSHOT), { recursive: true });
      await page.screenshot({ path: SCREENSHOT, fullPage: true });
      const text = await page.locator('body').innerText();
      expect(text).toContain(hot);
      // The query was applied, not just any list of workflows shown.
      expect(text).not.toContain(cold);

      // The console's links (console/src/lib/temporal-link.ts) open the contact in this UI: the list
      // filtered to its workflow id, and one run's history.
      await page.goto(workflowUrl(s.temporal.uiUrl!, 'default', hot));
      await page.getByText(hot, { exact: true }).first().waitFor({ timeout: 60_000 });
      expect(await page.locator('body').innerText()).not.toContain(cold);
      const { runId } = await s.client.workflow.getHandle(hot).describe();
      await page.goto(workflowUrl(s.temporal.uiUrl!, 'default', hot, runId));
      await page.getByText(runId).first().waitFor({ timeout: 60_000 });
    }, 180_000);

    /**
     * Contact `ada` scores 13, then a -20 adjustment takes her to -7, which crosses the `cold`
     * trigger (lt 0): a follow-up starts, sends its email and waits 3 days before its SMS.
     */
    let followUpScene: { accountId: string; contact: string; followUp: string } | undefined;
    async function followUpWaiting(s: Stack) {
      if (followUpScene) return followUpScene;
      const { accountId, api } = await newAccount(s);
      await api('POST', '/profiles', { id: 'engagement', name: 'Engagement', rules: DEFAULT_RULES });
      await api('POST', '/profiles/engagement/publish');
      await api('POST', '/triggers', {
        id: 'cold',
        profileId: 'engagement',
        condition: { op: 'lt', value: 0 },
        reentry: { policy: 'once' },
        automation: 'follow_up_sequence',
        input: { waitDays: 3 },
      });
      await api('POST', '/contacts', { id: 'ada', email: `ada.${accountId}@example.com` });
      await api('POST', '/contacts/ada/interactions', [
        anInteraction({ type: 'appointment_booked' }),
        anInteraction({ type: 'email_clicked' }),
      ]);
      await eventually(async () => expect((await api('GET', '/contacts/ada/score')).score).toBe(13));
      await api('POST', '/contacts/ada/score-adjustments', {
        profileId: 'engagement',
        points: -20,
        reason: 'churn signal',
      });
      const contact = contactWorkflowId(accountId, 'ada');
      const followUp = `${contact}/trigger:cold/1`;
      await eventually(
        async () => {
          const status = await s.client.workflow.getHandle(followUp).query(automationStatusQuery);
          expect(status.phase).toBe('waiting');
        },
        { timeoutMs: 30_000, intervalMs: 250 },
      );
      followUpScene = { accountId, contact, followUp };
      return followUpScene;
    }

    it('when support finds a contact by query, then its page shows its summary, details and current details', async () => {
      const s = stack!;
      const { accountId, contact, followUp } = await followUpWaiting(s);
      const page = await openBrowser();
      // The runbook's first step: "One contact's workflow".
      await page.goto(listUrl(s, `PulseContact = "ada" AND PulseAccount = "${accountId}"`));
      await page.getByText(contact, { exact: true }).first().waitFor({ timeout: 60_000 });
      await page.screenshot({ path: screenshotPath('temporal-ui-contact-list.png'), fullPage: true });
      const list = await page.locator('main').innerText();
      expect(list).toContain('contactScoringWorkflow');
      // Its automations carry PulseContact too, so they are listed beside it.
      expect(list).toContain(followUp);

      await page.getByText(contact, { exact: true }).first().click();
      await openUserMetadata(page);
      expect(await metadataText(page, 'summary')).toBe(`Contact ada · ${accountId}`);
      expect(await metadataText(page, 'details')).toContain(`Account: ${accountId}`);
      const current = await metadataText(page, 'current-details');
      expect(current).toContain('engagement v1: -7 (default)');
      expect(current).toContain('Interactions: 3 applied, 0 pending');
      expect(current).toContain('-20 by rule adjustment');
      expect(current).toMatch(/cold: fired 1×, last at 20\d\d-/);
      expect(current).toContain(followUp);
      await page.screenshot({ path: screenshotPath('temporal-ui-contact-details.png'), fullPage: true });
    }, 180_000);

    it('when support opens the automation a trigger started, then its page shows its summary and the step it waits at', async () => {
      const s = stack!;
      const { accountId, followUp } = await followUpWaiting(s);
      const page = await openBrowser();
      // The README's "Follow-ups waiting on their SMS", scoped to the account.
      await page.goto(
        listUrl(
          s,
          `PulseAccount = "${accountId}" AND PulseAutomation = "follow_up_sequence" AND PulseAutomationStep = "wait" AND PulseOutcome = "running"`,
        ),
      );
      await page.getByText(followUp, { exact: true }).first().waitFor({ timeout: 60_000 });
      expect(await page.locator('main').innerText()).toContain('followUpSequenceWorkflow');
      await page.screenshot({ path: screenshotPath('temporal-ui-automation-list.png'), fullPage: true });

      await page.getByText(followUp, { exact: true }).first().click();
      await openUserMetadata(page);
      expect(await metadataText(page, 'summary')).toBe(
        'Follow up sequence for ada · trigger cold fired at -7',
      );
      expect(await metadataText(page, 'details')).toContain('Trigger: cold (score lt 0)');
      const current = await metadataText(page, 'current-details');
      expect(current).toMatch(/Follow up sequence: waiting at step wait until 20\d\d-/);
      expect(current).toContain('email: done');
      await page.screenshot({ path: screenshotPath('temporal-ui-automation-details.png'), fullPage: true });

      await page
        .getByRole('link', { name: 'Search Attributes' })
        .or(page.getByText('Search Attributes'))
        .first()
        .click();
      await eventually(
        async () => expect(await page.locator('main').innerText()).toContain('"PulseAutomationStep": "wait"'),
        { timeoutMs: 30_000, intervalMs: 250 },
      );
      expect(await page.locator('main').innerText()).toContain('"PulseOutcome": "running"');
      await page.screenshot({
        path: screenshotPath('temporal-ui-automation-search-attributes.png'),
        fullPage: true,
      });
    }, 180_000);
  },
);
