import fs from 'node:fs';
import path from 'node:path';
import { ROUTES } from '../../api/openapi/routes';
import { buildConsole } from '../../scripts/build-console';
import { aRule } from '../support/builders';
import { startHarness, type Harness, type TestAccount } from '../support/harness';
import { runSchemathesis } from '../support/schemathesis';

/**
 * Schemathesis (PyPI) against the live /openapi.json of the real API and worker: every check it
 * has, a fixed seed, a bounded number of examples per operation. Zero server errors, zero answers
 * the document does not describe, zero requests left hanging (each must answer within the
 * request timeout).
 */

const SEED = Number(process.env.SCHEMATHESIS_SEED ?? 20261202);
const MAX_EXAMPLES = Number(process.env.SCHEMATHESIS_MAX_EXAMPLES ?? 20);
const REQUEST_TIMEOUT_S = 10;
const RUN_LIMIT_MS = Number(process.env.SCHEMATHESIS_RUN_LIMIT_MS ?? 6 * 60_000);
const REPORT_DIR = path.join(__dirname, '..', '..', 'test-artifacts', 'schemathesis');

let h: Harness;
let account: TestAccount;
beforeAll(async () => {
  // GET /console serves the built console; unbuilt it answers 503, which is a server error to
  // Schemathesis. A fresh clone has it built only if a console suite happened to run first.
  buildConsole();
  h = await startHarness();
  account = await h.newAccount();
  // Something to find: a published profile, a contact, a list and a trigger under the ids the
  // document's examples and the fuzzer's short strings are likely to hit.
  await account.call('POST', '/profiles', {
    id: 'engagement',
    name: 'Engagement',
    rules: [aRule({ id: 'opened', interactionType: 'email_opened', points: 1 })],
  });
  await account.call('POST', '/profiles/engagement/publish');
  await account.call('POST', '/contacts', { id: 'ada' });
}, 120_000);
afterAll(async () => {
  await h?.shutdown();
});

describe('the API against its own OpenAPI document', () => {
  it(
    'when Schemathesis runs every check with a fixed seed, then it finds no server error, no schema violation and no hang',
    async () => {
      fs.rmSync(REPORT_DIR, { recursive: true, force: true });
      fs.mkdirSync(REPORT_DIR, { recursive: true });
      const run = await runSchemathesis(
        path.join(__dirname, 'schemathesis.toml'),
        [
          `${h.baseUrl}/openapi.json`,
          '--checks',
          'all',
          '--seed',
          String(SEED),
          '--max-examples',
          String(MAX_EXAMPLES),
          '--workers',
          '1',
          '--request-timeout',
          String(REQUEST_TIMEOUT_S),
          '--header',
          `Authorization: Bearer ${account.keys.admin}`,
          '--report',
          'junit',
          '--report-dir',
          REPORT_DIR,
        ],
        RUN_LIMIT_MS,
        REPORT_DIR,
      );
      fs.writeFileSync(path.join(REPORT_DIR, 'output.txt'), run.output);
      if (run.code !== 0) console.log(run.output.slice(-20_000));
      // The failures section goes into the assertion too: a CI log that keeps only the end of the
      // output (the jest summary) still says which operation failed which check, and how.
      expect({ timedOut: run.timedOut, exitCode: run.code, failures: failuresOf(run.output) }).toEqual({
        timedOut: false,
        exitCode: 0,
        failures: '',
      });
      // It selected and tested every operation of the document, with real traffic.
      const count = (pattern: RegExp) => Number(pattern.exec(run.output)?.[1] ?? 0);
      const operations = count(/Selected: \d+\/(\d+)/);
      expect(operations).toBeGreaterThanOrEqual(ROUTES.length - 1); // all but /openapi.json itself
      expect([count(/Selected: (\d+)\//), count(/Tested: (\d+)/)]).toEqual([operations, operations]);
      expect(count(/(\d+) generated/)).toBeGreaterThanOrEqual(operations * MAX_EXAMPLES);
    },
    RUN_LIMIT_MS + 60_000,
  );
});

/**
 * Schemathesis's FAILURES and ERRORS sections (each failing check with its curl to reproduce), at
 * most 6,000 characters.
 */
function failuresOf(output: string): string {
  const start = output.search(/=+ (FAILURES|ERRORS) =+/);
  if (start < 0) return '';
  const rest = output.slice(start);
  const end = rest.search(/\n=+ (WARNINGS|SUMMARY) =+/);
  return (end < 0 ? rest : rest.slice(0, end)).slice(0, 6_000);
}
