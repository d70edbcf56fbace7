import fs from 'node:fs';
import os from 'node:os';
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import type { Db } from '../db/pool';
import { round, summarize, type Summary } from './measure';

// ---------------------------------------------------------------------------------------------
// Machine

export interface MachineInfo {
  nproc: number;
  cpuModel: string;
  memTotalGiB: number;
  node: string;
  kernel: string;
  loadAverage: number[];
}

export function machineInfo(): MachineInfo {
  const cpuinfo = readOr('/proc/cpuinfo');
  const meminfo = readOr('/proc/meminfo');
  const memKb = Number(/MemTotal:\s+(\d+)/.exec(meminfo)?.[1] ?? os.totalmem() / 1024);
  return {
    nproc: os.availableParallelism(),
    cpuModel: /model name\s*:\s*(.*)/.exec(cpuinfo)?.[1]?.trim() ?? os.cpus()[0]?.model ?? 'unknown',
    memTotalGiB: round(memKb / 1024 / 1024),
    node: process.version,
    kernel: os.release(),
    loadAverage: os.loadavg().map((l) => round(l, 2)),
  };
}

function readOr(file: string, fallback = ''): string {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return fallback;
  }
}

// ---------------------------------------------------------------------------------------------
// CPU by component: this process (API + load generator + in-process worker), a child worker, the
// Temporal server, Postgres, and everything else on the machine (other users of the two cores).

const TICKS_PER_SECOND = 100;

interface ProcStat {
  pid: number;
  ppid: number;
  comm: string;
  ticks: number;
}

function readProcStat(pid: number): ProcStat | undefined {
  const text = readOr(`/proc/${pid}/stat`);
  if (!text) return undefined;
  // comm may contain spaces and parentheses: the fields after it start at the last ')'.
  const close = text.lastIndexOf(')');
  const comm = text.slice(text.indexOf('(') + 1, close);
  const fields = text.slice(close + 2).split(' ');
  // fields[0] is state (field 3); utime and stime are fields 14 and 15.
  return { pid, ppid: Number(fields[1]), comm, ticks: Number(fields[11]) + Number(fields[12]) };
}

function allProcesses(): ProcStat[] {
  const result: ProcStat[] = [];
  for (const name of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const stat = readProcStat(Number(name));
    if (stat) result.push(stat);
  }
  return result;
}

function machineTicks(): { busy: number; total: number } {
  const line = readOr('/proc/stat').split('\n')[0] ?? '';
  const v = line.trim().split(/\s+/).slice(1).map(Number);
  const idle = (v[3] ?? 0) + (v[4] ?? 0);
  const total = v.slice(0, 8).reduce((s, x) => s + x, 0);
  return { busy: total - idle, total };
}

export type CpuGroup = 'bench' | 'worker' | 'temporal' | 'postgres' | 'other';

interface CpuSnapshot {
  at: number;
  machine: { busy: number; total: number };
  byPid: Map<number, { group: CpuGroup; ticks: number }>;
}

export interface CpuUsage {
  seconds: number;
  /** Core-seconds per component, and as a share of the machine's capacity over the interval. */
  coreSeconds: Record<CpuGroup, number>;
  percentOfMachine: Record<CpuGroup, number>;
  machineBusyPercent: number;
}

/** Tells this process tree's parts apart by ancestry and command name. */
export class CpuSampler {
  constructor(private readonly workerPids: () => number[]) {}

  snapshot(): CpuSnapshot {
    const procs = allProcesses();
    const byPidAll = new Map(procs.map((p) => [p.pid, p]));
    const self = process.pid;
    const workers = new Set(this.workerPids().filter((pid) => pid !== self));
    const groupOf = (p: ProcStat): CpuGroup => {
      if (p.pid === self) return 'bench';
      if (workers.has(p.pid)) return 'worker';
      // Walk up: descendants of this process are ours; classify by command name.
      for (let q: ProcStat | undefined = p, depth = 0; q && depth < 20; q = byPidAll.get(q.ppid), depth++) {
        if (q.ppid === self || q.pid === self) {
          if (p.comm.startsWith('temporal')) return 'temporal';
          if (p.comm.startsWith('postgres')) return 'postgres';
          if (workers.has(q.pid)) return 'worker';
          return 'bench';
        }
        if (workers.has(q.pid)) return 'worker';
      }
      return 'other';
    };
    return {
      at: performance.now(),
      machine: machineTicks(),
      byPid: new Map(procs.map((p) => [p.pid, { group: groupOf(p), ticks: p.ticks }])),
    };
  }

