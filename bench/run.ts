/**
 * Pulse benchmark: `npm run bench` (= `tsx bench/run.ts`), `--quick` for a smoke check, `--help`
 * for every flag. Starts its own servers in a temporary directory, measures, prints a table and
 * writes bench/results/latest.json and latest.svg. See bench/README.md.
 */
import fs from 'node:fs';
import path from 'node:path';
import { DeadlineError, formatError, round, SectionContext } from './measure';
import {
  parseOptions,
  TUNED_WORKER_MEMORY_ENV,
  UsageError,
  type BenchOptions,
  type SectionName,
  type WorkerMode,
} from './options';
import { CpuSampler, machineInfo } from './probes';
import {
  formatProfile,
  formatTable,
  rows,
  svg,
  TARGETS,
  updateRatios,
  type BenchResults,
  type IngestSection,
} from './report';
import { makeTempRoot, REPO_ROOT, startStack, type Deployment, type Stack } from './stack';
import { measureAnatomy } from './sections/anatomy';
import { measureCeiling, measureIngest } from './sections/ingest';
import { measureLatency, type LatencyPhase } from './sections/latency';
import { measureHotContact } from './sections/hot';
import { measureBulk } from './sections/bulk';
import { writeWorkflowBundle } from '../scripts/build-workflow-bundle';
import { measurePeer } from './sections/peer';
import { measureRescore } from './sections/rescore';
import { measureWorkerMemory } from './sections/memory';
import { measureContactQueries } from './sections/queries';
import { temporalServerTools } from '../stack/go-tools';

const t0 = Date.now();
const log = (line: string) =>
  process.stdout.write(`[${((Date.now() - t0) / 1000).toFixed(1).padStart(6)}s] ${line}\n`);

