import type { Client, WorkflowExecutionInfo } from '@temporalio/client';
import { AUTOMATIONS } from '../domain/automations/catalog';
import {
  accountAttribute,
  automationAttribute,
  automationOutcomeAttribute,
  automationStepAttribute,
  contactAttribute,
  triggerAttribute,
} from '../workflows/search-attributes';

/** Automation runs as Temporal's visibility lists them (workflows/automations/start-automation.ts starts them). */

export interface AutomationRunFilter {
  accountId: string;
  triggerId?: string | undefined;
  contactId?: string | undefined;
}

export interface AutomationRunInfo {
  workflowId: string;
  runId: string;
  automation: string | null;
  triggerId: string | null;
  contactId: string | null;
  status: string;
  step: string | null;
  outcome: string | null;
  startedAt: Date;
  closedAt: Date | null;
}

/** A visibility query string literal: backslashes and double quotes escaped. */
const literal = (value: string) => `"${value.replace(/[\\"]/g, (c) => `\\${c}`)}"`;

/** The query for one account's automation runs, narrowed to a trigger or contact when given. */
export function automationRunQuery(filter: AutomationRunFilter): string {
  const types = AUTOMATIONS.map((a) => literal(a.workflowType)).join(', ');
  return [
    `${accountAttribute.name} = ${literal(filter.accountId)}`,
    `WorkflowType IN (${types})`,
    ...(filter.triggerId ? [`${triggerAttribute.name} = ${literal(filter.triggerId)}`] : []),
    ...(filter.contactId ? [`${contactAttribute.name} = ${literal(filter.contactId)}`] : []),
  ].join(' AND ');
}

function toRun(info: WorkflowExecutionInfo): AutomationRunInfo {
  const attrs = info.typedSearchAttributes;
  return {
    workflowId: info.workflowId,
    runId: info.runId,
    automation: attrs.get(automationAttribute) ?? null,
    triggerId: attrs.get(triggerAttribute) ?? null,
    contactId: attrs.get(contactAttribute) ?? null,
    status: info.status.name,
    step: attrs.get(automationStepAttribute) ?? null,
    outcome: attrs.get(automationOutcomeAttribute) ?? null,
    startedAt: info.startTime,
    closedAt: info.closeTime ?? null,
  };
}

/** The newest `limit` runs (visibility lists newest first). */
export async function listAutomationRuns(
  client: Client,
  filter: AutomationRunFilter,
  limit: number,
): Promise<AutomationRunInfo[]> {
  const runs: AutomationRunInfo[] = [];
  for await (const info of client.workflow.list({ query: automationRunQuery(filter), pageSize: limit })) {
    runs.push(toRun(info));
    if (runs.length >= limit) break;
  }
  return runs;
}

export async function countAutomationRuns(client: Client, filter: AutomationRunFilter): Promise<number> {
  return (await client.workflow.count(automationRunQuery(filter))).count;
}