  static usage(from: CpuSnapshot, to: CpuSnapshot): CpuUsage {
    const seconds = (to.at - from.at) / 1000;
    const groups: CpuGroup[] = ['bench', 'worker', 'temporal', 'postgres', 'other'];
    const ticks = Object.fromEntries(groups.map((g) => [g, 0])) as Record<CpuGroup, number>;
    for (const [pid, now] of to.byPid) {
      if (now.group === 'other') continue;
      ticks[now.group] += now.ticks - (from.byPid.get(pid)?.ticks ?? 0);
    }
    const machineBusy = to.machine.busy - from.machine.busy;
    const machineTotal = Math.max(to.machine.total - from.machine.total, 1);
    const ours = ticks.bench + ticks.worker + ticks.temporal + ticks.postgres;
    ticks.other = Math.max(machineBusy - ours, 0);
    const coreSeconds = Object.fromEntries(
      groups.map((g) => [g, round(ticks[g] / TICKS_PER_SECOND, 2)]),
    ) as Record<CpuGroup, number>;
    const percentOfMachine = Object.fromEntries(
      groups.map((g) => [g, round((100 * ticks[g]) / machineTotal, 1)]),
    ) as Record<CpuGroup, number>;
    return {
      seconds: round(seconds, 2),
      coreSeconds,
      percentOfMachine,
      machineBusyPercent: round((100 * machineBusy) / machineTotal, 1),
    };
  }
}

// ---------------------------------------------------------------------------------------------
// Memory of a process

export interface ProcessMemory {
  rssMiB: number;
  hwmMiB: number;
}

export function processMemory(pid: number): ProcessMemory | undefined {
  const status = readOr(`/proc/${pid}/status`);
  const kb = (field: string) => Number(new RegExp(`${field}:\\s+(\\d+) kB`).exec(status)?.[1] ?? NaN);
  if (!status) return undefined;
  return { rssMiB: round(kb('VmRSS') / 1024), hwmMiB: round(kb('VmHWM') / 1024) };
}

// ---------------------------------------------------------------------------------------------
// Postgres counters for the benchmark's database

export interface PgCounters {
  xactCommit: number;
  xactRollback: number;
  tupInserted: number;
  tupUpdated: number;
  tupFetched: number;
  blksRead: number;
  deadlocks: number;
}

export async function pgCounters(db: Db): Promise<PgCounters> {
  await db.query('SELECT pg_stat_clear_snapshot()');
  const { rows } = await db.query<Record<string, string>>(
    `SELECT xact_commit, xact_rollback, tup_inserted, tup_updated, tup_fetched, blks_read, deadlocks
     FROM pg_stat_database WHERE datname = current_database()`,
  );
  const r = rows[0]!;
  return {
    xactCommit: Number(r.xact_commit),
    xactRollback: Number(r.xact_rollback),
    tupInserted: Number(r.tup_inserted),
    tupUpdated: Number(r.tup_updated),
    tupFetched: Number(r.tup_fetched),
    blksRead: Number(r.blks_read),
    deadlocks: Number(r.deadlocks),
  };
}

export function pgDelta(from: PgCounters, to: PgCounters): PgCounters {
  return Object.fromEntries(
    Object.keys(from).map((k) => [k, to[k as keyof PgCounters] - from[k as keyof PgCounters]]),
  ) as unknown as PgCounters;
}

// ---------------------------------------------------------------------------------------------
// Where a workflow's time goes, from its history: workflow task queue wait and run time, activity
// queue wait and run time (the activity's run time is, for applyScoringRules, its transaction).

export interface HistoryProfile {
  workflowsSampled: number;
  /** Of those sampled: workflows that did not exist (their contact needed no wake-up yet). */
  workflowsNotStarted: number;
  signals: number;
  workflowTasks: number;
  /** Workflow tasks that timed out (a sticky queue not polled within 10 s, or a task over its deadline) or failed. */
  workflowTasksTimedOut: number;
  /** Of those timed out: on a sticky queue nobody polled in time (a replay elsewhere, not lost work). */
  workflowTasksStickyTimedOut: number;
  workflowTasksFailed: number;
  activities: number;
  /** Workflow task: scheduled -> started (waiting for a worker poll), started -> completed. */
  workflowTaskQueueMs: Summary;
  workflowTaskRunMs: Summary;
  /** Activity task: scheduled -> started, started -> completed. */
  activityQueueMs: Summary;
  activityRunMs: Summary;
  /** From a signal to the next scoring pass that started after it completing (activity or local activity). */
  signalToAppliedMs: Summary;
}

const EventType = temporal.api.enums.v1.EventType;
const TimeoutType = temporal.api.enums.v1.TimeoutType;

function eventMs(event: temporal.api.history.v1.IHistoryEvent): number {
  const t = event.eventTime;
  return t ? Number(t.seconds ?? 0) * 1000 + (t.nanos ?? 0) / 1e6 : NaN;
}

