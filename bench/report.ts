import type { BenchOptions, SectionName } from './options';
import type { MachineInfo } from './probes';
import type { AnatomyResult } from './sections/anatomy';
import type { CeilingResult, IngestResult } from './sections/ingest';
import type { LatencyResult } from './sections/latency';
import type { HotResult } from './sections/hot';
import type { BulkResult } from './sections/bulk';
import type { PeerResult } from './sections/peer';
import type { RescoreResult } from './sections/rescore';
import type { MemoryResult } from './sections/memory';
import type { QueriesResult } from './sections/queries';
import { round } from './measure';
import type { CpuPerItem, CpuUsage, HistoryProfile } from './probes';

/** Issue 15's targets. Benchmark figures, never timed tests. */
export const TARGETS = {
  /** Single-interaction POST ingest / raw signalWithStart ceiling, same run: dev server, cluster, demo triggers. */
  ingestRatio: 3,
  ingestRatioCluster: 2,
  ingestRatioTriggers: 1.5,
  /** Pulse / the textbook peer (bench/peer-workflow.ts): Pulse must beat it. */
  peerRatio: 1,
  signalsPerInteraction: 0.3,
  workflowTasksPerInteraction: 0.3,
  postP99Ms: 50,
  latencyP99Ms: 1000,
  latencyLightP99Ms: 150,
  bulkPerSecond: 2000,
  workerRssMiB: 600,
  rescoreSeconds: 5,
} as const;

export interface BenchResults {
  startedAt: string;
  finishedAt?: string;
  durationSeconds?: number;
  machine: MachineInfo;
  options: BenchOptions;
  stackStartSeconds?: number;
  targets: typeof TARGETS;
  ingest?: IngestSection;
  /** --temporal=cluster: the same ceiling and ingest on the production-shaped Temporal. */
  ingestCluster?: IngestSection;
  anatomy?: AnatomyResult;
  latency?: LatencyResult;
  /** The same measurement at a light rate: what an unloaded stack answers. */
  latencyLight?: LatencyResult;
  /** The same two phases on an account with the demo's triggers active. */
  latencyWithTriggers?: LatencyResult;
  latencyLightWithTriggers?: LatencyResult;
  bulk?: BulkResult;
  hot?: HotResult;
  rescore?: RescoreResult;
  memory?: MemoryResult;
  /** The worker with TUNED_WORKER_MEMORY_ENV (bench/options.ts). */
  memoryTuned?: MemoryResult;
  queries?: QueriesResult;
  /** Sections that failed or passed their deadline, with the reason. */
  failures: Partial<Record<SectionName | 'stack', string>>;
  notes: string[];
}

/**
 * The ceiling is measured before and after the ingest runs; ratios use the mean of the two, so a
 * burst of other load during one of them moves the verdict less. cpuBoundRatio compares CPU cost
 * per item instead of rates: what the ratio would be on a machine the stack had to itself.
 */
export interface IngestSection {
  ceilings: CeilingResult[];
  ceiling?: { signalsPerSecond: number; cpuBoundPerSecond: number };
  /** The textbook design, same load shape, measured between the two ceilings. */
  peer?: PeerResult;
  runs: Array<
    IngestResult & { ratioToCeiling: number | null; cpuBoundRatio: number | null; ratioToPeer: number | null }
  >;
}

/** Recomputes the mean ceiling and every run's ratios from what has been measured so far. */
export function updateRatios(ingest: IngestSection): void {
  const mean = (values: number[]) => values.reduce((s, v) => s + v, 0) / values.length;
  ingest.ceiling =
    ingest.ceilings.length === 0
      ? undefined
      : {
          signalsPerSecond: round(mean(ingest.ceilings.map((c) => c.signalsPerSecond))),
          cpuBoundPerSecond: round(mean(ingest.ceilings.map((c) => c.cpuPerSignal.cpuBoundPerSecond))),
        };
  const c = ingest.ceiling;
  for (const run of ingest.runs) {
    run.ratioToCeiling = c ? round(run.interactionsPerSecond / c.signalsPerSecond, 3) : null;
    run.cpuBoundRatio = c ? round(run.cpuPerInteraction.cpuBoundPerSecond / c.cpuBoundPerSecond, 3) : null;
    run.ratioToPeer = ingest.peer
      ? round(run.interactionsPerSecond / ingest.peer.interactionsPerSecond, 3)
      : null;
  }
}

export interface Row {
  measurement: string;
  figure: string;
  target: string;
  ratio: string;
  status: string;
}

