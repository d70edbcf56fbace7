import { Context } from '@temporalio/activity';
import { listLiveProfiles } from '../db/profiles';
import { withTransaction, type Db } from '../db/pool';
import { awaitProfilePublishes, lockContactRange, peekContactPage, readScoreVersions } from '../db/rescore';
import { refreshScores, runningContactWorkflows } from '../clients/contact-workflow';
import { rescoreContacts } from './rescore';

export interface RescorePageInput {
  accountId: string;
  profileId: string;
  version: number;
  afterContactId: string | null;
  pageSize: number;
}

export interface RescorePageResult {
  /** False when the version is no longer live: a newer publish (or rollback) took over. */
  live: boolean;
  processed: number;
  rescored: number;
  lastContactId: string | null;
}

/**
 * Transactions a page is split into, run at the same time: the page's cost is mostly Postgres
 * writing ledger rows (one backend, one core per transaction) and this process computing scores,
 * so two slices keep both cores of a small machine busy where one left a core idle.
 */
const SLICES = 2;

interface SliceResult {
  live: boolean;
  processed: number;
  rescored: string[];
}

/**
 * Brings one page of contacts to `version`. The page is cut into id ranges, each re-scored in a
 * transaction that locks its contacts, so no interaction is applied to them meanwhile. Contacts
 * already at this version (scored by their own workflow since the publish, or by an earlier
 * attempt of this page, or by a slice of it that committed before another failed) are skipped:
 * a retry redoes nothing.
 */
export function createRescorePage(db: Db) {
  return async function rescorePage(input: RescorePageInput): Promise<RescorePageResult> {
    Context.current().heartbeat();
    const page = await peekContactPage(db, input.accountId, input.afterContactId, input.pageSize);
    const slices = await Promise.all(
      rangesOf(input.afterContactId, page).map((range) => rescoreRange(db, input, range)),
    );
    Context.current().heartbeat();
    const rescored = slices.flatMap((s) => s.rescored);
    if (slices.some((s) => !s.live)) {
      return { live: false, processed: 0, rescored: 0, lastContactId: input.afterContactId };
    }
    await refreshRunningWorkflows(input.accountId, rescored);
    return {
      live: true,
      processed: slices.reduce((n, s) => n + s.processed, 0),
      rescored: rescored.length,
      lastContactId: page.at(-1) ?? input.afterContactId,
    };
  };
}

interface IdRange {
  after: string | null;
  upTo: string;
}

/** The page's ids as up to SLICES consecutive ranges (after, upTo]; none for an empty page. */
function rangesOf(after: string | null, page: readonly string[]): IdRange[] {
  const size = Math.ceil(page.length / SLICES);
  const ranges: IdRange[] = [];
  let from = after;
  for (let i = 0; i < page.length; i += size) {
    const upTo = page[Math.min(i + size, page.length) - 1]!;
    ranges.push({ after: from, upTo });
    from = upTo;
  }
  return ranges;
}

/**
 * One range in one transaction. The range, not the peeked ids, is what is locked: a contact
 * created in it since the peek is re-scored too (or skipped, if its workflow already did).
 */
async function rescoreRange(db: Db, input: RescorePageInput, range: IdRange): Promise<SliceResult> {
  return withTransaction(db, async (tx) => {
    await awaitProfilePublishes(tx, input.accountId, input.profileId);
    const profile = (await listLiveProfiles(tx, input.accountId)).find(
      (p) => p.profileId === input.profileId,
    );
    if (!profile || profile.version !== input.version) return { live: false, processed: 0, rescored: [] };
    const contactIds = await lockContactRange(tx, input.accountId, range.after, range.upTo);
    const versions = await readScoreVersions(tx, input.accountId, input.profileId, contactIds);
    const stale = contactIds.filter((id) => (versions.get(id) ?? 0) < input.version);
    await rescoreContacts(tx, input.accountId, profile, stale);
    return { live: true, processed: contactIds.length, rescored: stale };
  });
}

/**
 * Running contact workflows cache scores (queries, EngagementScore); tell them to re-read. Only
 * contacts whose workflow is running get a signal: one visibility query per page instead of a
 * signal per contact, most of which found no workflow and cost the Temporal server as much as a
 * real one. Visibility may lag a just-started workflow; that one read its scores after this page
 * committed, and a missed refresh only waits for the contact's next interaction. When the query
 * itself fails, every contact is signalled as before.
 */
async function refreshRunningWorkflows(accountId: string, contactIds: string[]): Promise<void> {
  const { client } = Context.current();
  const running = await runningContactWorkflows(client, accountId, contactIds).catch(() => contactIds);
  const CONCURRENCY = 20;
  for (let i = 0; i < running.length; i += CONCURRENCY) {
    Context.current().heartbeat();
    await Promise.allSettled(
      running.slice(i, i + CONCURRENCY).map((contactId) => refreshScores(client, { accountId, contactId })),
    );
  }
}
