import {
  ActivityFailure,
  ApplicationFailure,
  condition,
  log,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import type { z } from 'zod';
import { actionKey, type ActionOutcome, type AutomationInput } from '../../domain/actions';
import {
  stoppedReason,
  type AutomationStatus,
  type AutomationStepRecord,
  type AutomationStopReason,
} from '../../domain/automation-status';
import { automationStatusQuery, dndEnabledSignal } from './definitions';
import type { AutomationDeclaration } from '../../domain/automations/declare';

/** Thrown by `stop()` to end the automation early; `run()` catches it and never lets it out. */
class AutomationStopped extends Error {
  override name = 'AutomationStopped';
  constructor(readonly reason: AutomationStopReason) {
    super(`stopped: ${reason}`);
  }
}

type StepRecord = Omit<AutomationStepRecord, 'at' | 'step'>;

/**
 * The part every automation shares: the status query, the do-not-disturb signal, idempotency
 * keys and step bookkeeping. Call `beginAutomation` first thing in the workflow (it registers the
 * handlers), then do the steps inside `run`.
 *
 * - `send` is for steps that reach the contact (email, SMS, a task for someone to get in touch):
 *   after the do-not-disturb signal, the automation stops there instead.
 * - `act` is for steps that do not (tags, campaigns): they run whatever the contact's channels.
 * - `wait` is a durable timer that the do-not-disturb signal cuts short, stopping the automation.
 * - `stop` ends early; every planned step not reached is recorded as skipped, `stopped: <reason>`.
 */
export interface AutomationRun {
  readonly status: AutomationStatus;
  readonly contact: { accountId: string; contactId: string };
  key(step: string): string;
  send(step: string, call: (actionKey: string) => Promise<ActionOutcome>): Promise<ActionOutcome>;
  act(step: string, call: (actionKey: string) => Promise<ActionOutcome>): Promise<ActionOutcome>;
  wait(step: string, ms: number, detail: string): Promise<void>;
  done(step: string, detail?: string): void;
  skip(step: string, reason: string, detail?: string): void;
  /** Skips every planned step not reached yet; the automation then ends as completed. */
  skipRest(reason: string, detail?: string): void;
  stop(reason: AutomationStopReason, detail?: string): never;
  run(body: () => Promise<void>): Promise<AutomationStatus>;
}

/**
 * The trigger's input with the automation's defaults filled in. The API checked it when the
 * trigger was saved; input that a later release no longer accepts fails the automation at once.
 */
export function readParams<P extends z.ZodType>(
  declaration: AutomationDeclaration<string, string, P>,
  input: AutomationInput,
): z.output<P> {
  const parsed = declaration.params.safeParse(input.params);
  if (parsed.success) return parsed.data;
  const problem = parsed.error.issues[0]!;
  throw ApplicationFailure.nonRetryable(
    `${declaration.name}: input.${problem.path.join('.')}: ${problem.message}`,
    'InvalidAutomationParams',
  );
}

export function beginAutomation(
  declaration: AutomationDeclaration,
  input: AutomationInput,
  plannedSteps: readonly string[],
): AutomationRun {
  const automation = declaration.name;
  const status: AutomationStatus = { automation, phase: 'running', dndAll: false, steps: [] };
  const recorded = new Set<string>();
  const workflowId = workflowInfo().workflowId;

  setHandler(automationStatusQuery, () => status);
  setHandler(dndEnabledSignal, () => {
    status.dndAll = true;
  });

  function record(step: string, entry: StepRecord): void {
    recorded.add(step);
    status.steps.push({ step, ...entry, at: new Date().toISOString() });
  }

  function skipRest(reason: string, detail?: string): void {
    for (const step of plannedSteps) {
      if (!recorded.has(step))
        record(step, { status: 'skipped', reason, ...(detail === undefined ? {} : { detail }) });
    }
  }

  function stop(reason: AutomationStopReason, detail?: string): never {
    log.info('automation stopped', { automation, reason, detail });
    status.stopReason = reason;
    throw new AutomationStopped(reason);
  }

  async function act(step: string, call: (key: string) => Promise<ActionOutcome>): Promise<ActionOutcome> {
    const key = actionKey(workflowId, step);
    try {
      const outcome = await call(key);
      record(
        step,
        outcome.status === 'done'
          ? {
              status: 'done',
              actionKey: key,
              ...(outcome.detail === undefined ? {} : { detail: outcome.detail }),
            }
          : { status: 'skipped', actionKey: key, reason: outcome.reason },
      );
      return outcome;
    } catch (err) {
      // Retries are over (a non-retryable ActionValidationError, or a timeout): say which step, then fail.
      if (err instanceof ActivityFailure) {
        record(step, { status: 'failed', actionKey: key, reason: err.cause?.message ?? err.message });
      }
      throw err;
    }
  }

  return {
    status,
    contact: { accountId: input.accountId, contactId: input.contactId },
    key: (step) => actionKey(workflowId, step),
    act,
    async send(step, call) {
      if (status.dndAll) {
        record(step, { status: 'skipped', reason: stoppedReason('dnd_all') });
        stop('dnd_all', `before ${step}`);
      }
      return act(step, call);
    },
    async wait(step, ms, detail) {
      status.phase = 'waiting';
      status.waitingUntil = new Date(Date.now() + ms).toISOString();
      // A durable timer (condition's timeout is a `sleep`) that the do-not-disturb signal ends early.
      const interrupted = await condition(() => status.dndAll, ms);
      status.phase = 'running';
      delete status.waitingUntil;
      if (interrupted) {
        record(step, { status: 'skipped', reason: stoppedReason('dnd_all'), detail });
        stop('dnd_all', `during ${step}`);
      }
      record(step, { status: 'done', detail });
    },
    done: (step, detail) => record(step, { status: 'done', ...(detail === undefined ? {} : { detail }) }),
    skip: (step, reason, detail) =>
      record(step, { status: 'skipped', reason, ...(detail === undefined ? {} : { detail }) }),
    skipRest,
    stop,
    async run(body) {
      try {
        await body();
        status.phase = 'completed';
      } catch (err) {
        if (!(err instanceof AutomationStopped)) {
          status.phase = 'failed';
          throw err;
        }
        skipRest(stoppedReason(err.reason));
        status.phase = 'stopped';
      }
      return status;
    },
  };
}
