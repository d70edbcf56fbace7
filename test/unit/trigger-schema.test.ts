import { triggerListSchema, triggerSchema } from '../../domain/trigger';

const valid = {
  id: 'reward-80',
  profileId: 'engagement',
  condition: { op: 'gte', value: 80 },
  reentry: { policy: 'once' },
  automation: 'reward_offer',
};

/** The dotted paths of the errors, the way the API reports them, each once (an empty id breaks two rules). */
function errorPaths(input: unknown): string[] {
  const result = triggerSchema.safeParse(input);
  if (result.success) return [];
  return [...new Set(result.error.issues.map((issue) => issue.path.join('.')))];
}

describe('trigger schema', () => {
  it('accepts a minimal trigger and fills in the defaults', () => {
    expect(triggerSchema.parse(valid)).toEqual({ ...valid, mode: 'crossing', paused: false, input: {} });
  });

  it('accepts a trigger with every option', () => {
    const full = {
      ...valid,
      mode: 'every_change',
      reentry: { policy: 'cooldown', cooldownMs: 86_400_000 },
      maxFires: 3,
      rearmMargin: 10,
      paused: true,
      input: { sequence: 'welcome', steps: [1, 2], nested: { ok: true, none: null } },
    };
    expect(triggerSchema.parse(full)).toEqual(full);
  });

  it.each(['follow_up_sequence', 'reward_offer', 'campaign_segmentation', 'inactive_contact_review'])(
    'accepts the automation name %s',
    (automation) => {
      expect(errorPaths({ ...valid, automation })).toEqual([]);
    },
  );

  describe('condition', () => {
    it.each(['eq', 'neq', 'gt', 'gte', 'lt', 'lte'])(
      'requires a value for %s, reported as condition.value',
      (op) => {
        expect(errorPaths({ ...valid, condition: { op } })).toEqual(['condition.value']);
      },
    );

    it.each([['lots'], [Infinity], [-Infinity], [NaN], [null]])(
      'refuses %p as a value, reported as condition.value',
      (value) => {
        expect(errorPaths({ ...valid, condition: { op: 'gt', value } })).toEqual(['condition.value']);
      },
    );

    it.each(['is_empty', 'is_not_empty'])('takes no value for %s', (op) => {
      expect(errorPaths({ ...valid, condition: { op } })).toEqual([]);
      expect(errorPaths({ ...valid, condition: { op, value: 0 } })).toEqual(['condition.value']);
    });

    it('refuses an unknown operator, reported as condition.op', () => {
      expect(errorPaths({ ...valid, condition: { op: 'between', value: 1 } })).toEqual(['condition.op']);
      expect(errorPaths({ ...valid, condition: {} })).toEqual(['condition.op']);
    });

    it('refuses extra fields in the condition', () => {
      expect(errorPaths({ ...valid, condition: { op: 'gt', value: 1, max: 5 } })).toEqual(['condition']);
    });

    it('accepts fractional and negative thresholds', () => {
      expect(errorPaths({ ...valid, condition: { op: 'lt', value: -2.5 } })).toEqual([]);
    });
  });

  describe('rearmMargin', () => {
    it.each(['eq', 'gt', 'gte', 'lt', 'lte'])('is accepted for %s', (op) => {
      expect(errorPaths({ ...valid, condition: { op, value: 50 }, rearmMargin: 5 })).toEqual([]);
    });

    it('is accepted at 0', () => {
      expect(errorPaths({ ...valid, rearmMargin: 0 })).toEqual([]);
    });

    it.each([[{ op: 'neq', value: 5 }], [{ op: 'is_empty' }], [{ op: 'is_not_empty' }]])(
      'is refused for %j, reported as rearmMargin',
      (condition) => {
        const result = triggerSchema.safeParse({ ...valid, condition, rearmMargin: 5 });
        expect(result.error!.issues).toEqual([
          expect.objectContaining({ path: ['rearmMargin'], message: `not allowed for op "${condition.op}"` }),
        ]);
      },
    );

    it.each([[-1], [Infinity], ['10']])('refuses %p', (rearmMargin) => {
      expect(errorPaths({ ...valid, rearmMargin })).toEqual(['rearmMargin']);
    });
  });

  describe('bandBoundaries', () => {
    const banded = { ...valid, mode: 'band_change', bandBoundaries: [10, 40] };

    it('accepts ascending edges with mode band_change', () => {
      expect(triggerSchema.parse(banded)).toMatchObject({ mode: 'band_change', bandBoundaries: [10, 40] });
    });

    it('requires them for mode band_change, and refuses them for the other modes', () => {
      const { bandBoundaries: _edges, ...withoutEdges } = banded;
      expect(errorPaths(withoutEdges)).toEqual(['bandBoundaries']);
      expect(errorPaths({ ...banded, mode: 'every_change' })).toEqual(['bandBoundaries']);
    });

    it.each([[[40, 10]], [[10, 10]], [[]], [['10']]])('refuses %p', (bandBoundaries) => {
      expect(errorPaths({ ...banded, bandBoundaries })[0]).toMatch(/^bandBoundaries/);
    });
  });

  describe('firing options', () => {
    it('refuses an unknown mode', () => {
      expect(errorPaths({ ...valid, mode: 'sometimes' })).toEqual(['mode']);
    });

    it('requires a re-entry policy: whether a contact may get the automation again is a deliberate choice', () => {
      const { reentry: _reentry, ...withoutReentry } = valid;
      expect(errorPaths(withoutReentry)).toEqual(['reentry']);
    });

    it('requires cooldownMs for a cooldown, as a positive integer', () => {
      expect(errorPaths({ ...valid, reentry: { policy: 'cooldown' } })).toEqual(['reentry.cooldownMs']);
      expect(errorPaths({ ...valid, reentry: { policy: 'cooldown', cooldownMs: 0 } })).toEqual([
        'reentry.cooldownMs',
      ]);
      expect(errorPaths({ ...valid, reentry: { policy: 'cooldown', cooldownMs: 1.5 } })).toEqual([
        'reentry.cooldownMs',
      ]);
    });

    it('refuses a cooldown on the other policies and unknown policies', () => {
      expect(errorPaths({ ...valid, reentry: { policy: 'once', cooldownMs: 10 } })).toEqual(['reentry']);
      expect(errorPaths({ ...valid, reentry: { policy: 'daily' } })).toEqual(['reentry.policy']);
    });

    it.each([[0], [1.5], [-3], ['2']])('refuses maxFires %p', (maxFires) => {
      expect(errorPaths({ ...valid, maxFires })).toEqual(['maxFires']);
    });

    it('refuses a paused flag that is not a boolean', () => {
      expect(errorPaths({ ...valid, paused: 'yes' })).toEqual(['paused']);
    });
  });

  describe('ids, automation and input', () => {
    it.each([[''], ['-starts-with-dash'], ['has space'], ['a/b'], ['x'.repeat(129)]])(
      'refuses id %p for id and profileId',
      (id) => {
        expect(errorPaths({ ...valid, id })).toEqual(['id']);
        expect(errorPaths({ ...valid, profileId: id })).toEqual(['profileId']);
      },
    );

    it('accepts ids with the characters entity ids allow', () => {
      expect(errorPaths({ ...valid, id: 'Reward_80.v2@acme+x-y', profileId: 'x'.repeat(128) })).toEqual([]);
    });

    it.each([['FollowUp'], ['follow-up'], ['1st_touch'], ['_private'], [''], ['a'.repeat(65)]])(
      'refuses automation %p',
      (automation) => {
        expect(errorPaths({ ...valid, automation })).toEqual(['automation']);
      },
    );

    it('refuses an input that is not a JSON object, naming the bad entry', () => {
      expect(errorPaths({ ...valid, input: ['a'] })).toEqual(['input']);
      expect(errorPaths({ ...valid, input: 'text' })).toEqual(['input']);
      expect(errorPaths({ ...valid, input: { when: new Date(0) } })).toEqual(['input.when']);
      expect(errorPaths({ ...valid, input: { fn: () => 1 } })).toEqual(['input.fn']);
    });

    it('refuses unknown fields', () => {
      const result = triggerSchema.safeParse({ ...valid, threshold: 80 });
      expect(result.error!.issues).toEqual([
        expect.objectContaining({ code: 'unrecognized_keys', keys: ['threshold'] }),
      ]);
    });
  });

  describe('trigger list', () => {
    it('refuses two triggers with one id, since states are kept per trigger id', () => {
      const result = triggerListSchema.safeParse([valid, { ...valid, profileId: 'sales' }]);
      expect(result.error!.issues.map((i) => i.path)).toEqual([[1, 'id']]);
    });

    it('accepts triggers with distinct ids', () => {
      expect(triggerListSchema.safeParse([valid, { ...valid, id: 'other' }]).success).toBe(true);
    });
  });
});