const n = (v: number, digits = 0) =>
  Number.isFinite(v)
    ? v.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits })
    : '—';

/** Other processes took a good share of the CPUs during the measurement: the figure is a lower bound. */
const CONTENDED_PERCENT = 15;
const contended = (cpu: CpuUsage | undefined) =>
  cpu && cpu.percentOfMachine.other >= CONTENDED_PERCENT
    ? `contended: others ${Math.round(cpu.percentOfMachine.other)}% CPU`
    : '';
const join = (...parts: string[]) => parts.filter(Boolean).join('; ');

const verdict = (pass: boolean) => (pass ? 'PASS' : 'MISS');
const cpuSplit = (c: CpuPerItem) =>
  `${n(c.totalMs, 1)} core-ms (API+bench ${n(c.ms.bench, 1)}, worker ${n(c.ms.worker, 1)}, Temporal ${n(c.ms.temporal, 1)}, Postgres ${n(c.ms.postgres, 1)})`;

export function rows(r: BenchResults): Row[] {
  const out: Row[] = [];
  const ceiling = r.ingest?.ceiling;
  if (r.ingest) out.push(...ingestRows(r.ingest, '', TARGETS.ingestRatio));
  if (r.ingestCluster) {
    out.push(...ingestRows(r.ingestCluster, 'cluster: ', TARGETS.ingestRatioCluster));
    out.push(...clusterComparison(r.ingest, r.ingestCluster));
  }
  for (const step of r.anatomy?.steps ?? []) {
    out.push({
      measurement: `anatomy: signalWithStart to a workflow with ${step.step}`,
      figure: `${n(step.signalsPerSecond)} signals/s`,
      target: '—',
      ratio: ceiling
        ? `${n(step.signalsPerSecond / ceiling.signalsPerSecond, 2)} (CPU-bound ${n(step.cpuPerSignal.cpuBoundPerSecond / ceiling.cpuBoundPerSecond, 2)})`
        : '—',
      status: join(step.errors ? `${step.errors} errors` : '', contended(step.cpu)),
    });
  }
  for (const [l, light, triggers] of [
    [r.latency, false, ''],
    [r.latencyLight, true, ''],
    [r.latencyWithTriggers, false, ', demo triggers'],
    [r.latencyLightWithTriggers, true, ', demo triggers'],
  ] as const) {
    if (!l) continue;
    const p99 = l.acceptedToVisibleMs.p99;
    const target = light ? TARGETS.latencyLightP99Ms : TARGETS.latencyP99Ms;
    out.push({
      measurement: `202 -> score visible, open loop ${n(l.rate, 1)}/s for ${l.seconds} s (${l.measured} measured)${light ? ', light load' : ', half max'}${triggers}`,
      figure: `p50 ${n(l.acceptedToVisibleMs.p50)} / p95 ${n(l.acceptedToVisibleMs.p95)} / p99 ${n(p99)} ms`,
      target: `p99 < ${n(target)} ms`,
      ratio: `${n(p99 / target, 2)} of target`,
      status: join(
        verdict(p99 < target && l.timedOut === 0),
        l.timedOut ? `${l.timedOut} timed out` : '',
        l.errors ? `${l.errors} errors` : '',
        contended(l.cpu),
      ),
    });
    out.push({
      measurement: `POST /contacts/:id/interactions at ${n(l.rate, 1)}/s${light ? ', light load' : ', half max'}${triggers}`,
      figure: `p50 ${n(l.postLatencyMs.p50, 1)} / p99 ${n(l.postLatencyMs.p99, 1)} ms`,
      target: '—',
      ratio: '—',
      status: contended(l.cpu),
    });
  }
  const b = r.bulk;
  if (b?.available) {
    for (const round of b.rounds) {
      out.push({
        measurement: `bulk POST /interactions, ${n(round.interactions)} interactions / ${n(b.contacts)} ${round.contactsWere} contacts, ${b.batchSize} per request x ${b.concurrency}`,
        figure: `${n(round.interactionsPerSecond)} interactions/s until applied (POST p99 ${n(round.requestLatencyMs.p99)} ms)`,
        target: `>= ${n(TARGETS.bulkPerSecond)}/s`,
        ratio: `${n(round.interactionsPerSecond / TARGETS.bulkPerSecond, 2)} of target`,
        status: join(
          verdict(round.interactionsPerSecond >= TARGETS.bulkPerSecond),
          b.check.ok ? '' : 'scores WRONG',
          round.errors ? `${round.errors} errors` : '',
          contended(round.cpu),
        ),
      });
    }
  } else if (b) {
    out.push({
      measurement: 'bulk POST /interactions',
      figure: 'not available',
      target: `>= ${n(TARGETS.bulkPerSecond)}/s`,
      ratio: '—',
      status: b.reason,
    });
  }
  const h = r.hot;
  if (h) {
    out.push({
      measurement: `hot contact, ${n(h.interactions)} interactions in ${h.requests} requests x ${h.concurrency}`,
      figure: `${n(h.interactionsPerSecond)} interactions/s, ${h.continueAsNewHandOffs} continue-as-new`,
      target: '—',
      ratio: '—',
      status: join(h.ok ? 'score exact' : `score WRONG (${String(h.finalScore)})`, contended(h.cpu)),
    });
  }
  const s = r.rescore;
  if (s) {
    // The target is for 10,000 contacts / 100,000 interactions; a smaller run is a smoke check.
    const full = s.contacts >= 10_000 && s.interactions >= 100_000;
    out.push({
      measurement: `re-score after publish, ${n(s.contacts)} contacts / ${n(s.interactions)} interactions`,
      figure: `${n(s.seconds, 1)} s (${n(s.contactsPerSecond)} contacts/s)`,
      target: `<= ${TARGETS.rescoreSeconds} s at 10,000 / 100,000`,
      ratio: `${n(s.seconds / TARGETS.rescoreSeconds, 2)} of target`,
      status: join(
        full ? verdict(s.seconds <= TARGETS.rescoreSeconds) : 'smaller than the target size',
        s.ok ? 'scores exact' : `WRONG (${s.mismatches} mismatches)`,
        contended(s.cpu),
      ),
    });
  }
  const q = r.queries;
  if (q) {
    out.push({
      measurement: `GET /contacts range+sort, ${n(q.contacts)} contacts, ${q.requests} requests`,
      figure: `p50 ${n(q.latencyMs.p50, 1)} / p99 ${n(q.latencyMs.p99, 1)} ms`,
      target: '—',
      ratio: '—',
      status: join(q.errors ? `${q.errors} errors` : '', contended(q.cpu)),
    });
  }
  for (const m of [r.memory, r.memoryTuned]) {
    if (!m) continue;
    const knobs = Object.entries(m.env ?? {})
      .map(([k, v]) => `${k}=${v}`)
      .join(' ');
    const full = m.workflows >= 10_000;
    out.push({
      measurement: `worker RSS, ${n(m.workflows)} open contact workflows, ${m.profile === 'tuned' ? knobs : 'worker as shipped'}`,
      figure: `${n(m.loadedRssMiB)} MiB (idle ${n(m.idleRssMiB)}, peak ${n(m.peakRssMiB)})`,
      target: `<= ${TARGETS.workerRssMiB} MiB at 10,000`,
      ratio: `${n(m.loadedRssMiB / TARGETS.workerRssMiB, 2)} of target`,
      status: join(
        full ? verdict(m.loadedRssMiB <= TARGETS.workerRssMiB) : 'fewer workflows than the target size',
        `${n(m.kibPerWorkflowWhileCaching ?? m.perWorkflowKiB, 0)} KiB/workflow while the ${n(m.defaultCacheSize)}-workflow cache fills` +
          (m.kibPerWorkflowOnceCacheFull === null ? '' : `, ${n(m.kibPerWorkflowOnceCacheFull, 0)} after`),
        contended(m.cpu),
      ),
    });
  }
  for (const [section, reason] of Object.entries(r.failures)) {
    out.push({
      measurement: section,
      figure: 'FAILED',
      target: '',
      ratio: '',
      status: reason.split('\n')[0]!,
    });
  }
  return out;
}

