import type { InteractionRef, ScoringPassResult } from '../../domain/scoring-messages';
import type {
  ApplyScoringInput,
  ExpirePointsInput,
  ScoreAdjustmentRequest,
} from '../../domain/scoring-messages';
import type { Trigger } from '../../domain/trigger';

/**
 * The contact workflow's activities in memory, for workflow tests (the real ones, over Postgres,
 * have their own integration and fault tests). One contact, one profile `engagement`; each stored
 * interaction is worth its points; every pass writes one ledger batch, like the real pass.
 */
export class FakeScoring {
  private readonly stored: { ref: InteractionRef; points: number; applied: boolean }[] = [];
  private score = 0;
  private ledgerEnd = 0;
  private runStarts = new Map<string, { cursor: string; score: number }>();
  readonly passes: ApplyScoringInput[] = [];

  constructor(private readonly triggers: Trigger[] = []) {}

  /** What the API does before it signals: store the interaction (once per id, like Postgres). */
  store(id: string, points: number): InteractionRef {
    const known = this.stored.find((s) => s.ref.id === id);
    if (known) return known.ref;
    const ref = { id, type: 'custom_points', occurredAt: new Date(0).toISOString() };
    this.stored.push({ ref, points, applied: false });
    return ref;
  }

  get applied(): string[] {
    return this.stored.filter((s) => s.applied).map((s) => s.ref.id);
  }

  activities() {
    return {
      applyScoringRules: (input: ApplyScoringInput) => Promise.resolve(this.pass(input)),
      expirePoints: (input: ExpirePointsInput) =>
        Promise.resolve(this.pass({ ...input, maxInteractions: 0 })),
      recordScoreAdjustment: (request: ScoreAdjustmentRequest) => {
        this.store(request.adjustmentId, request.points);
        return Promise.resolve({ state: 'pending' as const, reason: null });
      },
    };
  }

  private pass(input: ApplyScoringInput): ScoringPassResult {
    this.passes.push(input);
    const start =
      input.ledgerCursor === null
        ? (this.runStarts.get(input.runId) ??
          this.runStarts
            .set(input.runId, { cursor: String(this.ledgerEnd), score: this.score })
            .get(input.runId)!)
        : undefined;
    const cursor = input.ledgerCursor ?? start!.cursor;
    const claimed = this.stored.filter((s) => !s.applied).slice(0, input.maxInteractions);
    const before = this.score;
    for (const s of claimed) {
      s.applied = true;
      this.score += s.points;
    }
    if (claimed.length > 0) this.ledgerEnd += 1;
    const profile = { profileId: 'engagement', isDefault: true, version: 1 };
    return {
      contactExists: true,
      applied: claimed.length,
      appliedTotal: this.applied.length,
      remaining: false,
      scores: [{ ...profile, score: this.score }],
      recentChanges: [],
      triggers: this.triggers,
      dndAllEnabled: false,
      appliedAdjustmentIds: claimed.filter((s) => s.ref.id.startsWith('adj:')).map((s) => s.ref.id),
      setAside: [],
      nextExpiryAt: null,
      ledger: {
        cursor: String(this.ledgerEnd),
        batches:
          Number(cursor) < this.ledgerEnd && claimed.length > 0
            ? [{ segments: [{ ...profile, rescore: false, before, after: this.score }] }]
            : [],
      },
      ...(start && { runStartScores: [{ ...profile, score: start.score }] }),
    };
  }
}
