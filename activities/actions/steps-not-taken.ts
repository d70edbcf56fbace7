import { recordStepsNotTaken } from '../../db/action-log';
import type { Db } from '../../db/pool';
import type { StepsNotTaken } from '../../domain/action-activities';

export function createRecordStepsNotTaken(db: Db) {
  return async ({ steps, reason, ...contact }: StepsNotTaken): Promise<void> =>
    recordStepsNotTaken(db, contact, steps, reason);
}
