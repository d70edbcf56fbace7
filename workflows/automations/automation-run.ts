import {
  ActivityFailure,
  ApplicationFailure,
  CancellationScope,
  condition,
  isCancellation,
  log,
  patched,
  setCurrentDetails,
  setHandler,
  TemporalFailure,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { z } from 'zod';
import { actionKey, type ActionOutcome, type AutomationInput } from '../../domain/actions';
import {
  CANCELLED_BY_OPERATOR,
  stoppedReason,
  type AutomationStatus,
  type AutomationStepRecord,
  type AutomationStopReason,
} from '../../domain/automation-status';
import type { ActionActivities } from '../../domain/action-activities';
import type { AutomationDeclaration } from '../../domain/automations/declare';
import { automationCurrentDetails, oneLine } from '../../domain/execution-summaries';
import { automationOutcomeAttribute, automationStepAttribute } from '../search-attributes';
import { actions, actionsSummarised, localActionsSummarised } from './action-proxies';
import { automationStatusQuery, dndEnabledSignal } from './definitions';

/**
 * `act` steps run as local activities. Executions started before (v0.1.0) scheduled them as
 * activities and keep doing so when they replay.
 */
export const ACT_STEPS_AS_LOCAL_ACTIVITIES = 'act-steps-as-local-activities';

/** Thrown by `stop()` to end the automation early; `run()` catches it and never lets it out. */
class AutomationStopped extends Error {
  override name = 'AutomationStopped';
  constructor(readonly reason: AutomationStopReason) {
    super(`stopped: ${reason}`);
  }
}

type StepRecord = Omit<AutomationStepRecord, 'at' | 'step'>;

/** A step's action: called with its idempotency key and the actions labelled with the step's summary. */
export type StepCall = (actionKey: string, labelled: ActionActivities) => Promise<ActionOutcome>;

/**
 * The `PulseOutcome` search attribute: `running` until the automation ends, then `completed`,
 * `stopped:<reason>` (e.g. `stopped:dnd_all`), `cancelled` (by an operator) or `failed`.
 */
export function outcomeOf(status: AutomationStatus): string {
  if (status.phase === 'running' || status.phase === 'waiting') return 'running';
  if (status.phase === 'stopped') return `stopped:${status.stopReason}`;
  return status.phase;
}

/**
 * The part every automation shares: the status query, the do-not-disturb signal, idempotency
 * keys and step bookkeeping. Call `beginAutomation` first thing in the workflow (it registers the
 * handlers), then do the steps inside `run`.
 *
 * - `send` is for steps that reach the contact (email, SMS, a task for someone to get in touch):
 *   after the do-not-disturb signal, the automation stops there instead.
 * - `act` is for steps that do not (tags, campaigns): they run whatever the contact's channels,
 *   and, as they only write Pulse's database, as local activities inside the workflow task.
 * - `wait` is a durable timer that the do-not-disturb signal cuts short, stopping the automation.
 * - `stop` ends early; every planned step not reached is recorded as skipped, `stopped: <reason>`.
 */
export interface AutomationRun {
  readonly status: AutomationStatus;
  readonly contact: { accountId: string; contactId: string };
  key(step: string): string;
  /** `summary` labels the action in the history ("Send reward email"); `call` gets actions carrying it. */
  send(step: string, call: StepCall, summary?: string): Promise<ActionOutcome>;
  /** `send` of an email to the contact: the step most automations begin with. */
  email(step: string, message: { subject: string; text: string }, summary: string): Promise<ActionOutcome>;
  act(step: string, call: StepCall, summary?: string): Promise<ActionOutcome>;
  /** `summary` labels the timer in the history ("Wait 3 days before the SMS"). */
  wait(step: string, ms: number, detail: string, summary?: string): Promise<void>;
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

  let currentStep: string | null = null;

  setHandler(automationStatusQuery, () => status);
  setHandler(dndEnabledSignal, () => {
    status.dndAll = true;
  });

  /** The UI's current details and the step/outcome search attributes follow every change. */
  function show(): void {
    setCurrentDetails(automationCurrentDetails(status, currentStep));
  }

  function enter(step: string): void {
    currentStep = step;
    upsertSearchAttributes([
      { key: automationStepAttribute, value: step },
      { key: automationOutcomeAttribute, value: outcomeOf(status) },
    ]);
    show();
  }

  function finish(): void {
    upsertSearchAttributes([{ key: automationOutcomeAttribute, value: outcomeOf(status) }]);
    show();
  }

  function record(step: string, entry: StepRecord): void {
    recorded.add(step);
    status.steps.push({ step, ...entry, at: new Date().toISOString() });
    show();
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

  /** `act` steps only write Pulse's database, so they run as local activities (see the patch). */
  const inDatabase = (summary?: string) =>
    patched(ACT_STEPS_AS_LOCAL_ACTIVITIES) ? localActionsSummarised(summary) : actionsSummarised(summary);

  async function runStep(
    step: string,
    call: StepCall,
    labelled: (summary?: string) => ActionActivities,
    summary?: string,
  ): Promise<ActionOutcome> {
    const key = actionKey(workflowId, step);
    enter(step);
    try {
      const outcome = await call(key, labelled(summary));
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
      // Retries are over (a non-retryable ActionValidationError, or a timeout): say which step, then
      // fail. An activity's failure comes wrapped in an ActivityFailure; a local activity's as is.
      if (err instanceof ActivityFailure) {
        record(step, { status: 'failed', actionKey: key, reason: err.cause?.message ?? err.message });
      } else if (err instanceof TemporalFailure && !isCancellation(err)) {
        record(step, { status: 'failed', actionKey: key, reason: err.message });
      }
      throw err;
    }
  }

  /**
   * Cancel in the UI (a cancel request): the step under way finished (actions wait for their
   * activity rather than abandon it, so a send is never cut in half); every step not reached is
   * recorded as skipped, here and in automation_actions, even though this workflow is cancelled.
   */
  async function recordCancel(): Promise<void> {
    const notTaken = plannedSteps.filter((step) => !recorded.has(step));
    status.phase = 'cancelled';
    skipRest(CANCELLED_BY_OPERATOR);
    await CancellationScope.nonCancellable(() =>
      actions.recordStepsNotTaken({
        accountId: input.accountId,
        contactId: input.contactId,
        reason: CANCELLED_BY_OPERATOR,
        steps: notTaken.map((step) => ({ step, actionKey: actionKey(workflowId, step) })),
      }),
    );
    finish();
  }

  return {
    status,
    contact: { accountId: input.accountId, contactId: input.contactId },
    key: (step) => actionKey(workflowId, step),
    act: (step, call, summary) => runStep(step, call, inDatabase, summary),
    email(step, message, summary) {
      return this.send(
        step,
        (actionKey, labelled) => labelled.sendEmail({ ...this.contact, actionKey, ...message }),
        summary,
      );
    },
    async send(step, call, summary) {
      if (status.dndAll) {
        record(step, { status: 'skipped', reason: stoppedReason('dnd_all') });
        stop('dnd_all', `before ${step}`);
      }
      // A step reaching outside Pulse (email, SMS, a task someone acts on) is an activity of its own.
      return runStep(step, call, actionsSummarised, summary);
    },
    async wait(step, ms, detail, summary) {
      status.phase = 'waiting';
      status.waitingUntil = new Date(Date.now() + ms).toISOString();
      enter(step);
      // A durable timer (condition's timeout is a `sleep`) that the do-not-disturb signal ends early.
      const interrupted = await condition(() => status.dndAll, ms, {
        summary: oneLine(summary ?? `Wait ${detail}`),
      });
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
      show();
      try {
        await body();
        status.phase = 'completed';
      } catch (err) {
        if (isCancellation(err)) {
          await recordCancel();
          throw err; // the execution ends as Cancelled, as the operator asked
        }
        if (!(err instanceof AutomationStopped)) {
          status.phase = 'failed';
          finish();
          throw err;
        }
        skipRest(stoppedReason(err.reason));
        status.phase = 'stopped';
      }
      finish();
      return status;
    },
  };
}
