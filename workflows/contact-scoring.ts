import {
  ActivityFailure,
  allHandlersFinished,
  ApplicationFailure,
  condition,
  continueAsNew,
  getExternalWorkflowHandle,
  log,
  proxyActivities,
  proxyLocalActivities,
  setHandler,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { ActivityOptions } from '@temporalio/common';
import type * as activities from '../activities';
import type {
  ContactScoringInput,
  ScoreAdjustmentRequest,
  ScoringPassResult,
} from '../domain/scoring-messages';
import { startAutomation } from './automations/start-automation';
import { dndEnabledSignal } from './automations/definitions';
import { ContactState } from './contact-state';
import {
  adjustScoreUpdate,
  contactScoreQuery,
  interactionsReceivedSignal,
  refreshScoresSignal,
} from './definitions';
import { engagementScoreAttribute, profilesAttribute } from './search-attributes';

type Activities = ReturnType<typeof activities.createActivities>;
const activityOptions: ActivityOptions = {
  startToCloseTimeout: '30 seconds',
  // Postgres being away is the common failure: keep trying, but back off. Values Postgres refuses
  // fail at once (PermanentDataError): a scoring pass sets them aside instead of failing.
  retry: {
    initialInterval: '1 second',
    backoffCoefficient: 2,
    maximumInterval: '30 seconds',
    nonRetryableErrorTypes: ['ProfileNotFound', 'ProfileNotPublished', 'PermanentDataError'],
  },
};
const { recordScoreAdjustment } = proxyActivities<Activities>(activityOptions);
// Scoring passes are short Postgres transactions: as local activities they run inside the workflow
// task that asked for them, sparing the server an activity task and a second workflow task per
// batch. A worker that dies mid-pass has its workflow task retried, and the pass with it.
const { applyScoringRules, expirePoints } = proxyLocalActivities<Activities>(activityOptions);

const MAX_INTERACTIONS_PER_PASS = 1_000;

/**
 * One per contact, for the contact's lifetime: wait for work, run a scoring pass, absorb what it
 * left behind, start the automations whose triggers fired, and hand over to a fresh run when the
 * history grows long. Signals only say "something arrived": Postgres is the inbox, and each pass
 * applies everything stored and not yet applied.
 */
export async function contactScoringWorkflow(input: ContactScoringInput): Promise<void> {
  const contact = new ContactState(input);

  setHandler(interactionsReceivedSignal, (refs) => contact.receive(refs));
  setHandler(refreshScoresSignal, () => contact.requestPass());
  setHandler(contactScoreQuery, () => contact.view());
  setHandler(adjustScoreUpdate, (request) => adjustScore(contact, request), {
    validator: (request: ScoreAdjustmentRequest) => {
      if (!Number.isInteger(request.points) || request.points === 0)
        throw new Error('points: must be a non-zero integer');
    },
  });

  const handOffDue = () => contact.handOffDue(workflowInfo().continueAsNewSuggested);
  for (;;) {
    const woken = await waitForWork(contact, handOffDue);
    if (handOffDue()) break;
    const result = woken ? await scoringPass(contact) : await lapsePass(contact);
    if (!result) continue;
    if (!result.contactExists) return; // the contact was deleted: nothing left to score
    const { fires, scoresChanged } = contact.absorb(result, Date.now());
    if (scoresChanged) publishSearchAttributes(contact);
    if (result.dndAllEnabled) await stopSending(contact.automationsToTell);
    for (const fire of fires) contact.automationStarted(await startAutomation(contact, fire));
  }

  // Signal handlers are synchronous; the update handler is not, and its work must land in this run.
  await condition(allHandlersFinished);
  await continueAsNew<typeof contactScoringWorkflow>({
    accountId: input.accountId,
    contactId: input.contactId,
    maxSignalsPerRun: input.maxSignalsPerRun,
    carried: contact.carried(),
  });
}

/** True when there is work (or a hand-off is due); false when points are due to lapse first. */
async function waitForWork(contact: ContactState, handOffDue: () => boolean): Promise<boolean> {
  const wake = () => contact.hasWork || handOffDue();
  if (contact.nextExpiryAt === null) return (await condition(wake), true);
  // Points that lapse wake the workflow on a durable timer.
  return condition(wake, Math.max(Date.parse(contact.nextExpiryAt) - Date.now(), 1));
}

function scoringPass(contact: ContactState): Promise<ScoringPassResult> {
  return applyScoringRules({
    ...contact.startPass(workflowInfo().runId),
    maxInteractions: MAX_INTERACTIONS_PER_PASS,
  });
}

/** Points whose time is up. A lapse Postgres refuses is logged and waits for the next pass's date. */
async function lapsePass(contact: ContactState): Promise<ScoringPassResult | undefined> {
  const { runId } = workflowInfo();
  try {
    return await expirePoints({ ...contact.startPass(runId), asOf: Date.now() });
  } catch (err) {
    if (!(err instanceof ActivityFailure)) throw err;
    log.error('points could not lapse', { error: err.cause?.message ?? err.message });
    contact.nextExpiryAt = null;
    return undefined;
  }
}

/**
 * A manual score change: stored as an interaction, applied by this workflow's loop like any
 * other, answered with the new score once it is ledgered (or refused when it was set aside).
 */
async function adjustScore(contact: ContactState, request: ScoreAdjustmentRequest) {
  contact.adjustmentStarted();
  try {
    const stored = await recordScoreAdjustment({
      accountId: contact.accountId,
      contactId: contact.contactId,
      ...request,
    });
    if (stored.state === 'pending') {
      contact.requestPass();
      await condition(() => contact.adjustmentOutcome(request.adjustmentId) !== undefined);
    }
    const outcome = contact.adjustmentOutcome(request.adjustmentId);
    const refused =
      stored.state === 'set_aside' ? stored.reason : outcome?.applied === false ? outcome.reason : null;
    if (refused !== null)
      throw ApplicationFailure.nonRetryable(`the adjustment was set aside: ${refused}`, 'AdjustmentSetAside');
    return {
      adjustmentId: request.adjustmentId,
      profileId: request.profileId,
      score: contact.scoreOf(request.profileId),
    };
  } finally {
    contact.adjustmentFinished();
  }
}

/** Compliance first: running automations hear about do-not-disturb before their next send. */
async function stopSending(automationIds: readonly string[]): Promise<void> {
  await Promise.all(
    automationIds.map(
      (id) =>
        getExternalWorkflowHandle(id)
          .signal(dndEnabledSignal)
          .catch(() => undefined), // finished automations cannot be signalled, and need not be
    ),
  );
}

function publishSearchAttributes(contact: ContactState): void {
  const { profiles, engagementScore } = contact.searchAttributes;
  upsertSearchAttributes([
    { key: profilesAttribute, value: profiles },
    { key: engagementScoreAttribute, value: engagementScore },
  ]);
}