/** The ceiling, peer and ingest rows of one stack's ingest section; `prefix` names the stack. */
function ingestRows(ingest: IngestSection, prefix: string, ratioTarget: number): Row[] {
  const out: Row[] = [];
  ingest.ceilings.forEach((c, i) => {
    out.push({
      measurement: `${prefix}signalWithStart ceiling (noop workflow) ${i === 0 ? 'before' : 'after'} ingest, ${n(c.calls)} calls x ${c.concurrency}`,
      figure: `${n(c.signalsPerSecond)} signals/s`,
      target: '—',
      ratio: '—',
      status: join(c.errors ? `${c.errors} errors` : '', contended(c.cpu)),
    });
  });
  const c = ingest.ceiling;
  const peer = ingest.peer;
  if (peer) {
    const sent = Math.max(1, peer.history.workflowsSampled * peer.interactionsPerContact);
    out.push({
      measurement: `${prefix}peer: textbook design (signalWithStart + one activity per interaction), ${n(peer.contacts)} x ${peer.interactionsPerContact}`,
      figure: `${n(peer.interactionsPerSecond)} interactions/s; ${n(peer.history.signals / sent, 2)} signals, ${n(peer.history.workflowTasks / sent, 2)} workflow tasks per interaction`,
      target: '—',
      ratio: c ? `${n(peer.interactionsPerSecond / c.signalsPerSecond, 2)} x ceiling` : '—',
      status: join(
        peer.check.ok ? '' : 'peer scores WRONG',
        peer.errors ? `${peer.errors} errors` : '',
        contended(peer.cpu),
      ),
    });
    out.push({
      measurement: `${prefix}peer: CPU per interaction`,
      figure: cpuSplit(peer.cpuPerSignal),
      target: '—',
      ratio: '—',
      status: contended(peer.cpu),
    });
  }
  for (const run of ingest.runs) {
    const target = run.triggers ? TARGETS.ingestRatioTriggers : ratioTarget;
    const what = `${prefix}ingest, worker ${run.worker}, ${run.triggers ? 'demo triggers' : 'no triggers'}`;
    const pass = (ratio: number) => verdict(ratio >= target);
    const disagree =
      run.ratioToCeiling !== null &&
      run.cpuBoundRatio !== null &&
      pass(run.ratioToCeiling) !== pass(run.cpuBoundRatio);
    out.push({
      measurement: `${what}: single-interaction POSTs, ${n(run.contacts)} x ${run.interactionsPerContact} x ${run.concurrency} clients`,
      figure: `${n(run.interactionsPerSecond)} interactions/s`,
      target: `>= ${target} x ceiling`,
      ratio:
        (run.ratioToCeiling === null
          ? '—'
          : `${n(run.ratioToCeiling, 2)} x ceiling (CPU-bound ${n(run.cpuBoundRatio ?? NaN, 2)})`) +
        (run.ratioToPeer === null ? '' : `; ${n(run.ratioToPeer, 2)} x peer`),
      status: join(
        run.ratioToCeiling === null ? 'no ceiling' : pass(run.ratioToCeiling),
        disagree ? `the CPU-bound ratio says ${pass(run.cpuBoundRatio!)}: noisy` : '',
        run.ratioToPeer !== null && run.ratioToPeer <= TARGETS.peerRatio ? 'does NOT beat the peer' : '',
        run.check.ok ? '' : 'scores WRONG',
        run.errors ? `${run.errors} errors` : '',
        contended(run.cpu),
      ),
    });
    out.push({
      measurement: `${what}: signals / workflow tasks per interaction (${run.history.workflowsSampled} sampled histories)`,
      figure: `${n(run.signalsPerInteraction, 2)} / ${n(run.workflowTasksPerInteraction, 2)}`,
      target: `<= ${TARGETS.signalsPerInteraction} / <= ${TARGETS.workflowTasksPerInteraction}`,
      ratio: '—',
      status: join(
        verdict(
          run.signalsPerInteraction <= TARGETS.signalsPerInteraction &&
            run.workflowTasksPerInteraction <= TARGETS.workflowTasksPerInteraction,
        ),
      ),
    });
    out.push({
      measurement: `${what}: CPU per interaction`,
      figure: cpuSplit(run.cpuPerInteraction),
      target: '—',
      ratio: '—',
      status: contended(run.cpu),
    });
    out.push({
      measurement: `${what}: POST at saturation`,
      figure: `p50 ${n(run.requestLatencyMs.p50, 1)} / p99 ${n(run.requestLatencyMs.p99, 1)} ms`,
      target: `p99 <= ${TARGETS.postP99Ms} ms`,
      ratio: `${n(run.requestLatencyMs.p99 / TARGETS.postP99Ms, 2)} of target`,
      status: join(verdict(run.requestLatencyMs.p99 <= TARGETS.postP99Ms), contended(run.cpu)),
    });
    if (run.triggers) {
      out.push({
        measurement: `${what}: automations started per interaction`,
        figure: `${n(run.automationsPerInteraction, 3)} (${n(run.automationsStarted)} automations)`,
        target: '—',
        ratio: '—',
        status: '',
      });
    }
  }
  return out;
}

