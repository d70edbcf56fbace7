import { readFileSync } from 'node:fs';
import { automationReferenceProblems } from '../../domain/automations/catalog';
import {
  automationLabel,
  externalAutomationInputJsonSchema,
  externalAutomationInputSchema,
} from '../../domain/automations/external';
import { triggerSchema } from '../../domain/trigger';
import { AUTOMATION_INPUT_SCHEMA_FILE } from '../../scripts/write-schemas';

const aTrigger = (automation: unknown) => ({
  id: 'own',
  profileId: 'engagement',
  condition: { op: 'gte', value: 20 },
  reentry: { policy: 'once' },
  automation,
});

function errors(input: unknown): { path: string; message: string }[] {
  const result = triggerSchema.safeParse(input);
  if (result.success) return [];
  return result.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message }));
}

describe("a trigger naming an automation of the user's own", () => {
  it('accepts { workflowType, taskQueue } and passes its input through unchecked by Pulse', () => {
    const automation = { workflowType: 'GrantWelcomeBonus', taskQueue: 'python-automations' };
    const trigger = triggerSchema.parse({ ...aTrigger(automation), input: { points: 5, note: 'hi' } });
    expect(trigger.automation).toEqual(automation);
    expect(automationReferenceProblems(trigger)).toEqual([]);
    expect(automationLabel(trigger.automation)).toBe('GrantWelcomeBonus@python-automations');
  });

  it.each([
    [{ workflowType: '', taskQueue: 'q' }, 'automation.workflowType'],
    [{ workflowType: 'W', taskQueue: '' }, 'automation.taskQueue'],
    [{ workflowType: 'has space', taskQueue: 'q' }, 'automation.workflowType'],
    [{ workflowType: 'W', taskQueue: 'q\n' }, 'automation.taskQueue'],
    [{ workflowType: 'W', taskQueue: '../etc' }, 'automation.taskQueue'],
    [{ workflowType: 'W'.repeat(201), taskQueue: 'q' }, 'automation.workflowType'],
    [{ workflowType: 'W', taskQueue: 'q', extra: 1 }, 'automation'],
  ])('refuses %j, naming %s', (automation, path) => {
    expect([...new Set(errors(aTrigger(automation)).map((e) => e.path))]).toEqual([path]);
  });

  it('says what is expected when automation is neither a name nor the object', () => {
    const [problem] = errors(aTrigger({}));
    expect(problem).toEqual({
      path: 'automation',
      message: expect.stringContaining('workflowType, taskQueue'),
    });
    expect(errors(aTrigger(42))[0]!.path).toBe('automation');
  });

  it('still refuses a shipped name that is not snake_case', () => {
    expect(errors(aTrigger('RewardOffer')).map((e) => e.path)).toEqual(['automation']);
  });
});

describe('the versioned automation input', () => {
  const input = {
    version: 1,
    accountId: 'a',
    contactId: 'c',
    triggerId: 't',
    profileId: 'engagement',
    score: 25,
    threshold: 20,
    fireNumber: 1,
    params: { points: 5 },
  };

  it('takes fields added later within the same version, and refuses another version', () => {
    expect(externalAutomationInputSchema.safeParse({ ...input, addedLater: true }).success).toBe(true);
    expect(externalAutomationInputSchema.safeParse({ ...input, version: 2 }).success).toBe(false);
    expect(
      externalAutomationInputSchema.safeParse({ ...input, score: null, threshold: undefined }).success,
    ).toBe(true);
  });

  it('is published as JSON Schema with the version as a constant and every field described', () => {
    const schema = externalAutomationInputJsonSchema() as {
      properties: Record<string, { description?: string; const?: unknown }>;
      required: string[];
    };
    expect(schema.properties.version!.const).toBe(1);
    expect(schema.required).toEqual(expect.arrayContaining(['version', 'contactId', 'profileId', 'params']));
    for (const [name, property] of Object.entries(schema.properties))
      expect([name, typeof property.description]).toEqual([name, 'string']);
  });

  it('is committed under docs/ exactly as generated (npm run schemas)', () => {
    const committed: unknown = JSON.parse(readFileSync(AUTOMATION_INPUT_SCHEMA_FILE, 'utf8'));
    expect(committed).toEqual(externalAutomationInputJsonSchema());
  });
});
