import { WithStartWorkflowOperation, type Client } from '@temporalio/client';
import { contactExecutionText } from '../domain/execution-summaries';
import { contactWorkflowId } from '../domain/ids';
import type {
  ContactScoreView,
  InteractionRef,
  ScoreAdjustmentRequest,
  ScoreAdjustmentResult,
} from '../domain/scoring-messages';
import {
  adjustScoreUpdate,
  contactScoreQuery,
  interactionsReceivedSignal,
  refreshScoresSignal,
} from '../workflows/definitions';
import { accountAttribute, contactAttribute } from '../workflows/search-attributes';
import type { contactScoringWorkflow } from '../workflows';

/**
 * The one gateway to a contact's scoring workflow: its id, its start options and search
 * attributes, and every message callers send it. The API, activities, scripts and tests use it.
 */

export interface ContactRef {
  accountId: string;
  contactId: string;
}

/** How a contact workflow is started, whichever call starts it. */
export function contactWorkflowStart(taskQueue: string, { accountId, contactId }: ContactRef) {
  return {
    workflowId: contactWorkflowId(accountId, contactId),
    taskQueue,
    args: [{ accountId, contactId }] as Parameters<typeof contactScoringWorkflow>,
    typedSearchAttributes: [
      { key: accountAttribute, value: accountId },
      { key: contactAttribute, value: contactId },
    ],
    // What the Temporal UI lists and shows for the execution (set by whichever call starts it).
    ...contactExecutionText(accountId, contactId),
  };
}

/**
 * Starts the contact's workflow if it is not running and signals it. Each call is a new signal,
 * so repeats are expected: the workflow and the ledger both deduplicate by interaction id.
 */
export async function deliverInteractions(
  temporal: Client,
  taskQueue: string,
  accountId: string,
  contactId: string,
  refs: InteractionRef[],
): Promise<void> {
  await temporal.workflow.signalWithStart<typeof contactScoringWorkflow, [InteractionRef[]]>(
    'contactScoringWorkflow',
    {
      ...contactWorkflowStart(taskQueue, { accountId, contactId }),
      signal: interactionsReceivedSignal,
      signalArgs: [refs],
    },
  );
}

/**
 * The ingest's wake-up: the interactions it stored, or, when it stored nothing new (a retry whose
 * first signal was lost), a request for a pass: the workflow ignores ids it has already been
 * told about, yet its wake-up mark (db/wake-requests.ts) is cleared only by a pass.
 */
export async function wakeContact(
  temporal: Client,
  taskQueue: string,
  contact: ContactRef,
  refs: InteractionRef[],
): Promise<void> {
  if (refs.length > 0) {
    await deliverInteractions(temporal, taskQueue, contact.accountId, contact.contactId, refs);
    return;
  }
  await temporal.workflow.signalWithStart<typeof contactScoringWorkflow, []>('contactScoringWorkflow', {
    ...contactWorkflowStart(taskQueue, contact),
    signal: refreshScoresSignal,
    signalArgs: [],
  });
}

/**
 * A manual score change as an update-with-start: answered once the change is applied and
 * ledgered. The update id is the adjustment id, so a retried request is the same update.
 */
export async function adjustScore(
  temporal: Client,
  taskQueue: string,
  contact: ContactRef,
  request: ScoreAdjustmentRequest,
): Promise<ScoreAdjustmentResult> {
  return temporal.workflow.executeUpdateWithStart(adjustScoreUpdate, {
    updateId: request.adjustmentId,
    args: [request],
    startWorkflowOperation: new WithStartWorkflowOperation('contactScoringWorkflow', {
      ...contactWorkflowStart(taskQueue, contact),
      workflowIdConflictPolicy: 'USE_EXISTING',
    }),
  });
}

/** Scores were recomputed outside the workflow (a re-score): one pass picks them up. */
export async function refreshScores(temporal: Client, contact: ContactRef): Promise<void> {
  await contactWorkflowHandle(temporal, contact).signal(refreshScoresSignal);
}

/**
 * Which of these contacts of one account have a running scoring workflow, per visibility (which
 * may lag a start by a moment). Contact ids are entity ids (no quotes), so they go into the query
 * as they are.
 */
export async function runningContactWorkflows(
  temporal: Client,
  accountId: string,
  contactIds: readonly string[],
): Promise<string[]> {
  if (contactIds.length === 0) return [];
  const list = contactIds.map((id) => `'${id}'`).join(', ');
  const running: string[] = [];
  for await (const execution of temporal.workflow.list({
    query:
      `WorkflowType = 'contactScoringWorkflow' AND ExecutionStatus = 'Running' AND ` +
      `${accountAttribute.name} = '${accountId}' AND ${contactAttribute.name} IN (${list})`,
    pageSize: 1000,
  })) {
    const contactId = execution.typedSearchAttributes.get(contactAttribute);
    if (contactId !== undefined) running.push(contactId);
  }
  return running;
}

/** What the workflow holds now (scores, pending work, trigger states, set-aside items). */
export async function readContactWorkflow(temporal: Client, contact: ContactRef): Promise<ContactScoreView> {
  return contactWorkflowHandle(temporal, contact).query(contactScoreQuery);
}

export function contactWorkflowHandle(temporal: Client, { accountId, contactId }: ContactRef) {
  return temporal.workflow.getHandle<typeof contactScoringWorkflow>(contactWorkflowId(accountId, contactId));
}
