import { defineQuery, defineSignal } from '@temporalio/workflow';
import type { ContactScoreView, InteractionRef } from '../domain/scoring-messages';

/** Defined once, used by the workflow and by every caller. */
export const interactionsReceivedSignal = defineSignal<[InteractionRef[]]>('interactionsReceived');
export const contactScoreQuery = defineQuery<ContactScoreView>('contactScore');
