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

/** The bulk route as the ingest work documents it (api/interactions/routes.ts on branch ingest). */
const BULK_PATH = '/interactions';

export type BulkResult =
  | { available: false; reason: string }
  | {
      available: true;
      worker: Deployment['mode'];
      contacts: number;
      interactions: number;
      batchSize: number;
      concurrency: number;
      requests: number;
      errors: number;
      /** Items the API did not answer `accepted` (duplicates, unknown contacts, invalid). */
      notAccepted: number;
      requestsSeconds: number;
      settledSeconds: number;
      /** Until every interaction is applied (nothing unapplied in Postgres). */
      interactionsPerSecond: number;
      requestLatencyMs: Summary;
      check: { scoreSum: number; ledgerRows: number; ok: boolean };
      cpu: CpuUsage;
      cpuPerInteraction: CpuPerItem;
    };

interface BulkAnswer {
  accepted: number;
}

/**
 * `POST /interactions` with `batchSize` interactions spread over many contacts per request,
 * `concurrency` requests at a time, timed until every interaction is applied. One item is sent
 * first: without the route (404, or a body shape it refuses) the section reports "not
 * available" instead of failing.
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
    const item = (k: number) => ({ contactId: ids[k % ids.length]!, ...anEmailOpened() });

    const probe = await account.api.request<BulkAnswer>('POST', BULK_PATH, { items: [item(0)] });
    if (probe.status !== 202 || probe.body?.accepted !== 1) {
      return {
        available: false,
        reason: `POST ${BULK_PATH} answered ${probe.status}: ${
          (probe.body as { detail?: string } | undefined)?.detail ?? JSON.stringify(probe.body).slice(0, 120)
        }`,
      };
    }
    await ctx.until('probe applied', 100, async () => {
      const c = await interactionCounts(stack.db, account.accountId);
      return c.pending === 0 && c.total === 1 ? c : undefined;
    });

    const requests = Math.ceil(opts.interactions / opts.batchSize);
    const total = requests * opts.batchSize;
    const latencies: number[] = [];
    let notAccepted = 0;
    ctx.phase(`bulk: ${requests} requests of ${opts.batchSize}, concurrency ${opts.concurrency}`);
    const cpuStart = cpu.snapshot();
    const started = now();
    const { errors } = await runPool(ctx, requests, opts.concurrency, async (r) => {
      const items = Array.from({ length: opts.batchSize }, (_, i) => item(1 + r * opts.batchSize + i));
      const t = now();
      const answer = await account.api.expect<BulkAnswer>(202, 'POST', BULK_PATH, { items });
      latencies.push(now() - t);
      notAccepted += opts.batchSize - answer.accepted;
    });
    const requestsDone = now();
    await ctx.until('every bulk interaction applied', 100, async () => {
      const c = await interactionCounts(stack.db, account.accountId);
      return c.pending === 0 && c.total >= 1 + total - notAccepted - errors * opts.batchSize ? c : undefined;
    });
    const settledSeconds = (now() - started) / 1000;
    const cpuUsage = CpuSampler.usage(cpuStart, cpu.snapshot());
    const totals = await scoreTotals(stack.db, account.accountId);
    return {
      available: true,
      worker: deployment.mode,
      contacts: opts.contacts,
      interactions: total,
      batchSize: opts.batchSize,
      concurrency: opts.concurrency,
      requests,
      errors,
      notAccepted,
      requestsSeconds: round((requestsDone - started) / 1000, 2),
      settledSeconds: round(settledSeconds, 2),
      interactionsPerSecond: round(total / settledSeconds),
      requestLatencyMs: summarize(latencies),
      check: {
        ...totals,
        ok:
          errors === 0 &&
          notAccepted === 0 &&
          totals.scoreSum === total + 1 &&
          totals.ledgerRows === total + 1,
      },
      cpu: cpuUsage,
      cpuPerInteraction: cpuPerItem(cpuUsage, total),
    };
  } finally {
    account.api.close();
  }
}
