import { z } from 'zod';
import { moveCampaignMember } from '../../db/campaign-memberships';
import { changeContactTag } from '../../db/contact-tags';
import type { Db, Queryable } from '../../db/pool';
import type { ActionOutcome } from '../../domain/actions';
import { entityIdSchema } from '../../domain/ids';
import { actionBaseSchema, parseInput, runRecordedAction, type ActionKind } from './action-log';

/*
 * Adding a tag, removing it, joining a campaign and leaving it are one action: a single idempotent
 * statement in the action's recorded transaction, whose outcome detail says whether it changed
 * anything. They differ only in their input, their statement and their words.
 */

const tagSchema = actionBaseSchema.extend({ tag: z.string().min(1).max(100) });
const campaignSchema = actionBaseSchema.extend({ campaignId: entityIdSchema });

/** Each action's kind, and its outcome detail when the statement changed something and when not. */
const MEMBERSHIP_ACTIONS = {
  addTag: { kind: 'add_tag', detail: ['added', 'already_tagged'] },
  removeTag: { kind: 'remove_tag', detail: ['removed', 'not_tagged'] },
  // 'added' also when re-added after a removal.
  addToCampaign: { kind: 'add_to_campaign', detail: ['added', 'already_member'] },
  removeFromCampaign: { kind: 'remove_from_campaign', detail: ['removed', 'not_member'] },
} as const satisfies Record<string, { kind: ActionKind; detail: readonly [string, string] }>;

type MembershipActivity = keyof typeof MEMBERSHIP_ACTIONS;

/** `apply` is the statement: true when it changed something. */
function createMembershipAction<S extends z.ZodType<z.infer<typeof actionBaseSchema>>>(
  db: Db,
  activity: MembershipActivity,
  schema: S,
  apply: (tx: Queryable, input: z.infer<S>) => Promise<boolean>,
) {
  const { kind, detail } = MEMBERSHIP_ACTIONS[activity];
  return async (input: z.input<S>): Promise<ActionOutcome> => {
    const parsed = parseInput(schema, input, activity);
    const { actionKey, accountId, contactId } = parsed;
    return runRecordedAction(db, { accountId, actionKey, contactId, kind }, async (tx) => ({
      state: 'done',
      detail: (await apply(tx, parsed)) ? detail[0] : detail[1],
    }));
  };
}

export function createMembershipActions(db: Db) {
  const tagAction = (activity: MembershipActivity, change: 'add' | 'remove') =>
    createMembershipAction(db, activity, tagSchema, (tx, input) => changeContactTag(tx, change, input));
  const campaignAction = (activity: MembershipActivity, move: 'join' | 'leave') =>
    createMembershipAction(db, activity, campaignSchema, (tx, input) => moveCampaignMember(tx, move, input));
  return {
    addTag: tagAction('addTag', 'add'),
    removeTag: tagAction('removeTag', 'remove'),
    addToCampaign: campaignAction('addToCampaign', 'join'),
    removeFromCampaign: campaignAction('removeFromCampaign', 'leave'),
  };
}
