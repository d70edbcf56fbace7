import type { Client } from '@temporalio/client';
import { contactWorkflowId } from '../domain/ids';
import type { InteractionRef } from '../domain/scoring-messages';
import { interactionsReceivedSignal } from '../workflows/definitions';
import { accountAttribute, contactAttribute } from '../workflows/search-attributes';
import type { contactScoringWorkflow } from '../workflows';

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
      workflowId: contactWorkflowId(accountId, contactId),
      taskQueue,
      args: [{ accountId, contactId }],
      signal: interactionsReceivedSignal,
      signalArgs: [refs],
      typedSearchAttributes: [
        { key: accountAttribute, value: accountId },
        { key: contactAttribute, value: contactId },
      ],
    },
  );
}
