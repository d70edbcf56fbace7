import { matchesCriterion, matchesRule, scoreInteraction } from '../../domain/rule-matching';
import { ruleSchema } from '../../domain/rule';
import { DEFAULT_RULES } from '../../domain/default-rules';
import { aRule, anInteraction } from '../support/builders';

describe('rule matching', () => {
  describe('by interaction type', () => {
    it('matches a rule of the same type and no criteria', () => {
      expect(
        matchesRule(aRule({ interactionType: 'email_opened' }), anInteraction({ type: 'email_opened' })),
      ).toBe(true);
    });
    it('does not match another type', () => {
      expect(
        matchesRule(aRule({ interactionType: 'email_opened' }), anInteraction({ type: 'email_clicked' })),
      ).toBe(false);
    });
    it('matches custom types like built-in ones', () => {
      expect(
        matchesRule(
          aRule({ interactionType: 'webinar_attended' }),
          anInteraction({ type: 'webinar_attended' }),
        ),
      ).toBe(true);
    });
  });

  describe('criteria', () => {
    const attrs = {
      tag: 'VIP',
      text: 'Could you send Pricing details?',
      amount: '49.90',
      formId: 'demo-request',
      trial: true,
    };

    it.each([
      ['equals ignores case', { attribute: 'tag', op: 'equals', value: 'vip' }, true],
      ['equals fails on another value', { attribute: 'tag', op: 'equals', value: 'lead' }, false],
      ['equals on a missing attribute fails', { attribute: 'nope', op: 'equals', value: 'vip' }, false],
      ['not_equals', { attribute: 'tag', op: 'not_equals', value: 'lead' }, true],
      ['not_equals on the same value', { attribute: 'tag', op: 'not_equals', value: 'VIP' }, false],
      [
        'contains is a case-insensitive substring',
        { attribute: 'text', op: 'contains', value: 'pric' },
        true,
      ],
      ['contains misses', { attribute: 'text', op: 'contains', value: 'refund' }, false],
      [
        'contains_word finds a whole word',
        { attribute: 'text', op: 'contains_word', value: 'pricing' },
        true,
      ],
      [
        'contains_word ignores part of a word',
        { attribute: 'text', op: 'contains_word', value: 'pric' },
        false,
      ],
      ['gte reads numeric strings', { attribute: 'amount', op: 'gte', value: 49.9 }, true],
      ['gt is strict', { attribute: 'amount', op: 'gt', value: 49.9 }, false],
      ['lt', { attribute: 'amount', op: 'lt', value: 50 }, true],
      ['lte at the bound', { attribute: 'amount', op: 'lte', value: 49.9 }, true],
      ['a number comparison on text fails', { attribute: 'tag', op: 'gte', value: 1 }, false],
      ['equals a number', { attribute: 'amount', op: 'equals', value: 49.9 }, true],
      ['equals a boolean', { attribute: 'trial', op: 'equals', value: true }, true],
      ['exists', { attribute: 'formId', op: 'exists' }, true],
      ['exists on a missing attribute', { attribute: 'nope', op: 'exists' }, false],
    ] as const)('%s', (_name, criterion, expected) => {
      expect(matchesCriterion(criterion, attrs)).toBe(expected);
    });

    it('requires every criterion of a rule', () => {
      const rule = aRule({
        interactionType: 'payment_succeeded',
        criteria: [
          { attribute: 'amount', op: 'gte', value: 100 },
          { attribute: 'currency', op: 'equals', value: 'EUR' },
        ],
      });
      expect(
        matchesRule(
          rule,
          anInteraction({ type: 'payment_succeeded', attributes: { amount: 120, currency: 'eur' } }),
        ),
      ).toBe(true);
      expect(
        matchesRule(
          rule,
          anInteraction({ type: 'payment_succeeded', attributes: { amount: 120, currency: 'USD' } }),
        ),
      ).toBe(false);
      expect(
        matchesRule(
          rule,
          anInteraction({ type: 'payment_succeeded', attributes: { amount: 80, currency: 'EUR' } }),
        ),
      ).toBe(false);
    });
  });

  describe('scoring an interaction', () => {
    it('counts every matching rule', () => {
      const rules = [
        aRule({ id: 'any-tag', interactionType: 'tag_added', points: 2 }),
        aRule({
          id: 'vip',
          interactionType: 'tag_added',
          criteria: [{ attribute: 'tag', op: 'equals', value: 'vip' }],
          points: 15,
        }),
        aRule({ id: 'opened', interactionType: 'email_opened', points: 1 }),
      ];
      expect(
        scoreInteraction(rules, anInteraction({ type: 'tag_added', attributes: { tag: 'vip' } })),
      ).toEqual([
        { ruleId: 'any-tag', points: 2 },
        { ruleId: 'vip', points: 15 },
      ]);
    });

    it('subtracts for negative rules such as all DND channels enabled', () => {
      expect(scoreInteraction(DEFAULT_RULES, anInteraction({ type: 'dnd_all_enabled' }))).toEqual([
        { ruleId: 'dnd-all', points: -25 },
      ]);
    });
  });

  describe('rule validation', () => {
    it('names the bad field of a criterion', () => {
      const result = ruleSchema.safeParse({
        id: 'r1',
        interactionType: 'payment_succeeded',
        criteria: [{ attribute: 'amount', op: 'gte', value: 'lots' }],
        points: 5,
      });
      expect(result.success).toBe(false);
      expect(result.error!.issues.map((i) => i.path.join('.'))).toContain('criteria.0.value');
    });

    it('refuses zero points', () => {
      const result = ruleSchema.safeParse({ id: 'r1', interactionType: 'email_opened', points: 0 });
      expect(result.error!.issues[0]!.path).toEqual(['points']);
    });

    it('accepts the default rules', () => {
      for (const rule of DEFAULT_RULES) expect(ruleSchema.safeParse(rule).success).toBe(true);
    });
  });
});