export async function profileHistories(
  client: Client,
  workflowIds: readonly string[],
): Promise<HistoryProfile> {
  const wftQueue: number[] = [];
  const wftRun: number[] = [];
  const actQueue: number[] = [];
  const actRun: number[] = [];
  const signalToApplied: number[] = [];
  let signals = 0;
  let sampled = 0;
  let timedOut = 0;
  let stickyTimedOut = 0;
  let failed = 0;
  let notStarted = 0;
  for (const id of workflowIds) {
    const history = await client.workflow
      .getHandle(id)
      .fetchHistory()
      .catch((err: unknown) => (err instanceof WorkflowNotFoundError ? null : undefined));
    // Never started (scored at ingest, nothing for it to do yet): a sample that cost Temporal nothing.
    if (history === null) {
      notStarted += 1;
      sampled += 1;
    }
    if (!history?.events) continue;
    sampled += 1;
    const times = new Map<number, number>();
    const pendingSignals: number[] = [];
    const activityStarts = new Map<number, number>(); // scheduledEventId -> started time
    let workflowTaskStarted = 0;
    // Signals that arrived before a pass started are applied by it.
    const applyUpTo = (started: number, completed: number) => {
      while (pendingSignals.length > 0 && pendingSignals[0]! <= started) {
        signalToApplied.push(completed - pendingSignals.shift()!);
      }
    };
    for (const e of history.events) {
      const id = Number(e.eventId);
      const t = eventMs(e);
      times.set(id, t);
      switch (e.eventType) {
        case EventType.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED:
          signals += 1;
          pendingSignals.push(t);
          break;
        case EventType.EVENT_TYPE_WORKFLOW_TASK_STARTED:
          workflowTaskStarted = t;
          wftQueue.push(t - (times.get(Number(e.workflowTaskStartedEventAttributes?.scheduledEventId)) ?? t));
          break;
        case EventType.EVENT_TYPE_WORKFLOW_TASK_TIMED_OUT:
          timedOut += 1;
          if (
            e.workflowTaskTimedOutEventAttributes?.timeoutType === TimeoutType.TIMEOUT_TYPE_SCHEDULE_TO_START
          )
            stickyTimedOut += 1;
          break;
        case EventType.EVENT_TYPE_MARKER_RECORDED:
          // A local activity's marker: Pulse's scoring pass ran inside the task that started then.
          if (e.markerRecordedEventAttributes?.markerName === 'core_local_activity')
            applyUpTo(workflowTaskStarted, t);
          break;
        case EventType.EVENT_TYPE_WORKFLOW_TASK_FAILED:
          failed += 1;
          break;
        case EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED:
          wftRun.push(t - (times.get(Number(e.workflowTaskCompletedEventAttributes?.startedEventId)) ?? t));
          break;
        case EventType.EVENT_TYPE_ACTIVITY_TASK_STARTED: {
          const scheduled = Number(e.activityTaskStartedEventAttributes?.scheduledEventId);
          actQueue.push(t - (times.get(scheduled) ?? t));
          activityStarts.set(scheduled, t);
          break;
        }
        case EventType.EVENT_TYPE_ACTIVITY_TASK_COMPLETED: {
          const scheduled = Number(e.activityTaskCompletedEventAttributes?.scheduledEventId);
          const started = activityStarts.get(scheduled) ?? t;
          actRun.push(t - started);
          applyUpTo(started, t);
          break;
        }
      }
    }
  }
  return {
    workflowsSampled: sampled,
    workflowsNotStarted: notStarted,
    signals,
    workflowTasks: wftRun.length,
    workflowTasksTimedOut: timedOut,
    workflowTasksStickyTimedOut: stickyTimedOut,
    workflowTasksFailed: failed,
    activities: actRun.length,
    workflowTaskQueueMs: summarize(wftQueue),
    workflowTaskRunMs: summarize(wftRun),
    activityQueueMs: summarize(actQueue),
    activityRunMs: summarize(actRun),
    signalToAppliedMs: summarize(signalToApplied),
  };
}

export interface CpuPerItem {
  /** Core-milliseconds per item, by component (the machine's other load excluded). */
  ms: Record<Exclude<CpuGroup, 'other'>, number>;
  totalMs: number;
  /** Items per second the stack could reach if it had every core to itself and were CPU-bound. */
  cpuBoundPerSecond: number;
}

/** What one item (interaction, signal, workflow) cost in CPU: a figure other users of the machine barely move. */
export function cpuPerItem(cpu: CpuUsage, items: number, cores = os.availableParallelism()): CpuPerItem {
  const groups = ['bench', 'worker', 'temporal', 'postgres'] as const;
  const ms = Object.fromEntries(
    groups.map((g) => [g, round((cpu.coreSeconds[g] * 1000) / items, 2)]),
  ) as CpuPerItem['ms'];
  const totalMs = round(
    groups.reduce((s, g) => s + ms[g], 0),
    2,
  );
  return { ms, totalMs, cpuBoundPerSecond: round((cores * 1000) / totalMs) };
}
