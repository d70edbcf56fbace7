import {
  addRule,
  MAX_RULES_PER_PROFILE,
  removeRule,
  reorderRules,
  replaceRule,
} from '../../domain/draft-rules';
import { aRule } from '../support/builders';

const ids = (result: ReturnType<typeof addRule>) =>
  result.ok ? result.rules.map((r) => r.id) : result.reason;

describe('draft rule edits', () => {
  const draft = [aRule({ id: 'a' }), aRule({ id: 'b' }), aRule({ id: 'c' })];

  it('when a rule is added, then it goes last; a taken id or a full draft is refused', () => {
    expect(ids(addRule(draft, aRule({ id: 'd' })))).toEqual(['a', 'b', 'c', 'd']);
    expect(ids(addRule(draft, aRule({ id: 'b' })))).toBe('duplicate_rule_id');
    const full = Array.from({ length: MAX_RULES_PER_PROFILE }, (_, i) => aRule({ id: `r${i}` }));
    expect(ids(addRule(full, aRule({ id: 'one-more' })))).toBe('too_many_rules');
  });

  it('when a rule is replaced, then it keeps its place; an unknown id is refused', () => {
    const result = replaceRule(draft, 'b', aRule({ id: 'b', points: 7 }));
    expect(result.ok && result.rules.map((r) => [r.id, r.points])).toEqual([
      ['a', 1],
      ['b', 7],
      ['c', 1],
    ]);
    expect(ids(replaceRule(draft, 'zz', aRule({ id: 'zz' })))).toBe('rule_not_found');
    expect(ids(replaceRule(draft, 'b', aRule({ id: 'c' })))).toBe('duplicate_rule_id');
  });

  it('when a rule is removed, then the others keep their order', () => {
    expect(ids(removeRule(draft, 'b'))).toEqual(['a', 'c']);
    expect(ids(removeRule(draft, 'zz'))).toBe('rule_not_found');
  });

  it('when reordered, then the ids must be a permutation of the draft', () => {
    expect(ids(reorderRules(draft, ['c', 'a', 'b']))).toEqual(['c', 'a', 'b']);
    expect(ids(reorderRules(draft, ['c', 'a']))).toBe('not_a_permutation');
    expect(ids(reorderRules(draft, ['c', 'a', 'b', 'x']))).toBe('not_a_permutation');
    expect(ids(reorderRules(draft, ['c', 'a', 'a']))).toBe('not_a_permutation');
    expect(ids(reorderRules([], []))).toEqual([]);
  });
});
