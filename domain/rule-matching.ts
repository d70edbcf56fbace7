import type { AttributeValue } from './interaction';
import type { Criterion, Rule } from './rule';

/** The part of an interaction that rules look at. */
export interface ScorableInteraction {
  id: string;
  type: string;
  attributes: Record<string, AttributeValue>;
  /** ISO 8601; what rule caps (windowDays) and expiry (expiresAfterDays) are measured from. */
  occurredAt?: string;
}

export interface RuleHit {
  ruleId: string;
  points: number;
}

/** Numbers may arrive as strings from form posts and webhooks ("49.90"): accept those, nothing else. */
function asNumber(value: AttributeValue | undefined): number | undefined {
  if (typeof value === 'number') return value;
  if (typeof value === 'string' && value.trim() !== '') {
    const n = Number(value);
    return Number.isFinite(n) ? n : undefined;
  }
  return undefined;
}

function asText(value: AttributeValue | undefined): string | undefined {
  if (value === undefined || value === null) return undefined;
  return String(value).toLowerCase();
}

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Text comparisons ignore case: tags and keywords are typed by people ("VIP", "vip"). */
export function matchesCriterion(criterion: Criterion, attributes: Record<string, AttributeValue>): boolean {
  const actual = attributes[criterion.attribute];
  const expected = criterion.value;
  switch (criterion.op) {
    case 'exists':
      return actual !== undefined && actual !== null;
    case 'equals':
    case 'not_equals': {
      const equal =
        typeof expected === 'number'
          ? asNumber(actual) === expected
          : typeof expected === 'boolean'
            ? actual === expected
            : asText(actual) === asText(expected);
      return criterion.op === 'equals' ? equal : !equal;
    }
    case 'contains': {
      const text = asText(actual);
      return text !== undefined && text.includes(String(expected).toLowerCase());
    }
    case 'contains_word': {
      const text = asText(actual);
      if (text === undefined) return false;
      return new RegExp(
        `(^|[^\\p{L}\\p{N}])${escapeRegExp(String(expected).toLowerCase())}($|[^\\p{L}\\p{N}])`,
        'u',
      ).test(text);
    }
    case 'gt':
    case 'gte':
    case 'lt':
    case 'lte': {
      const n = asNumber(actual);
      if (n === undefined || typeof expected !== 'number') return false;
      if (criterion.op === 'gt') return n > expected;
      if (criterion.op === 'gte') return n >= expected;
      if (criterion.op === 'lt') return n < expected;
      return n <= expected;
    }
  }
}

export function matchesRule(rule: Rule, interaction: ScorableInteraction): boolean {
  return (
    rule.interactionType === interaction.type &&
    rule.criteria.every((criterion) => matchesCriterion(criterion, interaction.attributes))
  );
}

/** Every matching rule counts: a VIP tag can earn both "any tag added" and "VIP tag added". */
export function scoreInteraction(rules: readonly Rule[], interaction: ScorableInteraction): RuleHit[] {
  return rules
    .filter((rule) => matchesRule(rule, interaction))
    .map((rule) => ({ ruleId: rule.id, points: rule.points }));
}
