import { DEFAULT_RULES } from '../../domain/default-rules';
import { findFreePort } from '../../stack/free-port';
import { anInteraction } from '../support/builders';
import { eventually } from '../support/eventually';
import { startHarness, type Harness } from '../support/harness';
import { startWorkerProcess, type WorkerProcess } from '../support/worker-process';

/** The value of one series in a Prometheus text exposition, or undefined if it is absent. */
function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

let h: Harness;
const workers: WorkerProcess[] = [];
beforeAll(async () => {
  // The worker runs as its own process (worker/main.ts), as in production.
  h = await startHarness({ inProcessWorker: false });
});
afterAll(async () => {
  for (const w of workers) await w.kill('SIGTERM');
  await h?.shutdown();
});

describe('GET /metrics (API)', () => {
  it('when requests have been answered, then it serves their counts and durations by route template and status, without an API key', async () => {
    const account = await h.newAccount();
    expect((await account.call('GET', '/contacts/nobody')).status).toBe(404);
    expect((await account.call('GET', '/contacts/someone-else')).status).toBe(404);
    expect((await account.call('GET', '/contacts/nobody', undefined, null)).status).toBe(401);
    expect((await account.call('GET', '/no/such/route')).status).toBe(404);

    const res = await fetch(`${h.baseUrl}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = await res.text();

    expect(text).toContain('# TYPE http_requests_total counter');
    // Labelled by template, not by the ids in the path; 401s before routing are attributed too.
    expect(sample(text, 'http_requests_total{method="GET",route="/contacts/:contactId",status="404"}')).toBe(
      2,
    );
    expect(sample(text, 'http_requests_total{method="GET",route="/contacts/:contactId",status="401"}')).toBe(
      1,
    );
    expect(sample(text, 'http_requests_total{method="GET",route="unmatched",status="404"}')).toBe(1);
    expect(text).not.toContain('nobody');
    expect(
      sample(
        text,
        'http_request_duration_seconds_count{method="GET",route="/contacts/:contactId",status="404"}',
      ),
    ).toBe(2);
    expect(text).toMatch(
      /^http_request_duration_seconds_bucket\{le="0\.1",method="GET",route="\/contacts\/:contactId",status="404"\} \d+$/m,
    );
    // Node process metrics come along.
    expect(text).toMatch(/^process_cpu_user_seconds_total \d/m);
    expect(text).toMatch(/^nodejs_eventloop_lag_seconds \d/m);
  });

  it('when the metrics are scraped, then the scrape itself is counted from the next one on', async () => {
    await fetch(`${h.baseUrl}/metrics`).then((r) => r.text());
    const text = await (await fetch(`${h.baseUrl}/metrics`)).text();
    expect(
      sample(text, 'http_requests_total{method="GET",route="/metrics",status="200"}'),
    ).toBeGreaterThanOrEqual(2);
  });
});

describe('worker metrics (WORKER_METRICS_ADDRESS)', () => {
  it('when the worker runs with a metrics address, then it serves Temporal SDK metrics for Prometheus there', async () => {
    const port = await findFreePort();
    const worker = startWorkerProcess(h.taskQueue, { WORKER_METRICS_ADDRESS: `127.0.0.1:${port}` });
    workers.push(worker);
    await worker.ready;

    // Give it work, so task and activity series exist too.
    const account = await h.newAccount();
    await account.call('POST', '/profiles', { id: 'engagement', name: 'E', rules: DEFAULT_RULES });
    await account.call('POST', '/profiles/engagement/publish');
    await account.call('POST', '/contacts', { id: 'c1' });
    expect((await account.call('POST', '/contacts/c1/interactions', [anInteraction()])).status).toBe(202);
    await eventually(async () =>
      expect((await account.call('GET', '/contacts/c1/score')).body.score).toBe(1),
    );

    const text = await eventually(async () => {
      const res = await fetch(`http://127.0.0.1:${port}/metrics`);
      expect(res.status).toBe(200);
      const body = await res.text();
      expect(body).toMatch(/^temporal_workflow_completed|^temporal_activity_execution_latency/m);
      return body;
    });
    expect(seriesNames(text)).toEqual(
      expect.arrayContaining(['temporal_worker_start', 'temporal_activity_execution_latency_bucket']),
    );
    expect(text).toContain(`task_queue="${h.taskQueue}"`);
  });
});

/** Series names present, without labels. */
function seriesNames(text: string): string[] {
  return [
    ...new Set(
      text
        .split('\n')
        .filter((l) => l && !l.startsWith('#'))
        .map((l) => l.split(/[{ ]/)[0]!),
    ),
  ];
}
