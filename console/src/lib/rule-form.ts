import { ruleListSchema, type Rule } from '../../../domain/rule';

/**
 * The draft editor's rows ↔ rules. Validation is the API's own: domain/rule.ts's schemas, bundled
 * into the console, so a form that passes here passes PUT /profiles/{id}/draft/rules (pure:
 * unit-tested in test/unit/console-rule-form.test.ts).
 */

export interface RuleRow {
  id: string;
  description: string;
  interactionType: string;
  points: string;
  maxCount: string;
  windowDays: string;
  expiresAfterDays: string;
  /** The criteria as JSON: [{"attribute": "plan", "op": "equals", "value": "pro"}]. */
  criteria: string;
}

export const RULE_FIELDS = [
  'id',
  'description',
  'interactionType',
  'points',
  'maxCount',
  'windowDays',
  'expiresAfterDays',
  'criteria',
] as const;

export const emptyRuleRow = (): RuleRow => ({
  id: '',
  description: '',
  interactionType: '',
  points: '',
  maxCount: '',
  windowDays: '',
  expiresAfterDays: '',
  criteria: '[]',
});

const text = (v: number | undefined) => (v === undefined ? '' : String(v));

export function rowOf(rule: Rule): RuleRow {
  return {
    id: rule.id,
    description: rule.description ?? '',
    interactionType: rule.interactionType,
    points: String(rule.points),
    maxCount: text(rule.maxCount),
    windowDays: text(rule.windowDays),
    expiresAfterDays: text(rule.expiresAfterDays),
    criteria: JSON.stringify(rule.criteria ?? []),
  };
}

/** A number when the text is one, else the text itself, for the schema to refuse by name. */
const numberOrText = (s: string): number | string => {
  const t = s.trim();
  return t !== '' && Number.isFinite(Number(t)) ? Number(t) : t;
};

/** Errors by "<row index>.<field>", as the form shows them beside each field. */
export type RowErrors = Record<string, string>;

export function rulesOf(rows: readonly RuleRow[]): { rules?: Rule[]; errors: RowErrors } {
  const errors: RowErrors = {};
  const candidates = rows.map((row, i) => {
    let criteria: unknown = [];
    try {
      criteria = row.criteria.trim() ? JSON.parse(row.criteria) : [];
    } catch {
      errors[`${i}.criteria`] =
        'not valid JSON: a list like [{"attribute": "plan", "op": "equals", "value": "pro"}]';
    }
    return {
      id: row.id.trim(),
      ...(row.description.trim() && { description: row.description.trim() }),
      interactionType: row.interactionType.trim(),
      criteria,
      points: numberOrText(row.points),
      ...(row.maxCount.trim() && { maxCount: numberOrText(row.maxCount) }),
      ...(row.windowDays.trim() && { windowDays: numberOrText(row.windowDays) }),
      ...(row.expiresAfterDays.trim() && { expiresAfterDays: numberOrText(row.expiresAfterDays) }),
    };
  });
  const result = ruleListSchema.safeParse(candidates);
  if (!result.success) {
    for (const issue of result.error.issues) {
      const [index, field] = issue.path;
      const key =
        typeof index === 'number' ? `${index}.${typeof field === 'string' ? field : 'id'}` : 'rules';
      errors[key] ??= issue.message;
    }
  }
  if (Object.keys(errors).length > 0 || !result.success) return { errors };
  return { rules: result.data, errors };
}
