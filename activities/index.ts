import type { Db } from '../db/pool';
import { createApplyScoringRules } from './apply-scoring-rules';

/** Activities get their dependencies here, so tests and the worker hand in their own. */
export function createActivities({ db }: { db: Db }) {
  return {
    applyScoringRules: createApplyScoringRules(db),
  };
}
