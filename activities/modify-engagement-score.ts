import { Context } from '@temporalio/activity';
import { deliverInteractions } from '../clients/contact-workflow';
import { insertInteractions } from '../db/interactions';
import type { Db } from '../db/pool';
import type { ActionOutcome, ModifyScoreAction } from '../domain/actions';
import { SCORE_ADJUSTMENT_TYPE } from '../domain/score-computation';

/**
 * The "modify engagement score" action. The change is not written here: it is stored as an
 * adjustment interaction keyed by the action key and handed to the contact's workflow, which
 * applies it, ledgers it and evaluates triggers like any other change. A retry stores nothing new.
 */
export function createModifyEngagementScore(db: Db) {
  return async function modifyEngagementScore(action: ModifyScoreAction): Promise<ActionOutcome> {
    const interaction = {
      id: `auto:${action.actionKey}`,
      type: SCORE_ADJUSTMENT_TYPE,
      occurredAt: new Date().toISOString(),
      attributes: {
        profileId: action.profileId,
        points: action.points,
        reason: action.reason,
        actor: action.actionKey,
      },
    };
    await insertInteractions(db, action.accountId, action.contactId, [interaction]);
    const { client, info } = Context.current();
    await deliverInteractions(client, info.taskQueue, action.accountId, action.contactId, [
      { id: interaction.id, type: interaction.type, occurredAt: interaction.occurredAt },
    ]);
    return {
      status: 'done',
      actionKey: action.actionKey,
      detail: `${action.points > 0 ? '+' : ''}${action.points} on ${action.profileId}`,
    };
  };
}
