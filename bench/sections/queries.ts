import type { ContactSort, ContactSortKey } from '../../db/contact-queries';
import { listContactPage } from '../../db/contact-queries';
import { withClient, type Queryable } from '../../db/pool';
import { withQuery } from '../../test/support/contact-seeds';
import type { Deployment, Stack } from '../stack';
import { benchAccount, PROFILE_ID } from '../fixtures';
import { now, round, summarize, type SectionContext, type Summary } from '../measure';
import { CpuSampler, type CpuUsage } from '../probes';

export interface QueriesResult {
  worker: Deployment['mode'];
  contacts: number;
  scoredContacts: number;
  seedSeconds: number;
  requests: number;
  errors: number;
  latencyMs: Summary;
  byKind: Record<string, Summary>;
  slowest: Array<{ ms: number; query: Record<string, string | number> }>;
  /** EXPLAIN ANALYZE of the slowest request's SQL, run after the loop. */
  slowestPlan: string[];
  cpu: CpuUsage;
}

/**
 * A million contacts (generate_series straight into contacts and contact_scores, ANALYZE), then
 * GET /contacts one request at a time: random score ranges and sorts, and about half of the
 * requests follow the previous page's cursor.
 */
export async function measureContactQueries(
  ctx: SectionContext,
  stack: Stack,
  deployment: Deployment,
  opts: { contacts: number; requests: number },
  cpu: CpuSampler,
): Promise<QueriesResult> {
  ctx.phase('queries: account');
  const account = await benchAccount(ctx, stack.db, deployment.baseUrl, 'queries', 4);
  ctx.phase(`queries: seeding ${opts.contacts} contacts and their scores`);
  const seedStarted = now();
  const scoredContacts = await seedScoredContacts(stack, account.accountId, opts.contacts);
  const seedSeconds = (now() - seedStarted) / 1000;
  ctx.note(
    `seeded ${opts.contacts} contacts (${scoredContacts} with a score row) in ${round(seedSeconds)} s`,
  );

  let random = 7;
  const rand = (n: number) => {
    random = (random * 1103515245 + 12345) % 2 ** 31;
    return random % n;
  };
  type Query = Record<string, string | number>;
  const latencies: number[] = [];
  const byKind = new Map<string, number[]>();
  const timings: Array<{ ms: number; query: Query }> = [];
  let errors = 0;
  let current: { query: Query; cursor: string | null } | undefined;

  ctx.phase(`queries: ${opts.requests} GET /contacts`);
  const cpuStart = cpu.snapshot();
  for (let i = 0; i < opts.requests; i++) {
    ctx.check();
    let query: Query;
    let kind: string;
    if (current?.cursor && rand(100) < 50) {
      query = { ...current.query, cursor: current.cursor };
      kind = `${String(current.query.sort)} next page`;
    } else {
      const sorts: ContactSort[] = ['score_desc', 'score_desc', 'score_asc', 'score_asc', 'id'];
      const sort = sorts[rand(sorts.length)]!;
      const min = rand(96);
      const width = 1 + rand(40);
      const shape = rand(10);
      query = { sort };
      if (shape < 7) Object.assign(query, { minScore: min, maxScore: Math.min(100, min + width) });
      else if (shape < 9) Object.assign(query, { minScore: min });
      else Object.assign(query, { maxScore: min });
      kind = `${sort} first page`;
    }
    const started = now();
    const res = await account.api.request<{ items: unknown[]; nextCursor: string | null }>(
      'GET',
      withQuery('/contacts', query),
    );
    const ms = now() - started;
    if (res.status !== 200) {
      errors += 1;
      current = undefined;
      continue;
    }
    latencies.push(ms);
    byKind.set(kind, [...(byKind.get(kind) ?? []), ms]);
    timings.push({ ms: round(ms), query });
    const { cursor: _cursor, ...filter } = query;
    current = { query: filter, cursor: res.body.nextCursor };
  }
  const cpuUsage = CpuSampler.usage(cpuStart, cpu.snapshot());
  account.api.close();
  const slowest = timings.sort((a, b) => b.ms - a.ms).slice(0, 5);
  const slowestPlan = slowest[0] ? await explain(stack, account.accountId, slowest[0].query) : [];
  return {
    worker: deployment.mode,
    contacts: opts.contacts,
    scoredContacts,
    seedSeconds: round(seedSeconds, 2),
    requests: opts.requests,
    errors,
    latencyMs: summarize(latencies),
    byKind: Object.fromEntries([...byKind].map(([k, v]) => [k, summarize(v)])),
    slowest,
    slowestPlan,
    cpu: cpuUsage,
  };
}

/**
 * Nine in ten contacts get a score row (0..100); the tenth has none and so scores 0, which the
 * list query serves from its second, anti-joined branch. Foreign-key triggers are skipped for
 * the load (session_replication_role): the rows are consistent by construction.
 */
async function seedScoredContacts(stack: Stack, accountId: string, contacts: number): Promise<number> {
  return withClient(stack.db, async (client) => {
    await client.query('SET session_replication_role = replica');
    await client.query('SELECT setseed(0.42)');
    await client.query(
      `INSERT INTO contacts (account_id, id, name, email, tags)
       SELECT $1, 'q' || lpad(g::text, 7, '0'), 'Contact ' || g, 'q' || g || '@example.com',
              CASE WHEN g % 10 = 0 THEN ARRAY['vip'] ELSE '{}'::text[] END
       FROM generate_series(1, $2) AS g`,
      [accountId, contacts],
    );
    const { rowCount } = await client.query(
      `INSERT INTO contact_scores (account_id, contact_id, profile_id, score, profile_version)
       SELECT $1, 'q' || lpad(g::text, 7, '0'), $3, floor(random() * 101)::int, 1
       FROM generate_series(1, $2) AS g WHERE g % 10 <> 3`,
      [accountId, contacts, PROFILE_ID],
    );
    await client.query('SET session_replication_role = DEFAULT');
    await client.query('ANALYZE contacts, contact_scores');
    return rowCount ?? 0;
  });
}

/** Runs the SQL that GET /contacts ran for `query` under EXPLAIN ANALYZE (db/contact-queries.ts builds it). */
async function explain(
  stack: Stack,
  accountId: string,
  query: Record<string, string | number>,
): Promise<string[]> {
  const lines: string[] = [];
  const explaining = {
    // The list query comes as pg's { text, values } (db/contact-queries.ts: planned per page).
    query: async ({ text, values }: { text: string; values: unknown[] }) => {
      const { rows } = await stack.db.query<{ 'QUERY PLAN': string }>(
        `EXPLAIN (ANALYZE, BUFFERS) ${text}`,
        values,
      );
      lines.push(...rows.map((r) => r['QUERY PLAN']));
      return { rows: [] };
    },
  } as unknown as Queryable;
  const cursor =
    typeof query.cursor === 'string'
      ? (JSON.parse(Buffer.from(query.cursor, 'base64url').toString('utf8')) as ContactSortKey)
      : undefined;
  await listContactPage(explaining, accountId, {
    profile: { id: PROFILE_ID, published: true },
    filter: {
      minScore: query.minScore === undefined ? undefined : Number(query.minScore),
      maxScore: query.maxScore === undefined ? undefined : Number(query.maxScore),
    },
    sort: query.sort as ContactSort,
    after: cursor,
    limit: 50,
  });
  return lines;
}
