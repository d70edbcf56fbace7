import type { Rule } from './rule';

/** As many rules as `ruleListSchema` lets a draft (or a version) hold. */
export const MAX_RULES_PER_PROFILE = 200;

/**
 * Edits of a draft's rule list, one rule at a time. Pure: the caller reads the draft, applies an
 * edit and writes the result back in one transaction. A refused edit says why, so the API can
 * answer 404, 409 or 400 naming the field.
 */
export type DraftEditResult =
  | { ok: true; rules: Rule[] }
  | {
      ok: false;
      reason: 'rule_not_found' | 'duplicate_rule_id' | 'too_many_rules' | 'not_a_permutation';
      message: string;
    };

const refuse = (
  reason: Extract<DraftEditResult, { ok: false }>['reason'],
  message: string,
): DraftEditResult => ({
  ok: false,
  reason,
  message,
});

/** Appends a rule; its id must be new. */
export function addRule(rules: readonly Rule[], rule: Rule): DraftEditResult {
  if (rules.some((r) => r.id === rule.id))
    return refuse('duplicate_rule_id', `rule "${rule.id}" already exists`);
  if (rules.length >= MAX_RULES_PER_PROFILE) {
    return refuse('too_many_rules', `a profile holds at most ${MAX_RULES_PER_PROFILE} rules`);
  }
  return { ok: true, rules: [...rules, rule] };
}

/** Replaces the rule with this id, in place. */
export function replaceRule(rules: readonly Rule[], ruleId: string, rule: Rule): DraftEditResult {
  const i = rules.findIndex((r) => r.id === ruleId);
  if (i < 0) return refuse('rule_not_found', `rule "${ruleId}" does not exist`);
  if (rule.id !== ruleId && rules.some((r) => r.id === rule.id)) {
    return refuse('duplicate_rule_id', `rule "${rule.id}" already exists`);
  }
  return { ok: true, rules: rules.map((r, j) => (j === i ? rule : r)) };
}

export function removeRule(rules: readonly Rule[], ruleId: string): DraftEditResult {
  if (!rules.some((r) => r.id === ruleId)) return refuse('rule_not_found', `rule "${ruleId}" does not exist`);
  return { ok: true, rules: rules.filter((r) => r.id !== ruleId) };
}

/** Puts the rules in the order of `ruleIds`, which must name each rule of the draft exactly once. */
export function reorderRules(rules: readonly Rule[], ruleIds: readonly string[]): DraftEditResult {
  const byId = new Map(rules.map((r) => [r.id, r]));
  const unknown = ruleIds.filter((id) => !byId.has(id));
  if (unknown.length > 0) return refuse('not_a_permutation', `unknown rule ids: ${unknown.join(', ')}`);
  const given = new Set(ruleIds);
  if (given.size !== ruleIds.length) return refuse('not_a_permutation', 'a rule id is given more than once');
  const missing = rules.filter((r) => !given.has(r.id)).map((r) => r.id);
  if (missing.length > 0) return refuse('not_a_permutation', `missing rule ids: ${missing.join(', ')}`);
  return { ok: true, rules: ruleIds.map((id) => byId.get(id)!) };
}