/** Cluster against dev server: rates and CPU per signal side by side (the ceiling means, the first run each). */
function clusterComparison(dev: IngestSection | undefined, cluster: IngestSection): Row[] {
  const devCeiling = dev?.ceiling;
  const clusterCeiling = cluster.ceiling;
  if (!devCeiling || !clusterCeiling) return [];
  const coreMs = (section: IngestSection) =>
    round(section.ceilings.reduce((sum, c) => sum + c.cpuPerSignal.totalMs, 0) / section.ceilings.length, 1);
  const out: Row[] = [
    {
      measurement: 'cluster vs dev server: ceiling',
      figure: `${n(clusterCeiling.signalsPerSecond)} vs ${n(devCeiling.signalsPerSecond)} signals/s`,
      target: '—',
      ratio: `${n(clusterCeiling.signalsPerSecond / devCeiling.signalsPerSecond, 2)}x`,
      status: `CPU per signal ${coreMs(cluster)} vs ${coreMs(dev)} core-ms`,
    },
  ];
  const devRun = dev.runs.find((run) => run.worker === cluster.runs[0]?.worker);
  const clusterRun = cluster.runs[0];
  if (devRun && clusterRun) {
    out.push({
      measurement: `cluster vs dev server: ingest (worker ${clusterRun.worker})`,
      figure: `${n(clusterRun.interactionsPerSecond)} vs ${n(devRun.interactionsPerSecond)} interactions/s`,
      target: '—',
      ratio: `${n(clusterRun.interactionsPerSecond / devRun.interactionsPerSecond, 2)}x`,
      status: `CPU per interaction ${round(clusterRun.cpuPerInteraction.totalMs, 1)} vs ${round(devRun.cpuPerInteraction.totalMs, 1)} core-ms`,
    });
  }
  return out;
}

