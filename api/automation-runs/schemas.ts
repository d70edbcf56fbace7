import { z } from 'zod';
import { entityIdSchema } from '../../domain/ids';
import { textInteger } from '../text-integer';

export const MAX_RUNS = 100;

export const runListQuerySchema = z.strictObject({
  triggerId: entityIdSchema.optional().describe('only the runs this trigger started'),
  contactId: entityIdSchema.optional().describe("only this contact's runs"),
  limit: textInteger(z.int().min(1).max(MAX_RUNS)).default(20),
});

const timestamp = z.iso.datetime();

export const automationRunSchema = z.object({
  workflowId: z.string(),
  runId: z.string(),
  automation: z.string().nullable(),
  triggerId: z.string().nullable(),
  contactId: z.string().nullable(),
  status: z
    .string()
    .describe('the execution status in Temporal: RUNNING, COMPLETED, FAILED, CANCELLED, TERMINATED, …'),
  step: z.string().nullable().describe('the step it is at or ended on (PulseAutomationStep)'),
  outcome: z.string().nullable().describe('running, completed, stopped:<reason> or failed (PulseOutcome)'),
  startedAt: timestamp,
  closedAt: timestamp.nullable(),
  actions: z.array(
    z.object({
      step: z.string(),
      kind: z.string().describe('email, sms, tag, task, campaign, …'),
      state: z.enum(['done', 'skipped', 'sending', 'pending']),
      reason: z.string().nullable(),
      detail: z.string().nullable(),
      createdAt: timestamp,
      updatedAt: timestamp,
    }),
  ),
});

export const automationRunListSchema = z.object({ runs: z.array(automationRunSchema) });

export const fireCountsSchema = z.object({
  triggers: z.array(
    z.object({
      triggerId: z.string(),
      fires: z.int().describe('automation runs this trigger started (all time, as Temporal lists them)'),
    }),
  ),
});
