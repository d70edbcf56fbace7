import fc from 'fast-check';
import { DEFAULT_RULES } from '../../domain/default-rules';
import { eventually } from '../support/eventually';
import { createAccount, type FaultAccount, type RawResponse } from '../support/fault-kit';
import { startHarness, type Harness } from '../support/harness';

/**
 * The API against random malformed input: whatever arrives, the answer is a 4xx (never a 5xx),
 * errors are problem+json, a 400 names the fields in errors[].path, and a refused request
 * writes nothing.
 */

const NUM_RUNS = 100;
const ROUTE_TIMEOUT_MS = 150_000;

let h: Harness;
let account: FaultAccount;

beforeAll(async () => {
  h = await startHarness();
  account = await createAccount(h.db, h.baseUrl);
  const ok = (res: RawResponse, status: number) => {
    if (res.status !== status) throw new Error(`setup: ${res.status} ${res.text}`);
  };
  ok(await account.call('POST', '/profiles', { id: 'engagement', name: 'E', rules: DEFAULT_RULES }), 201);
  ok(await account.call('POST', '/profiles/engagement/publish'), 201);
  ok(await account.call('POST', '/contacts', { id: 'c1', email: 'c1@example.com' }), 201);
  ok(
    await account.call('POST', '/triggers', {
      id: 'existing',
      profileId: 'engagement',
      condition: { op: 'gte', value: 50 },
      reentry: { policy: 'once' },
      automation: 'reward_offer',
    }),
    201,
  );
}, 120_000);

afterAll(async () => {
  await h?.shutdown();
}, 60_000);

/** Everything a refused request must leave alone, for this account. */
async function snapshot(): Promise<Record<string, unknown>> {
  const { rows } = await h.db.query(
    `SELECT
       (SELECT count(*) FROM interactions WHERE account_id = $1)::int AS interactions,
       (SELECT count(*) FROM contacts WHERE account_id = $1)::int AS contacts,
       (SELECT md5(COALESCE(string_agg(c::text, '|' ORDER BY c.id), '')) FROM contacts c WHERE account_id = $1) AS contacts_md5,
       (SELECT count(*) FROM score_profiles WHERE account_id = $1)::int AS profiles,
       (SELECT md5(COALESCE(string_agg(p.id || p.name || p.draft_rules::text, '|' ORDER BY p.id), '')) FROM score_profiles p WHERE account_id = $1) AS drafts_md5,
       (SELECT count(*) FROM profile_versions WHERE account_id = $1)::int AS versions,
       (SELECT count(*) FROM score_triggers WHERE account_id = $1)::int AS triggers,
       (SELECT md5(COALESCE(string_agg(t.definition::text, '|' ORDER BY t.id), '')) FROM score_triggers t WHERE account_id = $1) AS triggers_md5,
       (SELECT count(*) FROM score_ledger WHERE account_id = $1)::int AS ledger`,
    [account.accountId],
  );
  return rows[0];
}

/**
 * An interaction the API accepted is applied by its contact's workflow after the 202, in the
 * background (on the cluster, hundreds of milliseconds later when its workflow is new): wait for
 * that, so the next attempt's "before" holds only what that attempt may change.
 */
