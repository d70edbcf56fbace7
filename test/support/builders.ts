import { randomUUID } from 'node:crypto';
import type { Interaction } from '../../domain/interaction';
import type { Rule } from '../../domain/rule';

let counter = 0;
const nextId = (prefix: string) =>
  `${prefix}-${Date.now().toString(36)}-${(counter++).toString(36)}-${randomUUID().slice(0, 8)}`;

export function anInteraction(overrides: Partial<Interaction> = {}): Interaction {
  return {
    id: nextId('int'),
    type: 'email_opened',
    occurredAt: new Date().toISOString(),
    attributes: {},
    ...overrides,
  };
}

export function aRule(overrides: Partial<Rule> = {}): Rule {
  return { id: nextId('rule'), interactionType: 'email_opened', criteria: [], points: 1, ...overrides };
}

export const uniqueId = (prefix: string) => nextId(prefix);

/** A trigger that starts the reward automation when the engagement score reaches `value`. */
export const aRewardTrigger = (value: number, extra: Record<string, unknown> = {}) => ({
  id: 'reward',
  profileId: 'engagement',
  condition: { op: 'gte', value },
  reentry: { policy: 'always' },
  automation: 'reward_offer',
  input: { tag: 'rewarded' },
  ...extra,
});
