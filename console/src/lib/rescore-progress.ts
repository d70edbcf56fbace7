/** What the publish progress bar shows (pure: unit-tested). */

export interface RescoreProgress {
  total: number;
  done: number;
  state: 'running' | 'finished' | 'superseded';
  etaSeconds: number | null;
}

/** 0–100. 100 only once the re-score says finished: "done = total" can precede its last write. */
export function progressPercent(p: RescoreProgress): number {
  if (p.state === 'finished') return 100;
  if (p.total <= 0) return 0;
  return Math.min(99, Math.floor((p.done / p.total) * 100));
}

export function progressText(p: RescoreProgress): string {
  if (p.state === 'finished') return `Re-scored ${p.total} contact${p.total === 1 ? '' : 's'}: done.`;
  if (p.state === 'superseded') return `A newer version took over after ${p.done} of ${p.total}.`;
  const eta = p.etaSeconds === null ? '' : `, about ${Math.ceil(p.etaSeconds)} s left`;
  return `Re-scoring: ${p.done} of ${p.total}${eta}`;
}

/** Whether to keep polling. */
export const rescoreSettled = (p: RescoreProgress): boolean => p.state !== 'running';
