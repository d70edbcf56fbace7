import type { InteractionRef } from './scoring-messages';

/**
 * The reconciler's safety net: interactions stored but never applied (their wake-up signal was
 * lost: Temporal away, or the API died between storing and signalling) are found in Postgres and
 * their contacts woken. Contacts are walked in (account, contact) order, a page at a time.
 */
export interface ReconcileInboxInput {
  /** Only interactions stored at least this long ago: younger ones may still have their signal in flight. */
  graceSeconds: number;
  /** Contacts woken per activity. */
  pageSize?: number;
  /** Only this account's contacts (tests share one Postgres between task queues); absent: every account. */
  accountId?: string;
  /** Where the previous run stopped when it continued as new. */
  after?: StrandedContactCursor;
  /** Contacts woken by earlier runs of this pass. */
  wokenBefore?: number;
}

/** The last contact of a page: the next page starts after it. */
export interface StrandedContactCursor {
  accountId: string;
  contactId: string;
}

/** A contact with interactions waiting, and the oldest of them: naming one wakes its workflow. */
export interface StrandedContact {
  accountId: string;
  contactId: string;
  oldest: InteractionRef;
}

export interface WakePageResult {
  woken: number;
  /** Absent when this page was the last. */
  next?: StrandedContactCursor;
}
