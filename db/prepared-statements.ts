import { createHash } from 'node:crypto';
import { Client } from 'pg';

/**
 * How many distinct statement texts get a name. Past it a new text runs unnamed, as every
 * statement did before: a text built with a varying number of placeholders must not grow every
 * connection's prepared statements (and Postgres's memory) without end.
 */
const MAX_NAMED = 1_000;

const names = new Map<string, string>();

/** The name for a statement's text: the same text, the same name, in every process. */
export function statementName(text: string): string | undefined {
  const known = names.get(text);
  if (known !== undefined || names.size >= MAX_NAMED) return known;
  const name = `pulse_${createHash('sha1').update(text).digest('hex').slice(0, 24)}`;
  names.set(text, name);
  return name;
}

/**
 * A pg client that runs every parameterised statement as a named prepared statement, so each
 * connection parses and plans it once instead of on every call. Measured on the ingest with
 * scoring (one request at a time, pg_stat_statements): planning was 0.9 of Postgres's 4.3
 * core-ms, and parsing most of what the statements' own times did not account for; named, 2.1.
 *
 * Statements without values (BEGIN, COMMIT, SAVEPOINT, several statements in one string) keep
 * the simple protocol. A caller that wants a statement planned for each call's values passes
 * pg's `{ text, values }` form, which runs unnamed (the contact list: db/contact-queries.ts).
 * Off (DATABASE_PREPARED_STATEMENTS=off) for a pooler that hands a session's statements to other
 * server connections (PgBouncer in transaction mode before 1.21).
 */
export class PreparingClient extends Client {
  // pg's query has a dozen overloads; this one forwards every call and rewrites one shape.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  override query(config: unknown, values?: unknown, callback?: unknown): any {
    const forward = super.query.bind(this) as (...args: unknown[]) => unknown;
    if (typeof config === 'string' && Array.isArray(values) && values.length > 0) {
      const name = statementName(config);
      if (name) return forward({ name, text: config, values }, callback);
    }
    return forward(config, values, callback);
  }
}
