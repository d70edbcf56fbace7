import { Router } from 'express';
import { withTransaction, type Db } from '../../db/pool';
import {
  createProfile,
  deleteProfile,
  editDraftRules,
  getProfile,
  getVersion,
  listProfiles,
  listVersions,
  publishProfile,
  republishVersion,
  setDraftRules,
  updateDraft,
} from '../../db/profiles';
import {
  addRule,
  removeRule,
  reorderRules,
  replaceRule,
  type DraftEditResult,
} from '../../domain/draft-rules';
import type { Rule } from '../../domain/rule';
import { HttpError } from '../http-error';
import { principalOf } from '../middleware/authenticate';
import { parsed, serve } from '../route';
import { profileRoutes as routes } from './routes';
import { simulateDraft } from './simulation-service';

/**
 * Called after a version is made live (publish or rollback), once the database has it. What it
 * returns is merged into the answer, e.g. `{ rescore: { workflowId } }`; an error it throws
 * fails the request, though the version stays published.
 */
export type OnPublished = (
  accountId: string,
  profileId: string,
  version: number,
) => Promise<Record<string, unknown> | void | undefined>;

export interface ProfilesRouterDeps {
  db: Db;
  onPublished?: OnPublished | undefined;
}

export function profilesRouter({ db, onPublished }: ProfilesRouterDeps): Router {
  const router = Router();

  /** The answer to a publish or rollback: what the hook adds, then the version (which it cannot override). */
  async function published(
    accountId: string,
    profileId: string,
    version: number,
  ): Promise<Record<string, unknown>> {
    const extra = onPublished ? await onPublished(accountId, profileId, version) : undefined;
    return { ...extra, profileId, version };
  }

  /** A refused draft edit as an HTTP answer; `field` is where a bad rule id list came from. */
  function refused(result: Extract<DraftEditResult, { ok: false }>, field = 'body.ruleIds'): HttpError {
    switch (result.reason) {
      case 'rule_not_found':
        return new HttpError(404, 'Not Found', result.message);
      case 'duplicate_rule_id':
        return new HttpError(409, 'Conflict', result.message);
      case 'too_many_rules':
        return new HttpError(409, 'Conflict', result.message);
      case 'not_a_permutation':
        return HttpError.field(field, `must list every rule of the draft exactly once (${result.message})`);
    }
  }

  async function editDraft(accountId: string, profileId: string, edit: (rules: Rule[]) => DraftEditResult) {
    const result = await editDraftRules(db, accountId, profileId, edit);
    if (!result) throw HttpError.notFound(`profile "${profileId}"`);
    if (!result.ok) throw refused(result);
    return result.profile;
  }

  serve(router, routes.listProfiles, async (_req, res) => {
    res.json({ profiles: await listProfiles(db, principalOf(res).accountId) });
  });

  serve(router, routes.createProfile, async (_req, res) => {
    const { body } = parsed(res, routes.createProfile);
    const profile = await createProfile(db, principalOf(res).accountId, body);
    if (!profile) throw new HttpError(409, 'Conflict', `profile "${body.id}" already exists`);
    res.status(201).json(profile);
  });

  serve(router, routes.getProfile, async (_req, res) => {
    const { profileId } = parsed(res, routes.getProfile).params;
    const profile = await getProfile(db, principalOf(res).accountId, profileId);
    if (!profile) throw HttpError.notFound(`profile "${profileId}"`);
    res.json(profile);
  });

  serve(router, routes.updateProfile, async (_req, res) => {
    const { params, body } = parsed(res, routes.updateProfile);
    const profile = await updateDraft(db, principalOf(res).accountId, params.profileId, body);
    if (!profile) throw HttpError.notFound(`profile "${params.profileId}"`);
    if (profile === 'bounds_invalid') {
      throw HttpError.field(
        body.ceiling !== undefined ? 'body.ceiling' : 'body.floor',
        "floor must be below ceiling (with the draft's other bound)",
      );
    }
    res.json(profile);
  });

  serve(router, routes.deleteProfile, async (_req, res) => {
    const { profileId } = parsed(res, routes.deleteProfile).params;
    const outcome = await deleteProfile(db, principalOf(res).accountId, profileId);
    if (outcome === 'not_found') throw HttpError.notFound(`profile "${profileId}"`);
    if (outcome === 'published') {
      throw new HttpError(
        409,
        'Conflict',
        `profile "${profileId}" has been published; only a never-published profile can be deleted`,
      );
    }
    res.status(204).end();
  });

  // --- the draft's rules

  serve(router, routes.listDraftRules, async (_req, res) => {
    const { profileId } = parsed(res, routes.listDraftRules).params;
    const profile = await getProfile(db, principalOf(res).accountId, profileId);
    if (!profile) throw HttpError.notFound(`profile "${profileId}"`);
    res.json({ rules: profile.draftRules });
  });

  serve(router, routes.setDraftRules, async (_req, res) => {
    const { params, body } = parsed(res, routes.setDraftRules);
    const profile = await setDraftRules(db, principalOf(res).accountId, params.profileId, body.rules);
    if (!profile) throw HttpError.notFound(`profile "${params.profileId}"`);
    res.json(profile);
  });

  serve(router, routes.addDraftRule, async (_req, res) => {
    const { params, body } = parsed(res, routes.addDraftRule);
    res
      .status(201)
      .json(await editDraft(principalOf(res).accountId, params.profileId, (rules) => addRule(rules, body)));
  });

  // Before /:ruleId, so "order" is never taken for a rule id.
  serve(router, routes.reorderDraftRules, async (_req, res) => {
    const { params, body } = parsed(res, routes.reorderDraftRules);
    res.json(
      await editDraft(principalOf(res).accountId, params.profileId, (rules) =>
        reorderRules(rules, body.ruleIds),
      ),
    );
  });

  serve(router, routes.replaceDraftRule, async (_req, res) => {
    const { params, body } = parsed(res, routes.replaceDraftRule);
    if (body.id !== params.ruleId) throw HttpError.field('body.id', 'must equal the rule id in the path');
    res.json(
      await editDraft(principalOf(res).accountId, params.profileId, (rules) =>
        replaceRule(rules, params.ruleId, body),
      ),
    );
  });

  serve(router, routes.deleteDraftRule, async (_req, res) => {
    const { params } = parsed(res, routes.deleteDraftRule);
    await editDraft(principalOf(res).accountId, params.profileId, (rules) =>
      removeRule(rules, params.ruleId),
    );
    res.status(204).end();
  });

  // --- versions

  serve(router, routes.publishProfile, async (_req, res) => {
    const { profileId } = parsed(res, routes.publishProfile).params;
    const principal = principalOf(res);
    // The hook (starting the re-score) runs before the version commits: if it fails (Temporal
    // away: 503), nothing is published, so "retry" means what it says.
    const answer = await withTransaction(db, async (tx) => {
      const version = await publishProfile(tx, principal.accountId, profileId, principal.keyId);
      return version === undefined ? undefined : published(principal.accountId, profileId, version);
    });
    if (answer === undefined) throw HttpError.notFound(`profile "${profileId}"`);
    res.status(201).json(answer);
  });

  serve(router, routes.listProfileVersions, async (_req, res) => {
    const { profileId } = parsed(res, routes.listProfileVersions).params;
    const { accountId } = principalOf(res);
    if (!(await getProfile(db, accountId, profileId))) throw HttpError.notFound(`profile "${profileId}"`);
    res.json({ versions: await listVersions(db, accountId, profileId) });
  });

  serve(router, routes.getProfileVersion, async (_req, res) => {
    const { params } = parsed(res, routes.getProfileVersion);
    const record = await getVersion(db, principalOf(res).accountId, params.profileId, params.version);
    if (!record) throw HttpError.notFound(`version ${params.version} of profile "${params.profileId}"`);
    res.json(record);
  });

  serve(router, routes.republishProfileVersion, async (_req, res) => {
    const { params } = parsed(res, routes.republishProfileVersion);
    const principal = principalOf(res);
    const answer = await withTransaction(db, async (tx) => {
      const made = await republishVersion(
        tx,
        principal.accountId,
        params.profileId,
        params.version,
        principal.keyId,
      );
      return made === undefined ? undefined : published(principal.accountId, params.profileId, made);
    });
    if (answer === undefined)
      throw HttpError.notFound(`version ${params.version} of profile "${params.profileId}"`);
    res.status(201).json({ republishedFrom: params.version, ...answer });
  });

  // --- simulation

  serve(router, routes.simulateDraft, async (_req, res) => {
    const { params, query } = parsed(res, routes.simulateDraft);
    const { accountId } = principalOf(res);
    const profile = await getProfile(db, accountId, params.profileId);
    if (!profile) throw HttpError.notFound(`profile "${params.profileId}"`);
    res.json(await simulateDraft(db, accountId, profile, query));
  });

  return router;
}