async function main(): Promise<number> {
  let opts: BenchOptions;
  try {
    opts = parseOptions(process.argv.slice(2));
  } catch (err) {
    if (err instanceof UsageError) {
      if (err.message) process.stderr.write(`${err.message}\n\n`);
      process.stderr.write(err.usage);
      return err.message ? 2 : 0;
    }
    throw err;
  }

  const results: BenchResults = {
    startedAt: new Date().toISOString(),
    machine: machineInfo(),
    options: opts,
    targets: TARGETS,
    failures: {},
    notes: [],
  };
  const m = results.machine;
  log(
    `machine: ${m.nproc} CPUs (${m.cpuModel}), ${m.memTotalGiB} GiB, Node ${m.node}, load ${m.loadAverage.join(' ')}`,
  );
  log(`sections: ${opts.only.join(', ')}${opts.quick ? ' (quick sizes)' : ''}`);
  if (m.loadAverage[0]! > 0.5) {
    results.notes.push(
      `load average was ${m.loadAverage[0]} before the start: other processes share the CPUs (see cpu.other per section)`,
    );
  }

  const root = makeTempRoot();
  let stack: Stack | undefined;
  let current: SectionContext | undefined;
  let cleaned: Promise<void> | undefined;
  const cleanup = () =>
    (cleaned ??= (async () => {
      current?.abort(new Error('interrupted'));
      log('stopping servers');
      await stack?.stop();
      if (opts.keepData) log(`data kept in ${root}`);
      else fs.rmSync(root, { recursive: true, force: true });
    })());
  const onSignal = (signal: NodeJS.Signals) => {
    log(`${signal}: stopping`);
    results.failures.stack = `interrupted by ${signal}`;
    void cleanup().finally(() => {
      writeOutputs(opts, results);
      process.exit(130);
    });
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);

  try {
    log(`data dir ${root}`);
    const stackStarted = Date.now();
    stack = await startStack(root, log);
    const workerPids = new Set<number>();
    const cpu = new CpuSampler(() => [...workerPids]);
    const main = await stack.deploy(opts.worker, {
      apiLogLevel: opts.apiLogLevel,
      scoreAtIngest: opts.scoreAtIngest,
    });
    workerPids.add(main.workerPid);
    results.stackStartSeconds = round((Date.now() - stackStarted) / 1000, 1);
    log(`stack ready in ${results.stackStartSeconds} s (API ${main.baseUrl}, worker ${main.mode})`);

    const run = async (name: SectionName, body: (ctx: SectionContext) => Promise<void>) => {
      if (!opts.only.includes(name) || cleaned) return;
      const ctx = new SectionContext(name, opts.timeouts[name] * 1000);
      current = ctx;
      log(`== ${name} (deadline ${opts.timeouts[name]} s)`);
      const started = Date.now();
      const timer = setTimeout(
        () =>
          ctx.abort(
            new DeadlineError(
              `deadline of ${opts.timeouts[name]} s passed during "${ctx.phaseName}" (raise --timeout-${name})`,
            ),
          ),
        ctx.budgetMs,
      );
      const aborted = new Promise<never>((_, reject) =>
        ctx.signal.addEventListener('abort', () => reject(ctx.signal.reason as Error)),
      );
      const work = body(ctx);
      work.catch(() => undefined); // after an abort it may still settle, unobserved
      try {
        await Promise.race([work, aborted]);
        log(`== ${name} done in ${round((Date.now() - started) / 1000, 1)} s`);
      } catch (err) {
        results.failures[name] = formatError(err);
        log(`== ${name} FAILED: ${formatError(err)}`);
      } finally {
        clearTimeout(timer);
        current = undefined;
        results.notes.push(...ctx.notes.map((note) => `${name}: ${note}`));
      }
    };

    const deployFor = async (mode: Deployment['mode']) => {
      if (mode === main.mode) return { deployment: main, stop: () => Promise.resolve() };
      const deployment = await stack!.deploy(mode, {
        apiLogLevel: opts.apiLogLevel,
        scoreAtIngest: opts.scoreAtIngest,
      });
      workerPids.add(deployment.workerPid);
      return {
        deployment,
        stop: async () => {
          workerPids.delete(deployment.workerPid);
          await deployment.stop();
        },
      };
    };

    const shape = {
      contacts: opts.ingestContacts,
      interactionsPerContact: opts.ingestInteractions,
      concurrency: opts.concurrency,
    };
    /** Ceiling before, ingest per worker placement, ceiling after, on one stack. */
    const ingestSection = async (
      ctx: SectionContext,
      on: Stack,
      ingest: IngestSection,
      modes: WorkerMode[],
      deployOn: (mode: WorkerMode) => Promise<{ deployment: Deployment; stop(): Promise<void> }>,
    ) => {
      const label = on.temporalKind === 'cluster' ? 'cluster ' : '';
      const ceiling = async (when: string) => {
        const measured = await measureCeiling(ctx, on, shape, cpu);
        ingest.ceilings.push(measured);
        updateRatios(ingest);
        log(`${label}ceiling ${when}: ${measured.signalsPerSecond} signals/s`);
      };
      await ceiling('before');
      if (opts.peer) {
        ingest.peer = await measurePeer(ctx, on, shape, cpu);
        updateRatios(ingest);
        log(`${label}peer (textbook design): ${ingest.peer.interactionsPerSecond} interactions/s`);
      }
      for (const mode of modes) {
        const { deployment, stop } = await deployOn(mode);
        try {
          for (const variant of opts.triggers) {
            const result = await measureIngest(ctx, on, deployment, shape, cpu, {
              triggers: variant === 'on',
            });
            ingest.runs.push({ ...result, ratioToCeiling: null, cpuBoundRatio: null, ratioToPeer: null });
            updateRatios(ingest);
            log(
              `${label}ingest (${mode}, triggers ${variant}): ${result.interactionsPerSecond} interactions/s` +
                (result.triggers ? `, ${result.automationsPerInteraction} automations per interaction` : ''),
            );
          }
        } finally {
          await stop();
        }
      }
      await ceiling('after');
      for (const run of ingest.runs) {
        log(
          `${label}ingest (${run.worker}): ratio ${run.ratioToCeiling}, CPU-bound ratio ${run.cpuBoundRatio}`,
        );
      }
    };

    await run('ingest', async (ctx) => {
      results.ingest = { ceilings: [], runs: [] };
      await ingestSection(ctx, stack!, results.ingest, opts.ingestWorkers, deployFor);
    });

    if (opts.only.includes('cluster')) {
      // Built (minutes, first time only) before the section's deadline starts.
      await temporalServerTools(log);
    }
    await run('cluster', async (ctx) => {
      ctx.phase('cluster: starting Postgres and the Temporal cluster');
      const cluster = await startStack(path.join(root, 'cluster'), log, 'cluster');
      try {
        results.ingestCluster = { ceilings: [], runs: [] };
        await ingestSection(ctx, cluster, results.ingestCluster, [opts.worker], async (mode) => {
          const deployment = await cluster.deploy(mode, {
            apiLogLevel: opts.apiLogLevel,
            scoreAtIngest: opts.scoreAtIngest,
          });
          workerPids.add(deployment.workerPid);
          return {
            deployment,
            stop: async () => {
              workerPids.delete(deployment.workerPid);
              await deployment.stop();
            },
          };
        });
      } finally {
        await cluster.stop();
      }
    });

    await run('anatomy', async (ctx) => {
      results.anatomy = await measureAnatomy(ctx, stack!, shape, cpu);
    });

    await run('latency', async (ctx) => {
      for (const variant of opts.triggers) {
        const triggers = variant === 'on';
        const label = triggers ? ' with the demo triggers' : '';
        let rate = opts.latencyRate;
        let rateSource = 'given (--latency-rate)';
        if (!rate) {
          const measured = results.ingest?.runs.find(
            (r) => r.worker === main.mode && r.triggers === triggers,
          );
          if (measured) {
            rate = measured.interactionsPerSecond / 2;
            rateSource = `half the ${main.mode} ingest rate${label} (${measured.interactionsPerSecond}/s)`;
          } else {
            ctx.phase(`latency: no ingest result${label}, probing the maximum rate`);
            const probe = await measureIngest(
              ctx,
              stack!,
              main,
              {
                contacts: Math.min(200, opts.ingestContacts),
                interactionsPerContact: 5,
                concurrency: opts.concurrency,
              },
              cpu,
              { triggers },
            );
            rate = probe.interactionsPerSecond / 2;
            rateSource = `half a probe's ingest rate${label} (${probe.interactionsPerSecond}/s, ${probe.interactions} interactions)`;
          }
        }
        rate = round(rate, 1);
        const phases: LatencyPhase[] = [{ rate, rateSource, seconds: opts.latencySeconds }];
        if (opts.latencyLightRate > 0) {
          phases.push({
            rate: opts.latencyLightRate,
            rateSource: 'light load (--latency-light-rate)',
            seconds: Math.min(opts.latencySeconds, 15),
            // At this rate polling costs nothing worth mentioning: measure every interaction.
            sample: 1,
          });
        }
        const [half, light] = await measureLatency(
          ctx,
          stack!,
          main,
          {
            phases,
            sample: opts.latencySample,
            contacts: Math.max(opts.latencyContacts, Math.ceil(rate * opts.latencySample * 4)),
            pollMs: opts.pollMs,
            concurrency: opts.concurrency,
            triggers,
          },
          cpu,
        );
        if (triggers) [results.latencyWithTriggers, results.latencyLightWithTriggers] = [half, light];
        else [results.latency, results.latencyLight] = [half, light];
      }
    });

    await run('bulk', async (ctx) => {
      results.bulk = await measureBulk(
        ctx,
        stack!,
        main,
        {
          contacts: opts.bulkContacts,
          interactions: opts.bulkInteractions,
          batchSize: opts.bulkBatch,
          concurrency: opts.bulkConcurrency,
        },
        cpu,
      );
      if (!results.bulk.available) ctx.note(`not available: ${results.bulk.reason}`);
    });

    await run('hot', async (ctx) => {
      results.hot = await measureHotContact(
        ctx,
        stack!,
        main,
        { interactions: opts.hotInteractions, concurrency: opts.hotConcurrency, maxBatch: opts.hotMaxBatch },
        cpu,
      );
    });

    await run('rescore', async (ctx) => {
      results.rescore = await measureRescore(
        ctx,
        stack!,
        main,
        { contacts: opts.rescoreContacts, interactions: opts.rescoreInteractions },
        cpu,
      );
    });

    await run('memory', async (ctx) => {
      for (const profile of opts.memoryProfiles) {
        const measured = await measureWorkerMemory(
          ctx,
          stack!,
          main,
          {
            workflows: opts.memoryWorkflows,
            concurrency: opts.memoryConcurrency,
            profile,
            env:
              profile === 'tuned'
                ? {
                    ...TUNED_WORKER_MEMORY_ENV,
                    WORKFLOW_BUNDLE_PATH: await writeWorkflowBundle(
                      path.join(stack!.root, 'workflow-bundle.js'),
                    ),
                  }
                : {},
          },
          cpu,
          (pid) => {
            if (pid === undefined) workerPids.clear();
            else workerPids.add(pid);
            workerPids.add(main.workerPid);
          },
        );
        if (profile === 'tuned') results.memoryTuned = measured;
        else results.memory = measured;
        log(`memory (${profile}): ${measured.loadedRssMiB} MiB with ${measured.workflows} workflows`);
      }
    });

    await run('queries', async (ctx) => {
      results.queries = await measureContactQueries(
        ctx,
        stack!,
        main,
        { contacts: opts.queryContacts, requests: opts.queryRequests },
        cpu,
      );
    });
  } catch (err) {
    results.failures.stack = formatError(err);
    log(`FAILED: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
  } finally {
    await cleanup();
  }

  results.finishedAt = new Date().toISOString();
  results.durationSeconds = round((Date.now() - t0) / 1000, 1);
  const written = writeOutputs(opts, results);
  printSummary(results);
  log(`wrote ${written.join(', ')}`);
  return Object.keys(results.failures).length > 0 ? 1 : 0;
}

function writeOutputs(opts: BenchOptions, results: BenchResults): string[] {
  const dir = path.resolve(REPO_ROOT, opts.outDir);
  fs.mkdirSync(dir, { recursive: true });
  const json = path.join(dir, 'latest.json');
  const chart = path.join(dir, 'latest.svg');
  fs.writeFileSync(json, JSON.stringify(results, null, 2) + '\n');
  fs.writeFileSync(chart, svg(results));
  return [path.relative(process.cwd(), json), path.relative(process.cwd(), chart)];
}

function printSummary(r: BenchResults): void {
  const m = r.machine;
  const out = [
    '',
    `Pulse benchmark, ${r.startedAt}${r.options.quick ? ' (QUICK sizes: a smoke check, not the figures)' : ''}${r.options.scoreAtIngest ? ', SCORE_AT_INGEST=on' : ''}`,
    `machine: nproc ${m.nproc}, ${m.cpuModel}, ${m.memTotalGiB} GiB RAM, Node ${m.node}, kernel ${m.kernel}`,
    `took ${r.durationSeconds} s (servers up in ${r.stackStartSeconds ?? '—'} s)`,
    '',
    formatTable(rows(r)),
    '',
    ...formatProfile(r),
    ...(r.notes.length ? ['', 'Notes:', ...r.notes.map((n) => `  - ${n}`)] : []),
    '',
  ];
  process.stdout.write(out.join('\n'));
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