export function formatTable(table: Row[]): string {
  const header: Row = {
    measurement: 'Measurement',
    figure: 'Figure',
    target: 'Target',
    ratio: 'Ratio',
    status: 'Status',
  };
  const all = [header, ...table];
  const keys = Object.keys(header) as Array<keyof Row>;
  const widths = keys.map((k) => Math.max(...all.map((row) => row[k].length)));
  const line = (row: Row) => keys.map((k, i) => row[k].padEnd(widths[i]!)).join(' | ');
  return [line(header), widths.map((w) => '-'.repeat(w)).join('-|-'), ...table.map(line)].join('\n');
}

// ---------------------------------------------------------------------------------------------
// SVG: one panel of horizontal bars per measurement, a dashed line where a target is.

interface Bar {
  label: string;
  value: number;
  /** pass / miss colour when a target applies; neutral otherwise. */
  verdict?: 'pass' | 'miss';
}

interface Panel {
  title: string;
  unit: string;
  bars: Bar[];
  target?: { value: number; label: string };
}

export function panels(r: BenchResults): Panel[] {
  const out: Panel[] = [];
  if (r.ingest) {
    const ceiling = r.ingest.ceiling;
    out.push({
      title: 'Ingest throughput: API until settled vs signalWithStart ceiling (mean of before/after)',
      unit: '/s',
      bars: [
        ...(ceiling ? [{ label: 'noop ceiling', value: ceiling.signalsPerSecond }] : []),
        ...(r.ingest.peer ? [{ label: 'textbook peer', value: r.ingest.peer.interactionsPerSecond }] : []),
        ...(r.anatomy?.steps ?? []).map((s) => ({
          label: s.step.replace('+search-attribute', '+SA'),
          value: s.signalsPerSecond,
        })),
        ...r.ingest.runs.map((run) => ({
          label: `ingest (${run.worker}${run.triggers ? ', triggers' : ''})`,
          value: run.interactionsPerSecond,
          verdict:
            run.ratioToCeiling !== null &&
            run.ratioToCeiling >= (run.triggers ? TARGETS.ingestRatioTriggers : TARGETS.ingestRatio)
              ? ('pass' as const)
              : ('miss' as const),
        })),
      ],
      target: ceiling
        ? { value: ceiling.signalsPerSecond * TARGETS.ingestRatio, label: `${TARGETS.ingestRatio} x ceiling` }
        : undefined,
    });
  }
  if (r.ingestCluster) {
    const stacks = [
      ['dev server', r.ingest],
      ['cluster', r.ingestCluster],
    ] as const;
    out.push({
      title: 'Dev server (SQLite, 1 shard) vs cluster (Postgres, 4 shards): ceiling and ingest',
      unit: '/s',
      bars: stacks.flatMap(([label, section]) => [
        ...(section?.ceiling ? [{ label: `${label} ceiling`, value: section.ceiling.signalsPerSecond }] : []),
        ...(section?.runs ?? [])
          .filter((run) => run.worker === r.ingestCluster!.runs[0]?.worker)
          .map((run) => ({ label: `${label} ingest`, value: run.interactionsPerSecond })),
      ]),
    });
  }
  if (r.latency) {
    const v = r.latency.acceptedToVisibleMs;
    const light = r.latencyLight?.acceptedToVisibleMs;
    out.push({
      title: `Latency 202 -> score visible at ${round(r.latency.rate, 1)}/s (half the max)${
        light ? ` and at ${r.latencyLight!.rate}/s` : ''
      }`,
      unit: 'ms',
      bars: [
        { label: 'p50', value: v.p50 },
        { label: 'p95', value: v.p95 },
        { label: 'p99', value: v.p99, verdict: v.p99 < TARGETS.latencyP99Ms ? 'pass' : 'miss' },
        ...(light
          ? [
              { label: `p50 at ${r.latencyLight!.rate}/s`, value: light.p50 },
              { label: `p99 at ${r.latencyLight!.rate}/s`, value: light.p99 },
            ]
          : []),
      ],
      target: { value: TARGETS.latencyP99Ms, label: 'p99 target' },
    });
  }
  if (r.hot) {
    out.push({
      title: `Hot contact (${r.hot.continueAsNewHandOffs} continue-as-new)`,
      unit: 'interactions/s',
      bars: [{ label: 'one contact', value: r.hot.interactionsPerSecond }],
    });
  }
  if (r.rescore) {
    out.push({
      title: `Re-score of ${r.rescore.contacts.toLocaleString('en-US')} contacts`,
      unit: 'contacts/s',
      bars: [{ label: 'after publish', value: r.rescore.contactsPerSecond }],
    });
  }
  if (r.queries) {
    const v = r.queries.latencyMs;
    out.push({
      title: `GET /contacts on ${r.queries.contacts.toLocaleString('en-US')} contacts`,
      unit: 'ms',
      bars: [
        { label: 'p50', value: v.p50 },
        { label: 'p95', value: v.p95 },
        { label: 'p99', value: v.p99 },
      ],
    });
  }
  for (const m of [r.memory, r.memoryTuned]) {
    if (!m) continue;
    out.push({
      title: `Worker RSS with ${m.workflows.toLocaleString('en-US')} open workflows (${m.profile})`,
      unit: 'MiB',
      bars: [
        { label: 'idle', value: m.idleRssMiB },
        {
          label: 'loaded',
          value: m.loadedRssMiB,
          verdict: m.loadedRssMiB <= TARGETS.workerRssMiB ? 'pass' : 'miss',
        },
        { label: 'peak', value: m.peakRssMiB },
      ],
      target: { value: TARGETS.workerRssMiB, label: 'target' },
    });
  }
  return out;
}

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

