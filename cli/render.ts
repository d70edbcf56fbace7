/** Plain-text rendering for the CLI: aligned tables and a progress bar, no colours. */

export interface Column {
  header: string;
  /** Numbers read best right-aligned. */
  align?: 'left' | 'right';
}

/** Columns padded to their widest cell, separated by two spaces; `indent` prefixes every line. */
export function table(columns: Column[], rows: Array<Array<string | number | null>>, indent = ''): string {
  const cells = rows.map((row) => row.map((cell) => (cell === null ? '—' : String(cell))));
  const widths = columns.map((col, i) =>
    Math.max(col.header.length, ...cells.map((row) => row[i]?.length ?? 0)),
  );
  const line = (values: string[]) =>
    indent +
    values
      .map((value, i) =>
        columns[i]?.align === 'right' ? value.padStart(widths[i] ?? 0) : value.padEnd(widths[i] ?? 0),
      )
      .join('  ')
      .trimEnd();
  return [line(columns.map((c) => c.header)), ...cells.map(line)].join('\n');
}

export interface RescoreProgressView {
  total: number;
  done: number;
  rescored: number;
  rate: number;
  etaSeconds: number | null;
  state: 'running' | 'finished' | 'superseded';
}

/** `[██████░░░░░░]  50%  150/300 contacts  120/s  ETA 2s`, for a terminal that redraws one line. */
export function progressBar(p: RescoreProgressView, width = 30): string {
  const fraction = p.total > 0 ? Math.min(1, p.done / p.total) : p.state === 'running' ? 0 : 1;
  const filled = Math.round(fraction * width);
  const bar = '█'.repeat(filled) + '░'.repeat(width - filled);
  return `[${bar}] ${progressSummary(p, fraction)}`;
}

/** The same facts as one line of text, for logs and pipes. */
export function progressLine(p: RescoreProgressView): string {
  const fraction = p.total > 0 ? Math.min(1, p.done / p.total) : p.state === 'running' ? 0 : 1;
  return `${p.state}: ${progressSummary(p, fraction)}`;
}

function progressSummary(p: RescoreProgressView, fraction: number): string {
  // The re-score counts the contacts before it starts on them.
  if (p.state === 'running' && p.total === 0) return '   …  counting contacts';
  const percent = `${Math.floor(fraction * 100)}%`.padStart(4);
  const eta = p.state === 'running' && p.etaSeconds !== null ? `  ETA ${duration(p.etaSeconds)}` : '';
  return `${percent}  ${p.done}/${p.total} contacts  ${formatRate(p.rate)}/s${eta}`;
}

function formatRate(rate: number): string {
  return rate >= 100 ? String(Math.round(rate)) : rate.toFixed(1);
}

export function duration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}

/** "+3" / "-5" / "0". */
export const signed = (n: number): string => (n > 0 ? `+${n}` : String(n));
