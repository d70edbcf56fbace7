import type { Rule } from './rule';

/** What a profile version is made of: its rules and the bounds of its score. */
export interface RuleSet {
  rules: readonly Rule[];
  floor?: number | null | undefined;
  ceiling?: number | null | undefined;
}

export interface RuleChange {
  ruleId: string;
  /** The fields that differ, in the rule's own field order (criteria compared as a whole). */
  fields: string[];
  before: Rule;
  after: Rule;
}

export interface BoundChange {
  before: number | null;
  after: number | null;
}

/** A version against the one before it; stored with the version when it is published. */
export interface RuleSetDiff {
  added: Rule[];
  removed: Rule[];
  changed: RuleChange[];
  /** The rules both have are in another order (the order changes no score, only how it reads). */
  reordered: boolean;
  floor?: BoundChange;
  ceiling?: BoundChange;
}

const RULE_FIELDS = [
  'id',
  'description',
  'interactionType',
  'criteria',
  'points',
  'maxCount',
  'windowDays',
  'expiresAfterDays',
] as const;

/** JSON with object keys sorted: two values are equal when they say the same thing. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v !== null && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(
          Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
        )
      : v,
  );
}

function changedFields(before: Rule, after: Rule): string[] {
  const known = new Set<string>(RULE_FIELDS);
  const extra = [...new Set([...Object.keys(before), ...Object.keys(after)])]
    .filter((k) => !known.has(k))
    .sort();
  return [...RULE_FIELDS, ...extra].filter(
    (field) =>
      canonical((before as Record<string, unknown>)[field]) !==
      canonical((after as Record<string, unknown>)[field]),
  );
}

const bound = (value: number | null | undefined): number | null => value ?? null;

/**
 * How `next` differs from `previous` (absent: the first version, whose rules are all added).
 * Rules are matched by id; added and changed rules come in `next`'s order, removed ones in
 * `previous`'s. An empty description and none are different (the API keeps what it is given).
 */
export function diffRuleSets(previous: RuleSet | null | undefined, next: RuleSet): RuleSetDiff {
  const before = new Map((previous?.rules ?? []).map((rule) => [rule.id, rule]));
  const after = new Map(next.rules.map((rule) => [rule.id, rule]));

  const added = next.rules.filter((rule) => !before.has(rule.id));
  const removed = (previous?.rules ?? []).filter((rule) => !after.has(rule.id));
  const changed: RuleChange[] = [];
  for (const rule of next.rules) {
    const old = before.get(rule.id);
    if (!old) continue;
    const fields = changedFields(old, rule);
    if (fields.length > 0) changed.push({ ruleId: rule.id, fields, before: old, after: rule });
  }

  const keptBefore = (previous?.rules ?? []).filter((rule) => after.has(rule.id)).map((rule) => rule.id);
  const keptAfter = next.rules.filter((rule) => before.has(rule.id)).map((rule) => rule.id);
  const reordered = keptBefore.some((id, i) => keptAfter[i] !== id);

  const diff: RuleSetDiff = { added, removed, changed, reordered };
  for (const key of ['floor', 'ceiling'] as const) {
    const was = bound(previous?.[key]);
    const is = bound(next[key]);
    if (was !== is) diff[key] = { before: was, after: is };
  }
  return diff;
}

/** Whether publishing `next` over `previous` would change anything at all. */
export function isEmptyDiff(diff: RuleSetDiff): boolean {
  return (
    diff.added.length === 0 &&
    diff.removed.length === 0 &&
    diff.changed.length === 0 &&
    !diff.reordered &&
    diff.floor === undefined &&
    diff.ceiling === undefined
  );
}