export function svg(r: BenchResults): string {
  const width = 820;
  const labelWidth = 150;
  const barArea = width - labelWidth - 120;
  const barHeight = 18;
  const parts: string[] = [];
  let y = 20;
  parts.push(
    `<text x="10" y="${y}" font-size="15" font-weight="bold">Pulse benchmark — ${esc(r.startedAt)}</text>`,
  );
  y += 18;
  parts.push(
    `<text x="10" y="${y}" font-size="11" fill="#555">${esc(
      `${r.machine.nproc} x ${r.machine.cpuModel}, ${r.machine.memTotalGiB} GiB, Node ${r.machine.node}${r.options.quick ? ' — QUICK sizes' : ''}${r.options.scoreAtIngest ? ' — SCORE_AT_INGEST=on' : ''}`,
    )}</text>`,
  );
  y += 16;
  for (const panel of panels(r)) {
    y += 18;
    parts.push(`<text x="10" y="${y}" font-size="13" font-weight="bold">${esc(panel.title)}</text>`);
    y += 8;
    const max = Math.max(
      ...panel.bars.map((b) => b.value).filter(Number.isFinite),
      panel.target?.value ?? 0,
      1e-9,
    );
    const scale = barArea / (max * 1.08);
    const top = y;
    for (const bar of panel.bars) {
      const w = Number.isFinite(bar.value) ? Math.max(bar.value * scale, 1) : 0;
      const fill = bar.verdict === 'pass' ? '#2e9d4a' : bar.verdict === 'miss' ? '#d0453a' : '#5b7fb8';
      parts.push(
        `<text x="${labelWidth - 8}" y="${y + 13}" font-size="11" text-anchor="end">${esc(bar.label)}</text>`,
        `<rect x="${labelWidth}" y="${y}" width="${round(w, 1)}" height="${barHeight}" fill="${fill}"/>`,
        `<text x="${round(labelWidth + w + 6, 1)}" y="${y + 13}" font-size="11">${esc(
          `${Number.isFinite(bar.value) ? bar.value.toLocaleString('en-US', { maximumFractionDigits: 1 }) : 'n/a'} ${panel.unit}`,
        )}</text>`,
      );
      y += barHeight + 4;
    }
    if (panel.target) {
      const x = labelWidth + panel.target.value * scale;
      parts.push(
        `<line x1="${round(x, 1)}" y1="${top - 4}" x2="${round(x, 1)}" y2="${y}" stroke="#222" stroke-dasharray="4 3"/>`,
        `<text x="${round(x + 3, 1)}" y="${y + 10}" font-size="10" fill="#222">${esc(panel.target.label)}</text>`,
      );
      y += 12;
    }
  }
  const failures = Object.entries(r.failures);
  for (const [section, reason] of failures) {
    y += 16;
    parts.push(
      `<text x="10" y="${y}" font-size="11" fill="#d0453a">${esc(`${section}: ${reason.split('\n')[0]!}`)}</text>`,
    );
  }
  y += 16;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${y}" viewBox="0 0 ${width} ${y}" font-family="sans-serif">`,
    `<rect width="100%" height="100%" fill="#fff"/>`,
    ...parts,
    '</svg>',
    '',
  ].join('\n');
}

