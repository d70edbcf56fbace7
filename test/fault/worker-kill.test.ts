import { contactWorkflowId } from '../../domain/ids';
import { contactScoreQuery } from '../../workflows/definitions';
import { anInteraction } from '../support/builders';
import { eventually } from '../support/eventually';
import {
  appliedState,
  deliverAll,
  ledgerDuplicates,
  rulesFor,
  scoresAndLedgerSums,
  seededRandom,
  shuffled,
  sleep,
  type Delivery,
  type FaultAccount,
} from '../support/fault-kit';
import { startHarness, type Harness, type TestAccount } from '../support/harness';
import { expectedScoresBySql, storedScores } from '../support/scoring-fixtures';
import { isAlive, startWorkerProcess, type WorkerProcess } from '../support/worker-process';

/**
 * The worker process (worker/main.ts, started with startKillableWorker: see there why not
 * startWorkerProcess) is SIGKILLed, at random moments, while interactions stream in through the
 * API and automations (emails, SMS, timers) run; each time a new worker process takes over.
 * Afterwards every score is exact, nothing is ledgered twice and no message went out twice.
 */

// A random walk: bounces pull scores down, so they cross both triggers' thresholds, often repeatedly.
const POINTS = { email_opened: 1, email_clicked: 3, form_submitted: 5, email_bounced: -4 };
const TYPE_WEIGHTS: [string, number][] = [
  ['email_opened', 0.35],
  ['email_clicked', 0.2],
  ['form_submitted', 0.1],
  ['email_bounced', 0.35],
];
const REWARD_AT = 12;
const FOLLOW_UP_BELOW = 0;
const CONTACTS = 50;
const BATCHES_PER_CONTACT = 10;
const STREAM_MS = 30_000;

let h: Harness;
const workers: WorkerProcess[] = [];

/** What the scenario left behind, for the BUG test that follows it. */
let outcome:
  { accountId: string; contacts: string[]; automations: AutomationRun[]; log: string[] } | undefined;

beforeAll(async () => {
  h = await startHarness({ inProcessWorker: false });
}, 120_000);

afterAll(async () => {
  for (const w of workers) await w.kill('SIGKILL');
  await h?.shutdown();
}, 60_000);

function pickType(random: () => number): string {
  let r = random();
  for (const [type, weight] of TYPE_WEIGHTS) {
    if ((r -= weight) < 0) return type;
  }
  return TYPE_WEIGHTS[0]![0];
}

/** The harness account, with the raw call deliverAll() needs. */
function asFaultAccount(account: TestAccount): FaultAccount {
  return {
    accountId: account.accountId,
    keys: account.keys,
    async call(method, path, body, opts = {}) {
      const headers: Record<string, string> = { 'content-type': 'application/json' };
      const key = opts.key === undefined ? account.keys.admin : opts.key;
      if (key !== null) headers.authorization = `Bearer ${key}`;
      const res = await fetch(h.baseUrl + path, {
        method,
        headers,
        body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
        signal: AbortSignal.timeout(opts.timeoutMs ?? 60_000),
      });
      const text = await res.text();
      let parsed: unknown;
      try {
        parsed = text ? JSON.parse(text) : undefined;
      } catch {
        parsed = undefined;
      }
      return { status: res.status, headers: res.headers, text, body: parsed as any };
    },
  };
}

interface AutomationRun {
  workflowId: string;
  contactId: string;
  triggerId: string;
  status: string;
}

async function automationsOf(accountId: string): Promise<AutomationRun[]> {
  const runs: AutomationRun[] = [];
  for await (const wf of h.client.workflow.list({
    query: `PulseAccount = "${accountId}" AND PulseTrigger IN ("reward", "followup")`,
  })) {
    const match = /^contact:[^:]+:([^/]+)\/trigger:([^/]+)\/\d+$/.exec(wf.workflowId);
    if (!match) throw new Error(`unexpected automation id ${wf.workflowId}`);
    runs.push({
      workflowId: wf.workflowId,
      contactId: match[1]!,
      triggerId: match[2]!,
      status: wf.status.name,
    });
  }
  return runs;
}

