import { WorkflowNotFoundError } from '@temporalio/client';
import { contactWorkflowId } from '../../domain/ids';
import { DEMO_ACCOUNT_ID, seedDemo } from '../../scripts/demo-seed';
import { DEMO_TRIGGERS } from '../../scripts/demo-triggers';
import { eventually } from '../support/eventually';
import { startHarness, type Harness } from '../support/harness';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.shutdown();
});

const apiKey = 'pulse_demo_key_for_tests_only';
const score = async (contact: string) => {
  const res = await fetch(`${h.baseUrl}/contacts/${contact}/score`, {
    headers: { authorization: `Bearer ${apiKey}` },
  });
  return ((await res.json()) as { score: number | null }).score;
};

describe('the npm start demo seed', () => {
  it('when seeded twice, then the demo has its profile, code-declared triggers and scored contacts, and nothing doubles', async () => {
    await seedDemo({ db: h.db, baseUrl: h.baseUrl, apiKey });
    await eventually(async () => expect(await score('ada')).toBe(49));
    await seedDemo({ db: h.db, baseUrl: h.baseUrl, apiKey });

    const { rows: triggers } = await h.db.query(
      'SELECT id, source FROM score_triggers WHERE account_id = $1 ORDER BY id',
      [DEMO_ACCOUNT_ID],
    );
    expect(triggers).toEqual(
      DEMO_TRIGGERS.map((t) => ({ id: t.id, source: 'code' })).sort((a, b) => a.id.localeCompare(b.id)),
    );
    await eventually(async () => {
      expect(await score('ada')).toBe(49);
      expect(await score('grace')).toBe(14);
      expect(await score('linus')).toBe(-24);
      expect(await score('margaret')).toBe(0);
      expect(await score('alan')).toBe(0);
    });

    // Ada crossed 40: her reward automation ran once.
    const reward = h.client.workflow.getHandle(
      `${contactWorkflowId(DEMO_ACCOUNT_ID, 'ada')}/trigger:reward-highly-engaged/1`,
    );
    await eventually(async () => {
      try {
        await reward.result();
      } catch (err) {
        if (err instanceof WorkflowNotFoundError) throw new Error('reward automation not started yet');
        throw err;
      }
    });
    const { rows } = await h.db.query(`SELECT tags FROM contacts WHERE account_id = $1 AND id = 'ada'`, [
      DEMO_ACCOUNT_ID,
    ]);
    expect(rows[0].tags).toContain('vip-reward');
  });
});
