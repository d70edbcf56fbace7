/** The view model of a version's diff (pure: unit-tested in test/unit/console-rule-diff.test.ts). */

interface RuleLike {
  id: string;
  [field: string]: unknown;
}

export interface RuleSetChanges {
  added: RuleLike[];
  removed: RuleLike[];
  changed: { ruleId: string; fields: string[]; before: RuleLike; after: RuleLike }[];
  reordered: boolean;
  floor?: { before: number | null; after: number | null } | undefined;
  ceiling?: { before: number | null; after: number | null } | undefined;
}

export interface DiffRow {
  kind: 'added' | 'removed' | 'changed' | 'bound' | 'reordered';
  subject: string;
  /** One line per field: "points: 5 → 8". */
  lines: string[];
}

const show = (value: unknown): string =>
  value === undefined
    ? '—'
    : value === null
      ? 'none'
      : typeof value === 'string'
        ? value
        : JSON.stringify(value);

const summary = (rule: RuleLike): string[] =>
  Object.entries(rule)
    .filter(([field]) => field !== 'id')
    .filter(([, value]) => !(Array.isArray(value) && value.length === 0))
    .map(([field, value]) => `${field}: ${show(value)}`);

/** Rows in reading order: removed, changed, added rules, then bounds, then "reordered". */
export function diffRows(changes: RuleSetChanges): DiffRow[] {
  const rows: DiffRow[] = [
    ...changes.removed.map((rule) => ({ kind: 'removed' as const, subject: rule.id, lines: summary(rule) })),
    ...changes.changed.map((c) => ({
      kind: 'changed' as const,
      subject: c.ruleId,
      lines: c.fields.map((f) => `${f}: ${show(c.before[f])} → ${show(c.after[f])}`),
    })),
    ...changes.added.map((rule) => ({ kind: 'added' as const, subject: rule.id, lines: summary(rule) })),
  ];
  for (const bound of ['floor', 'ceiling'] as const) {
    const change = changes[bound];
    if (change)
      rows.push({ kind: 'bound', subject: bound, lines: [`${show(change.before)} → ${show(change.after)}`] });
  }
  if (changes.reordered) rows.push({ kind: 'reordered', subject: 'order', lines: ['rules were reordered'] });
  return rows;
}
