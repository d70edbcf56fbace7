import { contactQuery, EMPTY_FILTER, formOf, savedFilterOf } from '../../console/src/lib/contact-filter';
import { progressPercent, progressText } from '../../console/src/lib/rescore-progress';
import { emptyRuleRow, rowOf, rulesOf } from '../../console/src/lib/rule-form';
import { workflowUrl } from '../../console/src/lib/temporal-link';
import { profilePatchOf } from '../../console/src/lib/profile-form';
import { DEFAULT_RULES } from '../../domain/default-rules';
import { contactFilterSchema, contactListQuerySchema } from '../../api/contacts/list-schemas';

describe('console contact filter', () => {
  it('when the form is filled, then the query is one GET /contacts accepts, with blanks left out', () => {
    const query = contactQuery(
      { ...EMPTY_FILTER, profile: 'engagement', minScore: ' 10 ', tags: 'vip, , news', empty: 'false' },
      { limit: 25 },
    );
    expect(query).toBe('profile=engagement&sort=score_desc&minScore=10&empty=false&tag=vip%2Cnews&limit=25');
    const parsed = contactListQuerySchema.parse(Object.fromEntries(new URLSearchParams(query)));
    expect(parsed).toMatchObject({ profile: 'engagement', minScore: 10, empty: false, tag: ['vip', 'news'] });
  });

  it('when a filter is saved and loaded back, then the smart list API accepts it and the form is the same', () => {
    const form = {
      ...EMPTY_FILTER,
      sort: 'score_asc' as const,
      minScore: '-5',
      maxScore: '40',
      tags: 'vip',
      empty: '' as const,
    };
    const saved = savedFilterOf(form);
    expect(contactFilterSchema.parse(saved)).toEqual({
      sort: 'score_asc',
      minScore: -5,
      maxScore: 40,
      tag: ['vip'],
    });
    expect(formOf(contactFilterSchema.parse(saved))).toEqual(form);
  });

  it('when a bound is not an integer, then it is sent as typed for the API to name the field', () => {
    const result = contactFilterSchema.safeParse(savedFilterOf({ ...EMPTY_FILTER, minScore: 'ten' }));
    expect(result.success).toBe(false);
    expect(result.error!.issues[0]!.path).toEqual(['minScore']);
  });
});

describe('console draft rule form (the API schemas, shared)', () => {
  it('when the default rules go through the form and back, then they are unchanged', () => {
    const { rules, errors } = rulesOf(DEFAULT_RULES.map(rowOf));
    expect(errors).toEqual({});
    expect(rules).toEqual(DEFAULT_RULES);
  });

  it('when points are 0, a window has no max count, criteria are not JSON and an id repeats, then each field gets its message', () => {
    const rows = DEFAULT_RULES.slice(0, 3).map(rowOf);
    rows[0] = { ...rows[0]!, points: '0' };
    rows[1] = { ...rows[1]!, windowDays: '7', criteria: '[{' };
    rows[2] = { ...rows[2]!, id: rows[0].id };
    const { rules, errors } = rulesOf(rows);
    expect(rules).toBeUndefined();
    expect(errors['0.points']).toBe('must not be 0');
    expect(errors['1.criteria']).toMatch(/not valid JSON/);
    expect(errors['2.id']).toBe(`duplicate rule id "${rows[0].id}"`);
  });

  it('when a new row is left blank, then the id, type and points are reported, not sent', () => {
    const { rules, errors } = rulesOf([emptyRuleRow()]);
    expect(rules).toBeUndefined();
    expect(Object.keys(errors).sort()).toEqual(['0.id', '0.interactionType', '0.points']);
  });

  it('when a number field holds text, then the schema names that field', () => {
    const row = { ...rowOf(DEFAULT_RULES[0]!), maxCount: 'twice' };
    expect(Object.keys(rulesOf([row]).errors)).toEqual(['0.maxCount']);
  });
});

describe('console re-score progress', () => {
  const p = (done: number, total: number, state: 'running' | 'finished' | 'superseded' = 'running') => ({
    done,
    total,
    state,
    etaSeconds: 2.2,
  });
  it('shows 100 % only when the re-score says finished', () => {
    expect(progressPercent(p(3, 3))).toBe(99);
    expect(progressPercent(p(3, 3, 'finished'))).toBe(100);
    expect(progressPercent(p(0, 0, 'finished'))).toBe(100);
    expect(progressPercent(p(0, 0))).toBe(0);
    expect(progressPercent(p(1, 3))).toBe(33);
  });
  it('says where it is in words', () => {
    expect(progressText(p(1, 3))).toBe('Re-scoring: 1 of 3, about 3 s left');
    expect(progressText(p(1, 1, 'finished'))).toBe('Re-scored 1 contact: done.');
    expect(progressText(p(1, 3, 'superseded'))).toBe('A newer version took over after 1 of 3.');
  });
});

describe('console Temporal UI links', () => {
  it("links a contact to the UI's list filtered by its workflow id, and a run to its history", () => {
    expect(workflowUrl('http://ui:8233/', 'default', 'contact:acct:ada')).toBe(
      'http://ui:8233/namespaces/default/workflows?query=' +
        encodeURIComponent('WorkflowId = "contact:acct:ada"'),
    );
    expect(workflowUrl('http://ui', 'ns', 'a/b', 'run-1')).toBe(
      'http://ui/namespaces/ns/workflows/a%2Fb/run-1/history',
    );
  });
  it('escapes a quote in the workflow id inside the query', () => {
    expect(decodeURIComponent(workflowUrl('http://ui', 'ns', 'a"b').split('query=')[1]!)).toBe(
      'WorkflowId = "a\\"b"',
    );
  });
});

describe('console profile settings form (PATCH /profiles/{id} schema, shared)', () => {
  const fields = { name: 'Engagement', description: '', floor: '', ceiling: '' };
  it('when bounds are blank, then they are cleared (null); numbers are sent as numbers', () => {
    expect(profilePatchOf(fields).patch).toEqual({
      name: 'Engagement',
      description: '',
      floor: null,
      ceiling: null,
    });
    expect(profilePatchOf({ ...fields, floor: '-10', ceiling: '100' }).patch).toMatchObject({
      floor: -10,
      ceiling: 100,
    });
  });
  it('when the floor is not below the ceiling, the name is blank or a bound is not an integer, then the field is named', () => {
    expect(profilePatchOf({ ...fields, floor: '10', ceiling: '10' }).errors).toEqual({
      ceiling: 'must be greater than floor (10)',
    });
    expect(Object.keys(profilePatchOf({ ...fields, name: '  ' }).errors)).toEqual(['name']);
    expect(Object.keys(profilePatchOf({ ...fields, floor: '1.5' }).errors)).toEqual(['floor']);
  });
});
