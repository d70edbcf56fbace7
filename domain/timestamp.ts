import { z } from 'zod';

const YEAR = '(?:[1-9]\\d{3}|0[1-9]\\d{2}|00[1-9]\\d|000[1-9])';
const LEAP_YEAR = '(?:\\d\\d(?:0[48]|[2468][048]|[13579][26])|(?:0[48]|[2468][048]|[13579][26])00)';
const DATE = `(?:${YEAR}-(?:(?:0[1-9]|1[0-2])-(?:0[1-9]|1\\d|2[0-8])|(?:0[13-9]|1[0-2])-(?:29|30)|(?:0[13578]|1[02])-31)|${LEAP_YEAR}-02-29)`;
const TIME = '(?:[01]\\d|2[0-3]):[0-5]\\d:[0-5]\\d(?:\\.\\d+)?';
const OFFSET = '(?:Z|[+-](?:0\\d|1[0-5]):[0-5]\\d)';

/**
 * An instant a client sends: RFC 3339 with `Z` or an offset, limited to what Postgres'
 * timestamptz reads back as written: it knows no year 0000 and no UTC offset beyond ±15:59.
 * One pattern, so the OpenAPI document states exactly what is accepted.
 */
export const instantSchema = z
  .string()
  .regex(
    new RegExp(`^${DATE}T${TIME}${OFFSET}$`),
    'an RFC 3339 date-time with Z or an offset within ±15:59, from year 0001',
  )
  .meta({ format: 'date-time' });
