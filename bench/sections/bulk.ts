import type { Deployment, Stack } from '../stack';
import {
  anEmailOpened,
  benchAccount,
  contactIds,
  interactionCounts,
  scoreTotals,
  seedContacts,
} from '../fixtures';
import { now, round, runPool, summarize, type SectionContext, type Summary } from '../measure';
import { CpuSampler, cpuPerItem, type CpuPerItem, type CpuUsage } from '../probes';

const BULK_PATH = '/interactions';

/** One pass of `interactions` bulk interactions over the section's contacts, timed until applied. */
export interface BulkRound {
  /** new: the contacts have no workflow yet (each first wake-up starts one); running: they have. */
  contactsWere: 'new' | 'running';
  interactions: number;
  requests: number;
  errors: number;
  /** Items the API did not answer `accepted` (duplicates, unknown contacts, invalid). */
  notAccepted: number;
  requestsSeconds: number;
  settledSeconds: number;
  /** Until every interaction is applied (nothing unapplied in Postgres). */
  interactionsPerSecond: number;
  requestLatencyMs: Summary;
  cpu: CpuUsage;
  cpuPerInteraction: CpuPerItem;
}

export type BulkResult =
  | { available: false; reason: string }
  | {
      available: true;
      worker: Deployment['mode'];
      contacts: number;
      batchSize: number;
      concurrency: number;
      /** First round: contacts without a workflow; second: the same contacts, workflows running. */
      rounds: BulkRound[];
      check: { scoreSum: number; ledgerRows: number; ok: boolean };
    };

interface BulkAnswer {
  accepted: number;
}

/**
 * `POST /interactions` with `batchSize` interactions spread over many contacts per request,
 * `concurrency` requests at a time, timed until every interaction is applied; twice: first on
 * contacts that have no workflow yet (what a first import costs: a workflow start per contact),
 * then the same volume again on the same contacts, whose workflows now run (a daily feed). One
 * item is sent first: without the route the section reports "not available" instead of failing.
 */
export async function measureBulk(
  ctx: SectionContext,
  stack: Stack,
  deployment: Deployment,
  opts: { contacts: number; interactions: number; batchSize: number; concurrency: number },
  cpu: CpuSampler,
): Promise<BulkResult> {
  ctx.phase(`bulk: account and ${opts.contacts} contacts`);
  const account = await benchAccount(ctx, stack.db, deployment.baseUrl, 'bulk', opts.concurrency);
  try {
    const ids = contactIds('b', opts.contacts);
    await seedContacts(stack.db, account.accountId, ids);
    // The probe goes to a contact of its own, so that the first round's contacts are all new.
    const probeContact = contactIds('bp', 1);
    await seedContacts(stack.db, account.accountId, probeContact);
    const item = (k: number) => ({ contactId: ids[k % ids.length]!, ...anEmailOpened() });

    const probe = await account.api.request<BulkAnswer>('POST', BULK_PATH, {
      items: [{ contactId: probeContact[0]!, ...anEmailOpened() }],
    });
    if (probe.status !== 202 || probe.body?.accepted !== 1) {
      return {
        available: false,
        reason: `POST ${BULK_PATH} answered ${probe.status}: ${
          (probe.body as { detail?: string } | undefined)?.detail ?? JSON.stringify(probe.body).slice(0, 120)
        }`,
      };
    }
    let expected = 1;
    await ctx.until('probe applied', 100, async () => {
      const c = await interactionCounts(stack.db, account.accountId);
      return c.pending === 0 && c.total === expected ? c : undefined;
    });

    const requests = Math.ceil(opts.interactions / opts.batchSize);
    const roundOf = async (contactsWere: BulkRound['contactsWere']): Promise<BulkRound> => {
      const total = requests * opts.batchSize;
      const latencies: number[] = [];
      let notAccepted = 0;
      ctx.phase(
        `bulk (${contactsWere} contacts): ${requests} requests of ${opts.batchSize}, concurrency ${opts.concurrency}`,
      );
      const cpuStart = cpu.snapshot();
      const started = now();
      const { errors } = await runPool(ctx, requests, opts.concurrency, async (r) => {
        const items = Array.from({ length: opts.batchSize }, (_, i) => item(r * opts.batchSize + i));
        const t = now();
        const answer = await account.api.expect<BulkAnswer>(202, 'POST', BULK_PATH, { items });
        latencies.push(now() - t);
        notAccepted += opts.batchSize - answer.accepted;
      });
      const requestsDone = now();
      expected += total - notAccepted - errors * opts.batchSize;
      await ctx.until(`every bulk interaction applied (${contactsWere} contacts)`, 100, async () => {
        const c = await interactionCounts(stack.db, account.accountId);
        return c.pending === 0 && c.total >= expected ? c : undefined;
      });
      const settledSeconds = (now() - started) / 1000;
      const cpuUsage = CpuSampler.usage(cpuStart, cpu.snapshot());
      return {
        contactsWere,
        interactions: total,
        requests,
        errors,
        notAccepted,
        requestsSeconds: round((requestsDone - started) / 1000, 2),
        settledSeconds: round(settledSeconds, 2),
        interactionsPerSecond: round(total / settledSeconds),
        requestLatencyMs: summarize(latencies),
        cpu: cpuUsage,
        cpuPerInteraction: cpuPerItem(cpuUsage, total),
      };
    };
    const rounds = [await roundOf('new'), await roundOf('running')];
    const totals = await scoreTotals(stack.db, account.accountId);
    const sent = 1 + rounds.reduce((sum, r) => sum + r.interactions, 0);
    return {
      available: true,
      worker: deployment.mode,
      contacts: opts.contacts,
      batchSize: opts.batchSize,
      concurrency: opts.concurrency,
      rounds,
      check: {
        ...totals,
        ok:
          rounds.every((r) => r.errors === 0 && r.notAccepted === 0) &&
          totals.scoreSum === sent &&
          totals.ledgerRows === sent,
      },
    };
  } finally {
    account.api.close();
  }
}
