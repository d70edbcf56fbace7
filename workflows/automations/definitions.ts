import { defineQuery, defineSignal } from '@temporalio/workflow';
import type { AutomationStatus } from '../../domain/automation-status';

/** Defined once, used by every automation and by every caller. */

/** Steps done, skipped (with reasons) and where the automation is now. */
export const automationStatusQuery = defineQuery<AutomationStatus>('automationStatus');

/**
 * The contact turned on do-not-disturb for all channels: the automation stops before its next
 * send. The contact workflow signals its running automations; action activities also check the
 * contact's channels at send time, so a send already under way is covered too.
 */
export const dndEnabledSignal = defineSignal('dndEnabled');
