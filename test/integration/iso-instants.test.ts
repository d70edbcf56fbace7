import { isoInstant, isoInstantSql } from '../../db/interactions';
import { createPool, type Db } from '../../db/pool';

/**
 * Scoring reads occurred_at formatted by Postgres (isoInstantSql) instead of parsed by node-pg:
 * the string must be the one Date#toISOString gave before, or rule windows, expiry times and
 * the ids in workflow histories would shift. Checked at the edges an RFC 3339 instant with an
 * offset can reach, and at fractions Postgres keeps and JavaScript drops.
 */
const INSTANTS = [
  '2026-12-07T15:30:00Z',
  '2026-12-07T15:30:00.1Z',
  '2026-12-07T15:30:00.999999Z',
  '2026-12-07T15:30:00.000001Z',
  '2024-02-29T23:59:59.9995+02:00',
  '1969-12-31T23:59:59.999-00:30',
  '1970-01-01T00:00:00Z',
  '0001-01-01T00:00:00Z',
  '0001-01-01T00:00:00.5+15:59',
  '0001-01-01T15:58:59.999+15:59',
  '9999-12-31T23:59:59.999Z',
  '9999-12-31T23:59:59.999999Z',
  '9999-12-31T23:59:59-15:59',
];

let db: Db;
beforeAll(() => {
  db = createPool(process.env.DATABASE_URL!);
});
afterAll(async () => {
  await db?.end();
});

describe('occurred_at read as an ISO string by Postgres', () => {
  it('when an instant is formatted by Postgres, then it is the string Date#toISOString gives for the Date pg parses', async () => {
    const { rows } = await db.query<{ input: string; parsed: Date; formatted: string }>(
      `SELECT input, t AS parsed, ${isoInstantSql('t')} AS formatted
       FROM unnest($1::text[]) AS input, LATERAL (SELECT input::timestamptz AS t) x`,
      [INSTANTS],
    );
    expect(rows).toHaveLength(INSTANTS.length);
    const seen = rows.map((r) => ({ input: r.input, iso: isoInstant(r.formatted) }));
    expect(seen).toEqual(rows.map((r) => ({ input: r.input, iso: r.parsed.toISOString() })));
    // Both ends of the range Postgres cannot write in this form were reached.
    expect(seen.map((s) => s.iso)).toEqual(
      expect.arrayContaining(['0000-12-31T08:01:00.500Z', '+010000-01-01T15:58:59.000Z']),
    );
  });
});
