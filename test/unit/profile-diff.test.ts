import { diffRuleSets, isEmptyDiff } from '../../domain/profile-diff';
import type { Rule } from '../../domain/rule';

const rule = (id: string, overrides: Partial<Rule> = {}): Rule => ({
  id,
  interactionType: 'email_opened',
  criteria: [],
  points: 1,
  ...overrides,
});

describe('diffRuleSets', () => {
  it('when there is no previous version, then every rule is added and the bounds are set from nothing', () => {
    const diff = diffRuleSets(undefined, { rules: [rule('a'), rule('b')], floor: 0 });
    expect(diff).toEqual({
      added: [rule('a'), rule('b')],
      removed: [],
      changed: [],
      reordered: false,
      floor: { before: null, after: 0 },
    });
  });

  it('when rules are added, removed and edited, then each is listed, an edit with the fields that differ and both sides', () => {
    const before = { rules: [rule('keep'), rule('drop'), rule('edit', { points: 2 })] };
    const after = {
      rules: [
        rule('keep'),
        rule('edit', {
          points: 5,
          criteria: [{ attribute: 'tag', op: 'equals', value: 'vip' }],
          maxCount: 1,
        }),
        rule('new', { interactionType: 'form_submitted' }),
      ],
    };
    const diff = diffRuleSets(before, after);
    expect(diff.added.map((r) => r.id)).toEqual(['new']);
    expect(diff.removed.map((r) => r.id)).toEqual(['drop']);
    expect(diff.changed).toEqual([
      {
        ruleId: 'edit',
        fields: ['criteria', 'points', 'maxCount'],
        before: before.rules[2],
        after: after.rules[1],
      },
    ]);
    expect(diff.reordered).toBe(false);
    expect(isEmptyDiff(diff)).toBe(false);
  });

  it('when the same rules come with their keys in another order, then nothing changed', () => {
    const a = rule('a', { criteria: [{ attribute: 'x', op: 'equals', value: 1 }] });
    const shuffled = JSON.parse(
      '{"points":1,"criteria":[{"value":1,"op":"equals","attribute":"x"}],"interactionType":"email_opened","id":"a"}',
    ) as Rule;
    const diff = diffRuleSets({ rules: [a] }, { rules: [shuffled] });
    expect(isEmptyDiff(diff)).toBe(true);
  });

  it('when only the order of the kept rules changes, then the diff says reordered and nothing else', () => {
    const diff = diffRuleSets(
      { rules: [rule('a'), rule('b'), rule('c')] },
      { rules: [rule('c'), rule('a'), rule('b')] },
    );
    expect(diff).toEqual({ added: [], removed: [], changed: [], reordered: true });
  });

  it('when a rule is removed, then the others keeping their order is not a reorder', () => {
    expect(
      diffRuleSets({ rules: [rule('a'), rule('b'), rule('c')] }, { rules: [rule('a'), rule('c')] }).reordered,
    ).toBe(false);
  });

  it('when floor or ceiling change or are cleared, then each change is listed; null and absent are the same', () => {
    const diff = diffRuleSets({ rules: [], floor: 0, ceiling: 100 }, { rules: [], floor: null, ceiling: 50 });
    expect(diff.floor).toEqual({ before: 0, after: null });
    expect(diff.ceiling).toEqual({ before: 100, after: 50 });
    expect(isEmptyDiff(diffRuleSets({ rules: [], floor: null }, { rules: [] }))).toBe(true);
  });
});
