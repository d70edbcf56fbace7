import { Context } from '@temporalio/activity';
import type {
  ActionActivities,
  ActionActivityName,
  ActionOf,
  ContactForAutomation,
  ContactRef,
} from '../../domain/action-activities';
import type { ActionOutcome } from '../../domain/actions';
import { blocksAllChannels } from '../../domain/automation-status';

/**
 * In-memory action activities for tests of the automations' orchestration (the real ones, over
 * Postgres, have their own integration tests). Like the real ones, each action's outcome is
 * kept under its actionKey and a repeated key answers that first outcome without acting again,
 * so `effects` is what a contact would have seen and `calls` is every attempt the worker made.
 */

type AnyAction = ActionOf[ActionActivityName];

export interface RecordedCall {
  activity: keyof ActionActivities;
  args: unknown;
  attempt: number;
  /** Server time (skipped time under the time-skipping server) the attempt was scheduled at. */
  scheduledAt: number;
}

export interface Effect {
  activity: ActionActivityName;
  action: AnyAction;
  outcome: ActionOutcome;
}

/** How a planned failure happens: before the action takes effect, or after (the reply is lost). */
export type FailureTiming = 'before-effect' | 'after-effect';

export class RecordingActions {
  readonly calls: RecordedCall[] = [];
  readonly effects: Effect[] = [];
  private readonly outcomes = new Map<string, ActionOutcome>();
  private readonly contacts = new Map<string, ContactForAutomation>();
  private readonly failures: Array<{
    activity: keyof ActionActivities;
    timing: FailureTiming;
    error: () => Error;
  }> = [];

  /** Sets (part of) a contact; contacts not set exist with an email, a phone and no scores. */
  setContact(ref: ContactRef, contact: Partial<ContactForAutomation>): void {
    this.contacts.set(refKey(ref), { ...this.contact(ref), ...contact });
  }

  contact(ref: ContactRef): ContactForAutomation {
    return (
      this.contacts.get(refKey(ref)) ?? {
        exists: true,
        email: `${ref.contactId}@example.com`,
        phone: '+15550100',
        tags: [],
        dndChannels: [],
        scores: {},
      }
    );
  }

  /** The next call of `activity` throws (a transient error unless `error` says otherwise). */
  failNext(
    activity: keyof ActionActivities,
    {
      timing = 'before-effect',
      error = () => new Error(`${activity}: connection reset`),
    }: { timing?: FailureTiming; error?: () => Error } = {},
  ): void {
    this.failures.push({ activity, timing, error });
  }

  callsOf(activity: keyof ActionActivities): RecordedCall[] {
    return this.calls.filter((c) => c.activity === activity);
  }

  effectsOf(activity: ActionActivityName): AnyAction[] {
    return this.effects.filter((e) => e.activity === activity).map((e) => e.action);
  }

  /** Activity name + action argument, in the order they took effect. */
  actionsTaken(): Array<[ActionActivityName, AnyAction]> {
    return this.effects.map((e) => [e.activity, e.action]);
  }

  /** The functions to hand a Worker as `activities`. */
  activities(): ActionActivities {
    return {
      sendEmail: (a) =>
        this.act('sendEmail', a, (c) => (blocked(c, 'email') ? 'dnd_email' : c.email ? null : 'no_email')),
      sendSms: (a) =>
        this.act('sendSms', a, (c) => (blocked(c, 'sms') ? 'dnd_sms' : c.phone ? null : 'no_phone')),
      addTag: (a) =>
        this.act('addTag', a, (c) => {
          if (!c.tags.includes(a.tag)) c.tags.push(a.tag);
          return null;
        }),
      removeTag: (a) =>
        this.act('removeTag', a, (c) => {
          c.tags = c.tags.filter((t) => t !== a.tag);
          return null;
        }),
      createTask: (a) => this.act('createTask', a),
      addToCampaign: (a) => this.act('addToCampaign', a),
      removeFromCampaign: (a) => this.act('removeFromCampaign', a),
      leaveCampaignUnlessRecovered: (a) => this.act('leaveCampaignUnlessRecovered', a),
      segmentByCurrentScore: (a) => this.act('segmentByCurrentScore', a),
      modifyEngagementScore: (a) => this.act('modifyEngagementScore', a),
      sendWebhook: (a) => this.act('sendWebhook', a),
      readContactForAutomation: async (ref) => {
        this.record('readContactForAutomation', ref);
        await Promise.resolve();
        this.maybeFail('readContactForAutomation', 'before-effect');
        return structuredClone(this.contact(ref));
      },
      recordStepsNotTaken: async (record) => {
        this.record('recordStepsNotTaken', record);
        await Promise.resolve();
      },
    };
  }

  /** `apply` changes the contact and returns a reason to skip, or null when the action was done. */
  private async act(
    activity: ActionActivityName,
    action: AnyAction,
    apply: (contact: ContactForAutomation) => string | null = () => null,
  ): Promise<ActionOutcome> {
    this.record(activity, action);
    await Promise.resolve();
    this.maybeFail(activity, 'before-effect');
    let outcome = this.outcomes.get(action.actionKey);
    if (outcome === undefined) {
      const contact = this.contact(action);
      const skipReason = contact.exists ? apply(contact) : 'contact_not_found';
      outcome =
        skipReason === null
          ? { status: 'done', actionKey: action.actionKey }
          : { status: 'skipped', actionKey: action.actionKey, reason: skipReason };
      this.contacts.set(refKey(action), contact);
      this.outcomes.set(action.actionKey, outcome);
      this.effects.push({ activity, action, outcome });
    }
    this.maybeFail(activity, 'after-effect');
    return outcome;
  }

  private record(activity: keyof ActionActivities, args: unknown): void {
    const info = Context.current().info;
    this.calls.push({
      activity,
      args,
      attempt: info.attempt,
      scheduledAt: info.currentAttemptScheduledTimestampMs,
    });
  }

  private maybeFail(activity: keyof ActionActivities, timing: FailureTiming): void {
    const i = this.failures.findIndex((f) => f.activity === activity && f.timing === timing);
    if (i < 0) return;
    const [failure] = this.failures.splice(i, 1);
    throw failure!.error();
  }
}

/** What the real action activities throw for an action that can never succeed. */
export class ActionValidationError extends Error {
  override name = 'ActionValidationError';
}

const refKey = (ref: ContactRef) => `${ref.accountId}/${ref.contactId}`;
const blocked = (c: ContactForAutomation, channel: string) =>
  blocksAllChannels(c.dndChannels) || c.dndChannels.includes(channel);
