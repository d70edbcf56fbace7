import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type {
  ContactScoreView,
  InteractionRef,
  ScoreAdjustmentRequest,
  ScoreAdjustmentResult,
} from '../domain/scoring-messages';

/** Defined once, used by the workflow and by every caller. */
export const interactionsReceivedSignal = defineSignal<[InteractionRef[]]>('interactionsReceived');
export const contactScoreQuery = defineQuery<ContactScoreView>('contactScore');
/** Changes a score by hand and answers with the new score once it is applied and ledgered. */
export const adjustScoreUpdate = defineUpdate<ScoreAdjustmentResult, [ScoreAdjustmentRequest]>('adjustScore');