// ---------------------------------------------------------------------------------------------
// Where the time went: CPU by component per measured phase, CPU per item, Temporal history phases.

const cpuLine = (label: string, c: CpuUsage) =>
  `  ${label}: ${c.seconds} s wall, machine ${c.machineBusyPercent}% busy; core-s ` +
  Object.entries(c.coreSeconds)
    .map(([k, v]) => `${k} ${v}`)
    .join(', ');

const perItemLine = (item: string, p: CpuPerItem) =>
  `    CPU per ${item}: ${p.totalMs} core-ms (` +
  Object.entries(p.ms)
    .filter(([, v]) => v > 0)
    .map(([k, v]) => `${k} ${v}`)
    .join(', ') +
  `) -> at most ~${n(p.cpuBoundPerSecond)}/s if the stack had the machine to itself`;

const historyLine = (label: string, h: HistoryProfile) =>
  `    ${label}: ${h.workflowsSampled} histories, ${h.signals} signals, ${h.workflowTasks} workflow tasks ` +
  `(${h.workflowTasksTimedOut} timed out, ${h.workflowTasksStickyTimedOut} of them on a sticky queue; ${h.workflowTasksFailed} failed), ${h.activities} activities; ` +
  `WFT queue ${h.workflowTaskQueueMs.p50}/${h.workflowTaskQueueMs.p95}, WFT run ${h.workflowTaskRunMs.p50}/${h.workflowTaskRunMs.p95}, ` +
  `activity queue ${h.activityQueueMs.p50}/${h.activityQueueMs.p95}, activity run ${h.activityRunMs.p50}/${h.activityRunMs.p95}, ` +
  `signal->applied ${h.signalToAppliedMs.p50}/${h.signalToAppliedMs.p95}`;

