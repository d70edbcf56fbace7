import type { Queryable } from './pool';

/** One write statement: its text ($1 is the account, its own values $2 on) and those values. */
export interface Write {
  text: string;
  values: unknown[];
}

/**
 * Runs writes to different tables as one statement, each a data-modifying CTE: one round trip
 * instead of one per write. A round trip costs both processes system calls that, on a VM, weigh
 * as much as the statement itself. All of them see the snapshot the statement began with: none may
 * read what another writes. Answers each write's row count, in order (0 for one left out).
 */
export async function runWrites(
  db: Queryable,
  accountId: string,
  writes: readonly (Write | undefined)[],
): Promise<number[]> {
  const present = writes.flatMap((w, i) => (w ? [{ ...w, i }] : []));
  const counts = writes.map(() => 0);
  if (present.length === 1) {
    const { text, values, i } = present[0]!;
    counts[i] = (await db.query(text, [accountId, ...values])).rowCount ?? 0;
  } else if (present.length > 1) {
    let offset = 0;
    const parts = present.map(({ text, values }, k) => {
      const renumbered = text.replace(/\$(\d+)/g, (_, n: string) =>
        n === '1' ? '$1' : `$${Number(n) + offset}`,
      );
      offset += values.length;
      return `w${k} AS (${renumbered} RETURNING 1)`;
    });
    const { rows } = await db.query<Record<string, number>>(
      `WITH ${parts.join(',\n')}
       SELECT ${present.map((_, k) => `(SELECT count(*)::int FROM w${k}) AS w${k}`).join(', ')}`,
      [accountId, ...present.flatMap((w) => w.values)],
    );
    present.forEach(({ i }, k) => (counts[i] = rows[0]![`w${k}`]!));
  }
  return counts;
}
