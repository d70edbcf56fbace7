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

/** Scores were recomputed outside the workflow (a re-score after publishing): re-read them. */
export const refreshScoresSignal = defineSignal('refreshScores');

export interface RescoreProgress {
  accountId: string;
  profileId: string;
  version: number;
  total: number;
  done: number;
  rescored: number;
  startedAt: number;
  /** Contacts per second since the start. */
  rate: number;
  etaSeconds: number | null;
  state: 'running' | 'finished' | 'superseded';
}
export const rescoreProgressQuery = defineQuery<RescoreProgress>('rescoreProgress');