async function settled(): Promise<void> {
  await eventually(async () => {
    const { rows } = await h.db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM interactions
       WHERE account_id = $1 AND applied_at IS NULL AND set_aside_at IS NULL`,
      [account.accountId],
    );
    expect(rows[0]!.n).toBe(0);
  });
}

// ---------------------------------------------------------------------------------------------
// Malformed input

/** A value nested `depth` levels deep, written straight as text (JSON.stringify itself overflows). */
class Deep {
  constructor(
    readonly depth: number,
    readonly kind: 'array' | 'object',
  ) {}
}

/** JSON text of a value that may hold Deep parts; own "__proto__" keys are kept. */
function toJsonText(value: unknown): string {
  if (value instanceof Deep) {
    return value.kind === 'array'
      ? `${'['.repeat(value.depth)}"x"${']'.repeat(value.depth)}`
      : `${'{"a":'.repeat(value.depth)}"x"${'}'.repeat(value.depth)}`;
  }
  if (Array.isArray(value)) return `[${value.map(toJsonText).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    return `{${Object.entries(value)
      .map(([k, v]) => `${JSON.stringify(k)}:${toJsonText(v)}`)
      .join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

function maxDepthOf(value: unknown): number {
  if (value instanceof Deep) return value.depth;
  if (Array.isArray(value)) return 1 + Math.max(0, ...value.map(maxDepthOf));
  if (value !== null && typeof value === 'object')
    return 1 + Math.max(0, ...Object.values(value).map(maxDepthOf));
  return 0;
}

type JsonType = 'string' | 'number' | 'boolean' | 'null' | 'array' | 'object';
const jsonType = (v: unknown): JsonType =>
  v instanceof Deep
    ? v.kind
    : v === null
      ? 'null'
      : Array.isArray(v)
        ? 'array'
        : (typeof v as 'string' | 'number' | 'boolean' | 'object');

/** Shallow (a few levels), deep (thousands: still parsed by JSON.parse) or very deep (≈ 100 k). */
const deepArb = fc
  .tuple(
    fc.oneof(
      fc.integer({ min: 1, max: 50 }),
      fc.integer({ min: 1_000, max: 10_000 }),
      fc.integer({ min: 10_000, max: 150_000 }),
    ),
    fc.constantFrom<'array' | 'object'>('array', 'object'),
  )
  .map(([depth, kind]) => new Deep(depth, kind));

const hugeStringArb = fc.oneof(
  fc.string({ minLength: 5_000, maxLength: 6_000 }),
  fc.integer({ min: 5_000, max: 400_000 }).map((n) => 'x'.repeat(n)),
);

const junkArb: fc.Arbitrary<unknown> = fc.oneof(
  fc.jsonValue({ maxDepth: 3 }),
  fc.string({ unit: 'binary', maxLength: 50 }),
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.boolean(),
  fc.array(fc.jsonValue({ maxDepth: 2 }), { maxLength: 5 }),
  fc.dictionary(fc.string({ maxLength: 10 }), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 5 }),
);

/** Text a JSON parser must refuse. */
const invalidJsonArb = fc.oneof(
  fc.constantFrom(
    '{',
    '{"id": }',
    "{'id': 'c1'}",
    '[1, 2',
    '{"a":1,}',
    'NaN',
    'undefined',
    '{"id":"c1"} trailing',
    '\u0000',
  ),
  fc.string({ maxLength: 40 }).filter((text) => {
    try {
      JSON.parse(text);
      return false;
    } catch {
      return text.trim().length > 0;
    }
  }),
);

interface Attempt {
  kind: string;
  /** Sent as it is. */
  text: string;
  contentType: string;
  /** Replaces the route's path (a bad path parameter). */
  path?: string;
  /** No schema accepts it, by construction: must be refused. Junk may (rarely) be valid. */
  mustRefuse: boolean;
  /** How deeply nested the body is. */
  depth: number;
}

interface BodyRoute {
  name: string;
  method: string;
  path: string;
  /** The route with a bad value in place of its path parameter, if it has one. */
  pathWith?: (param: string) => string;
  valid: Record<string, unknown>;
  required: string[];
  /** The route also takes an array of `valid` (interactions). */
  takesArrays?: boolean;
}

const ROUTES: BodyRoute[] = [
  {
    name: 'POST /contacts',
    method: 'POST',
    path: '/contacts',
    valid: {
      id: 'fuzz-contact',
      name: 'Ada',
      email: 'ada@example.com',
      phone: '+15551234567',
      tags: ['vip'],
      attributes: { plan: 'pro' },
    },
    required: ['id'],
  },
  {
    name: 'POST /contacts/:id/interactions',
    method: 'POST',
    path: '/contacts/c1/interactions',
    pathWith: (p) => `/contacts/${p}/interactions`,
    valid: {
      id: 'fuzz-evt',
      type: 'email_opened',
      occurredAt: '2026-11-23T10:00:00Z',
      attributes: { campaign: 'x' },
    },
    required: ['id', 'type', 'occurredAt'],
    takesArrays: true,
  },
  {
    name: 'POST /profiles',
    method: 'POST',
    path: '/profiles',
    valid: {
      id: 'fuzz-profile',
      name: 'Fuzz',
      description: 'd',
      rules: [{ id: 'r1', interactionType: 'email_opened', criteria: [], points: 1 }],
    },
    required: ['id', 'name'],
  },
  {
    name: 'PUT /profiles/:id/draft/rules',
    method: 'PUT',
    path: '/profiles/engagement/draft/rules',
    pathWith: (p) => `/profiles/${p}/draft/rules`,
    valid: { rules: [{ id: 'r1', interactionType: 'email_opened', criteria: [], points: 1 }] },
    required: ['rules'],
  },
  {
    name: 'POST /triggers',
    method: 'POST',
    path: '/triggers',
    valid: {
      id: 'fuzz-trigger',
      profileId: 'engagement',
      condition: { op: 'gte', value: 10 },
      mode: 'crossing',
      reentry: { policy: 'always' },
      paused: false,
      automation: 'reward_offer',
      input: { tag: 'x' },
    },
    required: ['id', 'profileId', 'condition', 'reentry', 'automation'],
  },
  {
    name: 'POST /contacts/:id/score-adjustments',
    method: 'POST',
    path: '/contacts/c1/score-adjustments',
    pathWith: (p) => `/contacts/${p}/score-adjustments`,
    valid: { id: 'fuzz-adj', profileId: 'engagement', points: 5, reason: 'fuzz' },
    required: ['profileId', 'points', 'reason'],
  },
];

const JSON_TYPE = 'application/json';

function attemptsFor(route: BodyRoute): fc.Arbitrary<Attempt> {
  const keys = Object.keys(route.valid);
  const objectKeys = keys.filter((k) => jsonType(route.valid[k]) === 'object');
  const withField = (key: string, value: unknown) => ({ ...route.valid, [key]: value });
  const attempt = (kind: string, body: unknown, mustRefuse: boolean): Attempt => ({
    kind,
    text: toJsonText(body),
    contentType: JSON_TYPE,
    mustRefuse,
    depth: maxDepthOf(body),
  });

  const arms: fc.WeightedArbitrary<Attempt>[] = [
    {
      weight: 4,
      arbitrary: fc
        .tuple(fc.constantFrom(...keys), junkArb)
        .filter(([key, value]) => value !== null && jsonType(value) !== jsonType(route.valid[key]))
        .map(([key, value]) => attempt(`wrong type for ${key}`, withField(key, value), true)),
    },
    {
      weight: 2,
      arbitrary: fc.constantFrom(...route.required).map((key) => {
        const { [key]: _dropped, ...rest } = route.valid;
        return attempt(`missing ${key}`, rest, true);
      }),
    },
    {
      weight: 3,
      arbitrary: fc
        .tuple(
          fc.oneof(
            fc.string({ minLength: 1, maxLength: 20 }),
            fc.constantFrom('__proto__', 'constructor', 'accountId', 'score'),
          ),
          junkArb,
        )
        .filter(([key]) => !keys.includes(key))
        .map(([key, value]) => {
          const body: Record<string, unknown> = { ...route.valid };
          // An own "__proto__" key, as JSON.parse makes it (an object literal would set the prototype).
          Object.defineProperty(body, key, { value, enumerable: true, configurable: true, writable: true });
          return attempt(`unknown field ${JSON.stringify(key)}`, body, true);
        }),
    },
    {
      weight: 2,
      arbitrary: fc
        .tuple(fc.constantFrom(...keys), hugeStringArb)
        .map(([key, value]) =>
          attempt(`huge string (${value.length}) for ${key}`, withField(key, value), true),
        ),
    },
    {
      weight: 3,
      arbitrary: fc.tuple(fc.constantFrom(...keys), deepArb).map(([key, deep]) =>
        // Nested into a field that takes any object (contact attributes, trigger input) it may be valid.
        attempt(
          `nested junk (${deep.depth}) for ${key}`,
          withField(key, deep),
          jsonType(deep) !== jsonType(route.valid[key]),
        ),
      ),
    },
    ...(objectKeys.length > 0
      ? [
          {
            weight: 3,
            arbitrary: fc
              .tuple(fc.constantFrom(...objectKeys), deepArb)
              .map(([key, deep]) =>
                attempt(
                  `nested junk (${deep.depth}) inside ${key}`,
                  withField(key, { ...(route.valid[key] as object), deep }),
                  false,
                ),
              ),
          },
        ]
      : []),
    {
      weight: 2,
      arbitrary: route.takesArrays
        ? fc.oneof(
            fc.constant(attempt('empty array', [], true)),
            fc.constant(attempt('array of arrays', [[route.valid]], true)),
            fc.integer({ min: 501, max: 700 }).map((n) =>
              attempt(
                `${n} interactions (over 500)`,
                Array.from({ length: n }, (_, i) => ({ ...route.valid, id: `over-${i}` })),
                true,
              ),
            ),
          )
        : fc
            .array(fc.oneof(fc.constant<unknown>(route.valid), junkArb), { maxLength: 3 })
            .map((body) => attempt('array for an object', body, true)),
    },
    { weight: 3, arbitrary: junkArb.map((body) => attempt('junk body', body, false)) },
    {
      weight: 2,
      arbitrary: invalidJsonArb.map((text) => ({
        kind: 'invalid JSON text',
        text,
        contentType: JSON_TYPE,
        mustRefuse: true,
        depth: 0,
      })),
    },
    {
      weight: 1,
      arbitrary: fc
        .constantFrom('text/plain', 'application/x-www-form-urlencoded', 'application/xml')
        .map((contentType) => ({
          ...attempt(`valid JSON sent as ${contentType}`, route.valid, true),
          contentType,
        })),
    },
    {
      weight: 1,
      arbitrary: fc.constant(attempt('body over 1 MB', { ...route.valid, pad: 'x'.repeat(1_100_000) }, true)),
    },
  ];
  if (route.pathWith) {
    const pathWith = route.pathWith;
    arms.push({
      weight: 2,
      arbitrary: fc
        .oneof(
          fc.string({ minLength: 1, maxLength: 200 }).map(encodeURIComponent),
          fc.constantFrom(
            '%E0%A4%A',
            '%',
            '%FF',
            'a%2Fb',
            '..',
            '%2e%2e',
            'x'.repeat(300),
            '__proto__',
            'constructor',
          ),
        )
        // Only parameters that name nothing this account has, so a valid body cannot write.
        .filter((param) => !['c1', 'engagement'].includes(param))
        .map((param) => ({ ...attempt(`bad path parameter`, route.valid, true), path: pathWith(param) })),
    });
  }
  return fc.oneof(...arms);
}

/**
 * Answers that break the contract in a way already diagnosed (see the BUG tests at the end).
 * The properties set them aside and carry on looking for other problems; the BUG tests fail
 * until the app is fixed.
 */
const KNOWN_BUGS = {
  /** BUG 1: unbounded nesting reaches recursive code (isJsonValue, JSON.stringify): RangeError, 500. */
  deepNesting500: (attempt: Attempt, res: RawResponse) => res.status === 500 && attempt.depth >= 1_000,
  /** BUG 2: 400s raised by body-parser or Express's param decoding carry no errors[]. */
  parser400WithoutErrors: (_attempt: Attempt, res: RawResponse) =>
    res.status === 400 &&
    res.body?.errors === undefined &&
    /^(body: not valid JSON|Failed to decode param)/.test(String(res.body?.detail)),
};
const knownBugHits: Record<keyof typeof KNOWN_BUGS, string[]> = {
  deepNesting500: [],
  parser400WithoutErrors: [],
};

function describeAnswer(res: RawResponse): string {
  return `${res.status} ${res.headers.get('content-type')} ${res.text.slice(0, 300)}`;
}

/** What every refused request must look like. */
function expectProblem(res: RawResponse, context: string, where: RegExp): void {
  expect([context, res.headers.get('content-type')]).toEqual([
    context,
    expect.stringMatching(/^application\/problem\+json/),
  ]);
  expect(res.body).toMatchObject({ status: res.status, title: expect.any(String) });
  if (res.status === 400) {
    expect([context, Array.isArray(res.body.errors) && res.body.errors.length > 0]).toEqual([context, true]);
    for (const e of res.body.errors as { path: unknown; message: unknown }[]) {
      expect([context, e.path]).toEqual([context, expect.stringMatching(where)]);
      expect(typeof e.message).toBe('string');
    }
  }
}

const runOptions = {
  numRuns: NUM_RUNS,
  // Bounded: a slow shrink gives up (and reports what it has) well before the jest timeout.
  interruptAfterTimeLimit: ROUTE_TIMEOUT_MS - 30_000,
  markInterruptAsFailure: false,
};

describe('the API refuses malformed bodies with a 4xx and writes nothing', () => {
  for (const route of ROUTES) {
    it(
      `${route.name}: random malformed bodies get 4xx problem+json (400: errors[].path), never 5xx, and change nothing`,
      async () => {
        const seen: Record<string, number> = {};
        await fc.assert(
          fc.asyncProperty(attemptsFor(route), async (attempt) => {
            const before = await snapshot();
            const res = await account.call(route.method, attempt.path ?? route.path, attempt.text, {
              contentType: attempt.contentType,
            });
            const label = `${attempt.kind.replace(/ for .*| inside .*| \(.*|".*"/g, '')}:${res.status}`;
            seen[label] = (seen[label] ?? 0) + 1;
            const context = `${route.name}, ${attempt.kind}: ${attempt.text.slice(0, 200)} → ${describeAnswer(res)}`;
            const known = (Object.keys(KNOWN_BUGS) as (keyof typeof KNOWN_BUGS)[]).find((bug) =>
              KNOWN_BUGS[bug](attempt, res),
            );
            if (known) knownBugHits[known].push(context.slice(0, 300));
            expect([context, res.status < 500 || known === 'deepNesting500']).toEqual([context, true]);
            if (attempt.mustRefuse) expect([context, res.status >= 400]).toEqual([context, true]);
            if (res.status >= 400) {
              if (!known) expectProblem(res, context, /^(body|params)(\.|$)/);
              expect([context, await snapshot()]).toEqual([context, before]);
            } else {
              await settled();
            }
          }),
          runOptions,
        );
        console.log(`${route.name}: ${JSON.stringify(seen)}`);
      },
      ROUTE_TIMEOUT_MS,
    );
  }
});

describe('GET /contacts against random query strings', () => {
  const known = ['profile', 'minScore', 'maxScore', 'empty', 'tag', 'sort', 'cursor', 'limit'];
  const cursorOf = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const valueArb = fc.oneof(
    fc.string({ maxLength: 20 }),
    fc.string({ unit: 'binary', maxLength: 20 }),
    fc.integer().map(String),
    fc.double().map(String),
    fc.constantFrom(
      '',
      '-1',
      '0',
      '1',
      '200',
      '201',
      '2147483648',
      '-2147483649',
      '1e3',
      '0x10',
      ' 5',
      'true',
      'false',
      'TRUE',
      'null',
      'score_desc',
      'score_asc',
      'id',
      'engagement',
      'ghost',
      'a,b,,c',
    ),
    // Long, but within Node's 16 KB limit on the request line (beyond it Node answers 431 before the app).
    fc.integer({ min: 65, max: 3_000 }).map((n) => 'x'.repeat(n)),
    fc.jsonValue({ maxDepth: 2 }).map(cursorOf),
    fc.constantFrom(
      cursorOf({ sort: 'id', id: 'c1' }),
      cursorOf({ sort: 'score_desc', score: 'high', id: 'c1' }),
      cursorOf({ sort: 'score_asc', score: 1.5, id: 'c1' }),
      cursorOf({ sort: 'score_asc', score: 2 ** 40, id: 'c1' }),
      cursorOf({ sort: 'score_desc', score: null, id: 'c1', extra: 1 }),
      cursorOf({ sort: 'id', id: '../../etc' }),
      cursorOf({ sort: 'id', id: "c1' OR 1=1 --" }),
      'not base64 at all!',
      '%%%',
    ),
  );
  const pairArb = fc.tuple(
    fc.oneof(
      fc.constantFrom(...known),
      fc.string({ maxLength: 10 }),
      fc.constantFrom('__proto__', 'constructor', 'tag[]', 'limit[0]', 'hasOwnProperty'),
    ),
    valueArb,
  );
  const queryArb = fc.oneof(
    {
      weight: 6,
      arbitrary: fc
        .array(pairArb, { maxLength: 6 })
        .map((pairs) => pairs.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join('&')),
    },
    // Raw, unencoded text: stray %, &, = and non-ASCII (no # or whitespace, which end or break the URL).
    { weight: 2, arbitrary: fc.string({ maxLength: 60 }).map((text) => text.replace(/[#\s]/g, '')) },
    {
      weight: 1,
      arbitrary: fc.constantFrom(
        'limit=%',
        'cursor=%E0%A4%A',
        'tag=%FF%FE',
        'minScore=5&minScore=6',
        'sort=&limit=',
        '&&&===',
        'empty',
        'minScore=10&maxScore=1',
      ),
    },
  );

  it(
    'random query strings get 200 or 4xx problem+json (400: errors[].path under query), never 5xx, and change nothing',
    async () => {
      const seen: Record<string, number> = {};
      await fc.assert(
        fc.asyncProperty(queryArb, async (query) => {
          const before = await snapshot();
          const res = await account.call('GET', `/contacts?${query}`, undefined, { key: account.keys.read });
          seen[res.status] = (seen[res.status] ?? 0) + 1;
          const context = `GET /contacts?${query.slice(0, 200)} → ${describeAnswer(res)}`;
          expect([context, res.status < 500]).toEqual([context, true]);
          if (res.status === 200) expect(Array.isArray(res.body.items)).toBe(true);
          else expectProblem(res, context, /^query(\.|$)/);
          expect(await snapshot()).toEqual(before);
        }),
        runOptions,
      );
      console.log(`GET /contacts: ${JSON.stringify(seen)}`);
    },
    ROUTE_TIMEOUT_MS,
  );
});

/**
 * Bugs the properties above found, each as the plain request that shows it. They fail until the
 * app is fixed (see each comment for the cause); the properties set these answers aside meanwhile.
 */
describe('BUGS found by fuzzing (these fail until the app is fixed)', () => {
  const nested = (depth: number) => toJsonText(new Deep(depth, 'array'));

  /*
   * BUG 1. JSON.parse (body-parser) accepts any depth that fits in 1 MB, and two schemas let
   * arbitrary JSON through: contact `attributes` (z.unknown() values, api/contacts/schemas.ts) and
   * trigger `input` (checked by the recursive isJsonValue, domain/trigger.ts). Around 4–5 thousand
   * levels (a 10 KB body) isJsonValue or JSON.stringify (db/contacts.ts upsertContact, the trigger
   * save) overflows the stack: RangeError → 500. Fix: bound the depth in those schemas (an
   * iterative check, e.g. at most 32 levels, reported at body.attributes / body.input) and make
   * isJsonValue iterative.
   */
  it('BUG 1: a deeply nested value in contact attributes or trigger input is a 500, not a 400, and nothing is written', async () => {
    const before = await snapshot();
    const answers: string[] = [];
    for (const depth of [5_000, 50_000]) {
      const contact = await account.call(
        'POST',
        '/contacts',
        `{"id":"deep-${depth}","attributes":{"deep":${nested(depth)}}}`,
      );
      const trigger = await account.call(
        'POST',
        '/triggers',
        `{"id":"deep-${depth}","profileId":"engagement","condition":{"op":"gte","value":1},"reentry":{"policy":"once"},"automation":"reward_offer","input":{"tag":${nested(depth)}}}`,
      );
      answers.push(`contact ${depth}: ${contact.status}`, `trigger ${depth}: ${trigger.status}`);
    }
    if (knownBugHits.deepNesting500.length > 0)
      console.log(`BUG 1 seen by the properties:\n${knownBugHits.deepNesting500.slice(0, 5).join('\n')}`);
    expect(await snapshot()).toEqual(before);
    expect(answers).toEqual([
      'contact 5000: 400',
      'trigger 5000: 400',
      'contact 50000: 400',
      'trigger 50000: 400',
    ]);
  });

  /*
   * BUG 2. api/middleware/errors.ts turns body-parser's errors (text that is not JSON, or JSON
   * whose top level is not an object or array under `strict`) and Express's "Failed to decode
   * param" into `new HttpError(400, 'Invalid request', detail)` without `errors`, so these 400s
   * have no errors[].path, unlike every other 400. Fix there: attach
   * `[{ path: 'body', message }]` for entity.parse.failed and `[{ path: 'params', message }]` for
   * a param that cannot be decoded.
   */
  it('BUG 2: a 400 for a body that is not JSON, or a path parameter that is not valid percent-encoding, has no errors[].path', async () => {
    const answers = [
      await account.call('POST', '/contacts', '{"id": '),
      await account.call('POST', '/contacts', '"just a string"'),
      await account.call('POST', '/contacts/%E0%A4%A/interactions', toJsonText(ROUTES[1]!.valid)),
    ].map((res) => ({
      status: res.status,
      paths: (res.body?.errors as { path: string }[] | undefined)?.map((e) => e.path),
    }));
    if (knownBugHits.parser400WithoutErrors.length > 0)
      console.log(
        `BUG 2 seen by the properties:\n${knownBugHits.parser400WithoutErrors.slice(0, 5).join('\n')}`,
      );
    expect(answers).toEqual([
      { status: 400, paths: ['body'] },
      { status: 400, paths: ['body'] },
      { status: 400, paths: [expect.stringMatching(/^params/)] },
    ]);
  });
});
