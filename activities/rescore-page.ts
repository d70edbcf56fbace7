import { Context } from '@temporalio/activity';
import { listLiveProfiles } from '../db/profiles';
import { withTransaction, type Db } from '../db/pool';
import { awaitProfilePublishes, lockContactPage, readScoreVersions } from '../db/rescore';
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
 * Brings one page of contacts to `version`, in one transaction that locks them, so no interaction
 * is applied to them meanwhile. Contacts already at this version (scored by their own workflow
 * since the publish, or by an earlier attempt of this page) are skipped: a retry redoes nothing.
 */
export function createRescorePage(db: Db) {
  return async function rescorePage(input: RescorePageInput): Promise<RescorePageResult> {
    Context.current().heartbeat();
    const result = await withTransaction(db, async (tx) => {
      await awaitProfilePublishes(tx, input.accountId, input.profileId);
      const profile = (await listLiveProfiles(tx, input.accountId)).find(
        (p) => p.profileId === input.profileId,
      );
      if (!profile || profile.version !== input.version) {
        return { live: false, processed: 0, rescored: [] as string[], lastContactId: input.afterContactId };
      }
      const contactIds = await lockContactPage(tx, input.accountId, input.afterContactId, input.pageSize);
      const versions = await readScoreVersions(tx, input.accountId, input.profileId, contactIds);
      const stale = contactIds.filter((id) => (versions.get(id) ?? 0) < input.version);
      await rescoreContacts(tx, input.accountId, profile, stale);
      return {
        live: true,
        processed: contactIds.length,
        rescored: stale,
        lastContactId: contactIds.at(-1) ?? null,
      };
    });
    Context.current().heartbeat();
    await refreshRunningWorkflows(input.accountId, result.rescored);
    return { ...result, rescored: result.rescored.length };
  };
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