export function formatProfile(r: BenchResults): string[] {
  const lines: string[] = [];
  if (r.ingest) lines.push(...ingestProfile(r.ingest, ''));
  if (r.ingestCluster) lines.push(...ingestProfile(r.ingestCluster, 'cluster '));
  for (const step of r.anatomy?.steps ?? []) {
    lines.push(cpuLine(`anatomy ${step.step}`, step.cpu), perItemLine('signal', step.cpuPerSignal));
  }
  for (const l of [r.latency, r.latencyLight, r.latencyWithTriggers, r.latencyLightWithTriggers]) {
    if (!l) continue;
    lines.push(
      cpuLine(`latency at ${l.rate}/s${l.triggers ? ', demo triggers' : ''}`, l.cpu),
      `    rate from ${l.rateSource}; achieved ${l.achievedRate}/s; POST p50/p99 ${l.postLatencyMs.p50}/${l.postLatencyMs.p99} ms; ` +
        `measured 1 in ${Math.round(1 / l.sample)} (${l.probeContactsBusy} probe slots busy); ` +
        `${l.scoreGetsPerSecond} score GETs/s (poll from ${l.pollMs} ms, backing off to 15% of the wait)`,
      historyLine('histories', l.history),
    );
  }
  const b = r.bulk;
  if (b?.available) {
    for (const round of b.rounds) {
      lines.push(
        cpuLine(`bulk, ${round.contactsWere} contacts`, round.cpu),
        `    ${round.requests} requests done in ${round.requestsSeconds} s, settled ${round.settledSeconds} s; POST p50/p99 ${round.requestLatencyMs.p50}/${round.requestLatencyMs.p99} ms`,
        perItemLine('interaction', round.cpuPerInteraction),
      );
    }
  }
  const h = r.hot;
  if (h) {
    lines.push(
      cpuLine('hot', h.cpu),
      `    requests done in ${h.requestsSeconds} s, settled ${h.settledSeconds} s; POST p50/p99 ${h.requestLatencyMs.p50}/${h.requestLatencyMs.p99} ms; ` +
        `run ${h.runNumber}, ${h.signalsInLastRun} signals in it`,
      perItemLine('interaction', h.cpuPerInteraction),
      historyLine('last run', h.lastRunHistory),
    );
  }
  const s = r.rescore;
  if (s) {
    lines.push(
      cpuLine('rescore', s.cpu),
      `    ${s.history.activities} rescorePage activities, run p50/p95 ${s.history.activityRunMs.p50}/${s.history.activityRunMs.p95} ms; ` +
        `refresh-signal probe: ${s.refreshProbe.signals} signals in ${s.refreshProbe.ms} ms ` +
        `(~${n((100 * s.refreshProbe.ms) / s.history.activityRunMs.p50)}% of a median page); ${s.pg.xactCommit} commits`,
      perItemLine('contact', s.cpuPerContact),
    );
  }
  const q = r.queries;
  if (q) {
    lines.push(
      cpuLine('queries', q.cpu),
      ...Object.entries(q.byKind).map(
        ([k, v]) => `    ${k}: n=${v.count} p50 ${v.p50} p99 ${v.p99} max ${v.max} ms`,
      ),
      `    slowest: ${q.slowest[0] ? `${q.slowest[0].ms} ms ${JSON.stringify(q.slowest[0].query)}` : '—'}; ` +
        `its SQL under EXPLAIN ANALYZE: ${q.slowestPlan.at(-1) ?? '—'}`,
    );
  }
  for (const m of [r.memory, r.memoryTuned]) {
    if (!m) continue;
    lines.push(
      cpuLine(`memory (${m.profile})`, m.cpu),
      `    ${m.workflows} workflows opened in ${m.startSeconds} s, all applied at ${m.settledSeconds} s ` +
        `(${m.workflowsPerSecond}/s); open per visibility: ${m.openWorkflows ?? '—'}`,
      perItemLine('workflow opened', m.cpuPerWorkflow),
    );
  }
  if (lines.length === 0) return [];
  return [
    'Profile: CPU core-seconds over each measured phase (bench = this process: API, load generator and an',
    'in-process worker; worker = a child worker process; other = the rest of the machine), and Temporal',
    'history phases of sampled workflows, p50/p95 ms:',
    ...lines,
  ];
}

function ingestProfile(ingest: IngestSection, prefix: string): string[] {
  const lines: string[] = [];
  ingest.ceilings.forEach((c, i) => {
    lines.push(
      cpuLine(`${prefix}ceiling ${i === 0 ? 'before' : 'after'}`, c.cpu),
      `    signalWithStart call p50/p99 ${c.callLatencyMs.p50}/${c.callLatencyMs.p99} ms`,
      perItemLine('signal', c.cpuPerSignal),
    );
  });
  const peer = ingest.peer;
  if (peer) {
    lines.push(
      cpuLine(`${prefix}peer`, peer.cpu),
      `    signalWithStart call p50/p99 ${peer.callLatencyMs.p50}/${peer.callLatencyMs.p99} ms; settled ${peer.settledSeconds} s`,
      perItemLine('interaction', peer.cpuPerSignal),
      historyLine('histories', peer.history),
    );
  }
  for (const run of ingest.runs) {
    const cpuRatio =
      run.cpuBoundRatio === null ? '' : `; CPU-bound ratio to the ceiling ${n(run.cpuBoundRatio, 2)}`;
    lines.push(
      cpuLine(`${prefix}ingest ${run.worker}${run.triggers ? ', demo triggers' : ''}`, run.cpu),
      `    POST p50/p99 ${run.requestLatencyMs.p50}/${run.requestLatencyMs.p99} ms; requests done in ${run.requestsSeconds} s, ` +
        `settled ${run.settledSeconds} s; ${run.pg.transactionsPerInteraction} Postgres commits per interaction`,
      perItemLine('interaction', run.cpuPerInteraction) + cpuRatio,
      historyLine('histories', run.history),
    );
  }
  return lines;
}
