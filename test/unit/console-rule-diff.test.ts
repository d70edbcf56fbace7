import { diffRows } from '../../console/src/lib/rule-diff';

describe("console diff view of a version's changes", () => {
  it('when rules are removed, changed and added and a bound moves, then each is one row in reading order', () => {
    const rows = diffRows({
      removed: [{ id: 'old', interactionType: 'email_opened', points: 1, criteria: [] }],
      changed: [
        {
          ruleId: 'clicked',
          fields: ['points', 'maxCount'],
          before: { id: 'clicked', points: 3 },
          after: { id: 'clicked', points: 5, maxCount: 2 },
        },
      ],
      added: [{ id: 'new', interactionType: 'form_submitted', points: 4, criteria: [] }],
      reordered: true,
      floor: { before: null, after: 0 },
    });
    expect(rows).toEqual([
      { kind: 'removed', subject: 'old', lines: ['interactionType: email_opened', 'points: 1'] },
      { kind: 'changed', subject: 'clicked', lines: ['points: 3 → 5', 'maxCount: — → 2'] },
      { kind: 'added', subject: 'new', lines: ['interactionType: form_submitted', 'points: 4'] },
      { kind: 'bound', subject: 'floor', lines: ['none → 0'] },
      { kind: 'reordered', subject: 'order', lines: ['rules were reordered'] },
    ]);
  });

  it('when criteria change, then they are shown as JSON', () => {
    const [row] = diffRows({
      removed: [],
      added: [],
      changed: [
        {
          ruleId: 'r',
          fields: ['criteria'],
          before: { id: 'r', criteria: [] },
          after: { id: 'r', criteria: [{ attribute: 'plan', op: 'equals', value: 'pro' }] },
        },
      ],
      reordered: false,
    });
    expect(row!.lines).toEqual(['criteria: [] → [{"attribute":"plan","op":"equals","value":"pro"}]']);
  });

  it('when nothing changed, then there are no rows', () => {
    expect(diffRows({ added: [], removed: [], changed: [], reordered: false })).toEqual([]);
  });
});
