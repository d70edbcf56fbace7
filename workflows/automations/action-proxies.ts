import { proxyActivities } from '@temporalio/workflow';
import { ACTION_VALIDATION_ERROR, type ActionActivities } from '../../domain/action-activities';

/**
 * The one activity setup all automations share. Every action is idempotent by its actionKey,
 * so retrying is always safe: keep trying with backoff (a mail or SMS provider being away is
 * the common failure), except for actions that can never succeed.
 */
export const actions = proxyActivities<ActionActivities>({
  startToCloseTimeout: '30 seconds',
  retry: {
    initialInterval: '1 second',
    backoffCoefficient: 2,
    maximumInterval: '1 minute',
    nonRetryableErrorTypes: [ACTION_VALIDATION_ERROR],
  },
});
