import { randomUUID } from 'node:crypto';
import { createPool, type Db } from '../../db/pool';
import { listLiveProfiles } from '../../db/profiles';
import { readScoringSetup } from '../../db/scoring-setup';
import { listTriggerDefinitions } from '../../db/triggers';

/**
 * Scoring reads the live profiles and the triggers in one statement (db/scoring-setup.ts): what
 * it reads must be what the two separate reads give, in their order, which decides the order
 * scores are computed in (the default profile first) and triggers are evaluated in.
 */
let db: Db;
beforeAll(() => {
  db = createPool(process.env.DATABASE_URL!);
});
afterAll(async () => {
  await db?.end();
});

async function newAccount(): Promise<string> {
  const accountId = `setup-${randomUUID()}`;
  await db.query('INSERT INTO accounts (id, name) VALUES ($1, $1)', [accountId]);
  return accountId;
}

/** A profile created `minutesAgo`, live at version 2 of `rules` when `live`, with optional bounds. */
async function profile(
  accountId: string,
  id: string,
  opts: { minutesAgo: number; isDefault?: boolean; live?: boolean; floor?: number; ceiling?: number },
) {
  await db.query(
    `INSERT INTO score_profiles (account_id, id, name, is_default, live_version, created_at)
     VALUES ($1, $2, $2, $3, $4, now() - make_interval(mins => $5))`,
    [accountId, id, opts.isDefault ?? false, opts.live === false ? null : 2, opts.minutesAgo],
  );
  for (const version of [1, 2]) {
    const rules = [
      { id: `${id}-v${version}`, interactionType: 'email_opened', criteria: [], points: version },
    ];
    await db.query(
      `INSERT INTO profile_versions (account_id, profile_id, version, rules, published_by, floor, ceiling)
       VALUES ($1, $2, $3, $4, 'test', $5, $6)`,
      [accountId, id, version, JSON.stringify(rules), opts.floor ?? null, opts.ceiling ?? null],
    );
  }
}

async function trigger(accountId: string, id: string, profileId: string, minutesAgo: number) {
  const definition = {
    id,
    profileId,
    condition: { op: 'gte', value: minutesAgo },
    automation: 'reward_offer',
  };
  await db.query(
    `INSERT INTO score_triggers (account_id, id, profile_id, definition, created_at)
     VALUES ($1, $2, $3, $4, now() - make_interval(mins => $5))`,
    [accountId, id, profileId, JSON.stringify(definition), minutesAgo],
  );
}

describe('the scoring setup read in one statement', () => {
  it('when an account has live and draft profiles and triggers, then it reads what listLiveProfiles and listTriggerDefinitions read, in their order', async () => {
    const accountId = await newAccount();
    await profile(accountId, 'zeta', { minutesAgo: 30, floor: -5, ceiling: 50 });
    await profile(accountId, 'alpha', { minutesAgo: 10 });
    await profile(accountId, 'main', { minutesAgo: 5, isDefault: true, ceiling: 100 });
    await profile(accountId, 'draft-only', { minutesAgo: 20, live: false });
    await trigger(accountId, 'late', 'alpha', 1);
    await trigger(accountId, 'early', 'zeta', 40);
    await trigger(accountId, 'middle', 'main', 15);

    const setup = await readScoringSetup(db, accountId);

    expect(setup.profiles.map((p) => p.profileId)).toEqual(['main', 'zeta', 'alpha']);
    expect(setup.profiles).toEqual(await listLiveProfiles(db, accountId));
    expect(setup.profiles[1]).toEqual({
      profileId: 'zeta',
      isDefault: false,
      version: 2,
      rules: [{ id: 'zeta-v2', interactionType: 'email_opened', criteria: [], points: 2 }],
      floor: -5,
      ceiling: 50,
    });
    expect(setup.triggers.map((t) => t.id)).toEqual(['early', 'middle', 'late']);
    expect(setup.triggers).toEqual(await listTriggerDefinitions(db, accountId));
  });

  it('when no profile is live, then there are neither profiles nor triggers to score with', async () => {
    const accountId = await newAccount();
    await profile(accountId, 'draft-only', { minutesAgo: 1, live: false });
    await trigger(accountId, 't', 'draft-only', 1);
    expect(await readScoringSetup(db, accountId)).toEqual({ profiles: [], triggers: [] });
  });
});