/** The crossings each contact's score made, batch by batch (one batch per writing transaction), read from the ledger. */
async function crossingsFromLedger(
  accountId: string,
): Promise<Map<string, { reward: number; followup: number }>> {
  const { rows } = await h.db.query<{ contact_id: string; score_after: number }>(
    `SELECT contact_id, (array_agg(score_after ORDER BY id DESC))[1] AS score_after
     FROM score_ledger WHERE account_id = $1 AND profile_id = 'engagement'
     GROUP BY contact_id, tx_id ORDER BY contact_id, min(id)`,
    [accountId],
  );
  const out = new Map<string, { reward: number; followup: number }>();
  let contact = '';
  let before = 0;
  for (const row of rows) {
    if (row.contact_id !== contact) {
      contact = row.contact_id;
      before = 0;
    }
    const counts = out.get(contact) ?? { reward: 0, followup: 0 };
    const after = row.score_after;
    if (before < REWARD_AT && after >= REWARD_AT) counts.reward += 1;
    if (before >= FOLLOW_UP_BELOW && after < FOLLOW_UP_BELOW) counts.followup += 1;
    out.set(contact, counts);
    before = after;
  }
  return out;
}

describe('the worker is SIGKILLed while interactions stream in and automations run', () => {
  it('when the worker dies at random moments and new ones take over, then scores are exact, the ledger has no duplicates and no email or SMS went out twice', async () => {
    const seed = Date.now();
    const random = seededRandom(seed);
    const log: string[] = [`seed ${seed}`];
    const t0 = Date.now();
    const at = () => `${((Date.now() - t0) / 1000).toFixed(1)}s`;

    let current = startWorkerProcess(h.taskQueue);
    workers.push(current);
    await current.ready;
    log.push(`${at()} worker 1 ready (pid ${current.child.pid})`);

    const harnessAccount = await h.newAccount();
    const account = asFaultAccount(harnessAccount);
    const { accountId } = account;
    expect(
      (await account.call('POST', '/profiles', { id: 'engagement', name: 'E', rules: rulesFor(POINTS) }))
        .status,
    ).toBe(201);
    expect((await account.call('POST', '/profiles/engagement/publish')).status).toBe(201);
    const triggers = [
      {
        id: 'reward',
        profileId: 'engagement',
        condition: { op: 'gte', value: REWARD_AT },
        reentry: { policy: 'always' },
        automation: 'reward_offer',
        input: { tag: 'rewarded' },
      },
      {
        id: 'followup',
        profileId: 'engagement',
        condition: { op: 'lt', value: FOLLOW_UP_BELOW },
        reentry: { policy: 'always' },
        automation: 'follow_up_sequence',
        // ≈ 4.3 s between the email and the check (then SMS and task unless recovered).
        input: { waitDays: 0.00005 },
      },
    ];
    for (const trigger of triggers)
      expect((await account.call('POST', '/triggers', trigger)).status).toBe(201);
    const contacts = Array.from({ length: CONTACTS }, (_, i) => `c${String(i).padStart(2, '0')}`);
    const emailOf = (contact: string) => `${accountId}.${contact}@example.com`;
    for (const [i, id] of contacts.entries()) {
      const res = await account.call('POST', '/contacts', {
        id,
        email: emailOf(id),
        phone: `+1555${String(i).padStart(7, '0')}`,
      });
      expect(res.status).toBe(201);
    }

    const deliveries: Delivery[] = shuffled(
      contacts.flatMap((contact) =>
        Array.from({ length: BATCHES_PER_CONTACT }, () => ({
          path: `/contacts/${contact}/interactions`,
          body: Array.from({ length: 1 + Math.floor(random() * 4) }, () =>
            anInteraction({ type: pickType(random) }),
          ),
          attempts: [],
        })),
      ),
      random,
    );
    const streamStart = Date.now();
    const streaming = deliverAll(account, deliveries, {
      concurrency: 10,
      spreadMs: STREAM_MS,
      deadline: streamStart + STREAM_MS + 60_000,
    });

    // Two kills while the stream runs, at random moments; a third while the backlog and the
    // automations it started are being worked off.
    const killAt = [3_000 + random() * 9_000, 15_000 + random() * 12_000];
    async function killAndReplace(reason: string): Promise<void> {
      const pid = current.child.pid;
      await current.kill('SIGKILL');
      // Really gone: no process left polling the task queue.
      expect(isAlive(pid)).toBe(false);
      log.push(`${at()} SIGKILLed worker pid ${pid} (${reason})`);
      current = startWorkerProcess(h.taskQueue);
      workers.push(current);
      await current.ready;
      log.push(`${at()} worker ${workers.length} ready (pid ${current.child.pid})`);
    }
    for (const [i, offset] of killAt.entries()) {
      const wait = streamStart + offset - Date.now();
      if (wait > 0) await sleep(wait);
      await killAndReplace(`during the stream, kill ${i + 1}`);
    }
    await streaming;
    log.push(`${at()} stream done: ${deliveries.length} posts`);
    await sleep(random() * 5_000);
    await killAndReplace('after the stream, kill 3');

    // Every post was accepted (the API does not need a worker).
    expect(deliveries.filter((d) => d.final !== 202).map((d) => d.attempts)).toEqual([]);
    const sent = new Set(deliveries.flatMap((d) => (d.body as { id: string }[]).map((i) => i.id)));

    // 1. Every interaction applied once and every score exact, against an SQL recomputation.
    await eventually(
      async () => {
        const state = await appliedState(h.db, accountId);
        expect({ stored: state.stored, unapplied: state.unapplied }).toEqual({
          stored: sent.size,
          unapplied: 0,
        });
        const expected = await expectedScoresBySql(h.db, accountId, POINTS);
        const stored = await storedScores(h.db, accountId, 'engagement');
        expect(expected.size).toBe(CONTACTS);
        for (const [contact, score] of expected)
          expect([contact, stored.get(contact)]).toEqual([contact, { score, version: 1 }]);
      },
      { timeoutMs: 150_000, intervalMs: 1_000 },
    );
    log.push(`${at()} all ${sent.size} interactions applied, scores exact`);
    for (const [contact, { score, ledgerSum }] of await scoresAndLedgerSums(h.db, accountId)) {
      expect([contact, ledgerSum]).toEqual([contact, score]);
    }
    // 2. No ledger row twice.
    const ledger = await ledgerDuplicates(h.db, accountId);
    expect(ledger.rows).toBe(ledger.distinct);

    // 3. Automations: every fire the contact workflows counted has started its automation, and
    // all of them have finished (a delivery cut off mid-send waits out its 2-minute lease).
    const fired = async () => {
      const counts = new Map<string, number>();
      for (const contact of contacts) {
        const view = await h.client.workflow
          .getHandle(contactWorkflowId(accountId, contact))
          .query(contactScoreQuery);
        expect([contact, view.pendingCount]).toEqual([contact, 0]);
        for (const triggerId of ['reward', 'followup']) {
          counts.set(`${contact}/${triggerId}`, view.triggerStates[triggerId]?.fires ?? 0);
        }
      }
      return counts;
    };
    const automations = await eventually(
      async () => {
        const runs = await automationsOf(accountId);
        expect(runs.filter((r) => r.status === 'RUNNING').map((r) => r.workflowId)).toEqual([]);
        // Each contact workflow started exactly as many automations as its triggers counted fires.
        const started = new Map<string, number>();
        for (const r of runs)
          started.set(
            `${r.contactId}/${r.triggerId}`,
            (started.get(`${r.contactId}/${r.triggerId}`) ?? 0) + 1,
          );
        for (const [key, fires] of await fired()) expect([key, started.get(key) ?? 0]).toEqual([key, fires]);
        return runs;
      },
      { timeoutMs: 260_000, intervalMs: 2_000 },
    );
    log.push(`${at()} all ${automations.length} automations closed`);
    expect(automations.filter((r) => r.status !== 'COMPLETED')).toEqual([]);
    expect(new Set(automations.map((r) => r.workflowId)).size).toBe(automations.length);

    // 4. Messages: one per automation step that sent, never two for one step, none unaccounted for.
    const { rows: actions } = await h.db.query<{
      action_key: string;
      contact_id: string;
      kind: string;
      state: string;
      detail: string | null;
      possible_duplicate: boolean;
    }>(
      `SELECT action_key, contact_id, kind, state, detail, possible_duplicate FROM automation_actions
       WHERE account_id = $1 AND kind IN ('send_email', 'send_sms')`,
      [accountId],
    );
    const { rows: emails } = await h.db.query<{ message_id: string; to_address: string }>(
      `SELECT message_id, to_address FROM email_outbox WHERE to_address LIKE $1`,
      [`${accountId}.%`],
    );
    const { rows: texts } = await h.db.query<{ message_id: string; contact_id: string }>(
      `SELECT message_id, contact_id FROM sms_outbox WHERE account_id = $1`,
      [accountId],
    );
    expect(actions.filter((a) => a.state !== 'done' && a.state !== 'skipped')).toEqual([]);
    const automationIds = new Set(automations.map((r) => r.workflowId));
    let emailSteps = 0;
    let smsSteps = 0;
    for (const contact of contacts) {
      const mine = automations.filter((r) => r.contactId === contact);
      const doneEmails = actions.filter(
        (a) => a.contact_id === contact && a.kind === 'send_email' && a.state === 'done',
      );
      const doneTexts = actions.filter(
        (a) => a.contact_id === contact && a.kind === 'send_sms' && a.state === 'done',
      );
      // Every email action belongs to one automation's 'email' step, every SMS to a follow-up's 'sms' step.
      for (const a of doneEmails) expect(automationIds.has(a.action_key.replace(/\/email$/, ''))).toBe(true);
      for (const a of doneTexts) {
        expect(a.action_key).toMatch(/\/trigger:followup\/\d+\/sms$/);
        expect(automationIds.has(a.action_key.replace(/\/sms$/, ''))).toBe(true);
      }
      expect(doneEmails.length).toBeLessThanOrEqual(mine.length);
      // The outbox holds exactly the recorded sends: one message per step, none extra.
      const inbox = emails
        .filter((e) => e.to_address === emailOf(contact))
        .map((e) => e.message_id)
        .sort();
      expect([contact, inbox]).toEqual([contact, doneEmails.map((a) => a.detail!).sort()]);
      const phoneInbox = texts
        .filter((t) => t.contact_id === contact)
        .map((t) => t.message_id)
        .sort();
      expect([contact, phoneInbox]).toEqual([contact, doneTexts.map((a) => a.detail!).sort()]);
      emailSteps += doneEmails.length;
      smsSteps += doneTexts.length;
    }
    // Every automation reached its email step (no DND, every contact has an address).
    expect(emailSteps).toBe(automations.length);

    const resent = actions.filter((a) => a.possible_duplicate).length;
    const fires = countBy(automations.map((r) => r.triggerId));
    log.push(
      `${sent.size} interactions in ${deliveries.length} posts to ${CONTACTS} contacts; ${workers.length - 1} kills; ` +
        `automations ${JSON.stringify(fires)}; ${emails.length} emails (${emailSteps} email steps), ${texts.length} SMS (${smsSteps} SMS steps); ` +
        `ledger ${ledger.rows} rows; sends repeated after a lost attempt (same Message-ID): ${resent}`,
    );

    console.log(`worker-kill:\n  ${log.join('\n  ')}`);
    outcome = { accountId, contacts, automations, log };
  }, 560_000);

  /*
   * BUG 3 (found by this file). A batch that committed but whose completion never reached Temporal
   * (the worker died in between) was merged, by the retry, with the newer interactions it claimed:
   * a threshold crossed inside the lost batch and left in the retry's was never seen. The workflow
   * now walks the ledger since the last row it saw, one step per batch (patch
   * 'triggers-follow-ledger'); test/integration/lost-completion.test.ts makes that window happen
   * every time, this checks it wherever the kills happened to land.
   */
  it('BUG 3: every threshold crossing the ledger shows started exactly one automation, even when the worker died between the commit and the completion', async () => {
    if (!outcome) throw new Error('the scenario above did not finish');
    const { accountId, contacts, automations } = outcome;
    const crossings = await crossingsFromLedger(accountId);
    const lost: string[] = [];
    for (const contact of contacts) {
      const expected = crossings.get(contact) ?? { reward: 0, followup: 0 };
      for (const triggerId of ['reward', 'followup'] as const) {
        const started = automations.filter(
          (r) => r.contactId === contact && r.triggerId === triggerId,
        ).length;
        if (started !== expected[triggerId]) {
          const retried = await retriedApplies(contactWorkflowId(accountId, contact));
          lost.push(
            `${contact}/${triggerId}: ledger crossings ${expected[triggerId]}, automations ${started}; ` +
              `interruptions: ${retried.join(', ') || 'none'}`,
          );
        }
      }
    }
    if (lost.length > 0) console.log(`worker-kill, crossings without an automation:\n  ${lost.join('\n  ')}`);
    expect(lost).toEqual([]);
  }, 60_000);
});

/**
 * Where a contact workflow was interrupted: workflow tasks that timed out (a worker died while it
 * ran them, scoring pass included: passes are local activities) and passes a worker retried.
 */
async function retriedApplies(workflowId: string): Promise<string[]> {
  const out: string[] = [];
  for await (const run of h.client.workflow.list({ query: `WorkflowId = "${workflowId}"` })) {
    const history = await h.client.workflow.getHandle(workflowId, run.runId).fetchHistory();
    for (const event of history.events ?? []) {
      if (event.workflowTaskTimedOutEventAttributes)
        out.push(`workflow task timed out (event ${String(event.eventId)})`);
      const marker = event.markerRecordedEventAttributes;
      const data =
        marker?.markerName === 'core_local_activity' ? marker.details?.data?.payloads?.[0]?.data : null;
      if (!data) continue;
      const { attempt, activity_type } = JSON.parse(Buffer.from(data).toString()) as {
        attempt: number;
        activity_type: string;
      };
      if (attempt > 1) out.push(`${activity_type} attempt ${attempt} (event ${String(event.eventId)})`);
    }
  }
  return out;
}

function countBy(values: string[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const v of values) out[v] = (out[v] ?? 0) + 1;
  return out;
}
