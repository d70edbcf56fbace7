import { proxyActivities, proxyLocalActivities } from '@temporalio/workflow';
import { ActivityCancellationType, type ActivityOptions } from '@temporalio/common';
import { ACTION_VALIDATION_ERROR, type ActionActivities } from '../../domain/action-activities';
import { oneLine } from '../../domain/execution-summaries';

/**
 * The one activity setup all automations share. Every action is idempotent by its actionKey,
 * so retrying is always safe: keep trying with backoff (a mail or SMS provider being away is
 * the common failure), except for actions that can never succeed.
 */
const actionOptions: ActivityOptions = {
  startToCloseTimeout: '30 seconds',
  retry: {
    initialInterval: '1 second',
    backoffCoefficient: 2,
    maximumInterval: '1 minute',
    nonRetryableErrorTypes: [ACTION_VALIDATION_ERROR],
  },
  // A cancelled automation waits for the action under way to finish (actions do not heartbeat, so
  // it runs to its end) instead of abandoning it: its outcome is recorded, never half a send.
  cancellationType: ActivityCancellationType.WAIT_CANCELLATION_COMPLETED,
};

export const actions = proxyActivities<ActionActivities>(actionOptions);

/**
 * The same actions, each call labelled in the workflow's history with `summary` (the Temporal
 * UI's timeline shows it): "Send reward email", "Text the follow-up SMS"; without one, `actions`.
 */
export function actionsSummarised(summary: string | undefined): ActionActivities {
  return summary === undefined
    ? actions
    : proxyActivities<ActionActivities>({ ...actionOptions, summary: oneLine(summary) });
}

/**
 * The same actions as local activities: run by the worker inside the automation's own workflow
 * task, for steps that only write Pulse's database (tags, campaigns, segmentation). Such a step
 * then costs no activity task and no second workflow task: a one-step automation starts and ends
 * in one workflow task. Still retried with the same backoff (past a minute the retries wait on
 * durable timers) and still idempotent by actionKey: a worker lost mid-step re-runs it whole.
 */
export function localActionsSummarised(summary: string | undefined): ActionActivities {
  return proxyLocalActivities<ActionActivities>({
    ...actionOptions,
    ...(summary === undefined ? {} : { summary: oneLine(summary) }),
  });
}

/**
 * Webhooks reach someone else's server, which may be down for a while: back off up to 10 minutes
 * between tries and give up after 20 (about three hours), the record left 'pending' with the last
 * error. A 4xx or a refused address is final at once (WebhookRejected, thrown non-retryable).
 */
export function webhookActions(summary: string): Pick<ActionActivities, 'sendWebhook'> {
  return proxyActivities<ActionActivities>({
    ...actionOptions,
    retry: { ...actionOptions.retry, maximumInterval: '10 minutes', maximumAttempts: 20 },
    summary: oneLine(summary),
  });
}
