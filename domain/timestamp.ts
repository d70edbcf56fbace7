import { z } from 'zod';

/**
 * An instant a client sends, as RFC 3339 with `Z` or an offset, limited to what Postgres'
 * timestamptz reads back as written: it knows no year 0000 and no UTC offset beyond ±15:59.
 * Both limits are patterns, so the OpenAPI document states them as well.
 */
export const instantSchema = z.iso
  .datetime({ offset: true })
  .regex(/^(?:000[1-9]|00[1-9]\d|0[1-9]\d\d|[1-9]\d{3})-/, 'year 0000 does not exist; years run from 0001')
  .regex(/(?:Z|[+-](?:0\d|1[0-5]):[0-5]\d)$/, 'the UTC offset must be within ±15:59');
