import type { AutomationInput } from './actions';
import type { AutomationStatus } from './automation-status';
import type { ContactScoreView } from './scoring-messages';

/**
 * What a person reads in the Temporal UI about each execution Pulse starts: a one-line summary
 * for the list, Markdown details for the execution page, and the current details while it runs.
 * Pure text from the inputs, so the API, the workflows and the tests all agree on it.
 */

/** Temporal shows a summary as one line; Pulse keeps them within this many UTF-8 bytes. */
export const SUMMARY_MAX_BYTES = 200;

export interface ExecutionText {
  staticSummary: string;
  staticDetails: string;
}

export function contactExecutionText(accountId: string, contactId: string): ExecutionText {
  return {
    staticSummary: oneLine(`Contact ${contactId} · ${accountId}`),
    staticDetails: [
      `**Contact scoring workflow** for contact \`${contactId}\` of account \`${accountId}\`.`,
      '',
      "Receives the contact's interactions, applies the published score profiles, keeps the scores",
      'and starts the automations whose triggers fire. Open **Current details** (or the',
      '`contactScore` query) for the scores, pending work and recent fires.',
      '',
      field('Account', accountId),
      field('Contact', contactId),
    ].join('\n'),
  };
}

export interface AutomationDescription {
  /** Registry name, e.g. `reward_offer`. */
  automation: string;
  /** The automation's own one-line description, from its declaration. */
  purpose: string;
  /** The trigger's condition, e.g. `gte 80`. */
  condition: string;
}

/** E.g. "Reward offer for ada · trigger reward-80 fired at 83". */
export function automationExecutionText(input: AutomationInput, about: AutomationDescription): ExecutionText {
  const title = automationTitle(about.automation);
  const score = input.score === null ? 'empty' : String(input.score);
  return {
    staticSummary: oneLine(`${title} for ${input.contactId} · trigger ${input.triggerId} fired at ${score}`),
    staticDetails: [
      `**${title}** (\`${about.automation}\`): ${about.purpose}.`,
      '',
      field('Account', input.accountId),
      field('Contact', input.contactId),
      field('Profile', input.profileId),
      field('Trigger', `${input.triggerId} (score ${about.condition})`),
      `- **Score when it fired**: ${score}`,
      field('Input', JSON.stringify(input.params)),
    ].join('\n'),
  };
}

/**
 * The line an automation's details end with when the contact workflow started it by id rather
 * than as its child: the Temporal UI then shows no parent, so the details name it.
 */
export function automationStartedByLine(contactWorkflowId: string, fireNumber: number): string {
  return field('Started by', `${contactWorkflowId} (fire ${fireNumber})`);
}

export function rescoreExecutionText(accountId: string, profileId: string, version: number): ExecutionText {
  return {
    staticSummary: oneLine(`Re-score ${accountId} · profile ${profileId} v${version}`),
    staticDetails: [
      `**Re-score after publish**: recomputes every contact of account \`${accountId}\` under`,
      `version ${version} of profile \`${profileId}\`, a page of contacts at a time. It fires no triggers.`,
      '',
      field('Account', accountId),
      field('Profile', profileId),
      `- **Version**: ${version}`,
    ].join('\n'),
  };
}

export function reconcilerExecutionText(graceSeconds: number, accountId?: string): ExecutionText {
  const scope = accountId === undefined ? 'all accounts' : `account ${accountId}`;
  return {
    staticSummary: oneLine(`Inbox reconciler · ${scope} · wakes contacts unsignalled for ${graceSeconds} s`),
    staticDetails: [
      '**Inbox reconciler** (a Schedule): finds interactions stored but not applied for longer than',
      `${graceSeconds} s, whose wake-up signal was lost, and signals their contacts' workflows.`,
      '',
      field('Scope', scope),
      `- **Grace**: ${graceSeconds} s`,
    ].join('\n'),
  };
}

/** `follow_up_sequence` → "Follow up sequence". */
export function automationTitle(name: string): string {
  const words = name.replace(/_/g, ' ').trim();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** The contact workflow's current details: what it holds now, newest facts first. */
export function contactCurrentDetails(view: ContactScoreView): string {
  const lines = [`**Contact \`${view.contactId}\`** · run ${view.runNumber}`, '', '**Scores**'];
  if (view.scores.length === 0) lines.push('- none yet (no published profile)');
  for (const s of view.scores)
    lines.push(`- ${s.profileId} v${s.version}: **${s.score}**${s.isDefault ? ' (default)' : ''}`);
  lines.push(
    '',
    `**Interactions**: ${view.appliedCount} applied, ${view.pendingCount} pending`,
    '',
    '**Last changes**',
  );
  const changes = view.recentChanges.slice(-5).reverse();
  if (changes.length === 0) lines.push('- none');
  for (const c of changes)
    lines.push(
      `- ${c.profileId}: ${signed(c.delta)} by rule \`${c.ruleId}\` for \`${c.interactionId}\` → ${c.scoreAfter}`,
    );
  lines.push('', '**Set aside** (not scored; see GET /contacts/:id/set-aside)');
  const setAside = view.recentlySetAside.slice(-5).reverse();
  if (setAside.length === 0) lines.push('- none');
  for (const item of setAside) lines.push(`- \`${item.id}\` (${item.type}): ${item.reason}`);
  lines.push('', '**Trigger fires**');
  const fired = Object.entries(view.triggerStates).filter(([, state]) => state.fires > 0);
  if (fired.length === 0) lines.push('- none');
  for (const [triggerId, state] of fired) {
    const last = state.lastFiredAt === null ? '' : `, last at ${new Date(state.lastFiredAt).toISOString()}`;
    lines.push(`- ${triggerId}: fired ${state.fires}×${last}${state.armed ? '' : ' (waiting to re-arm)'}`);
  }
  lines.push('', '**Automations started** (newest first)');
  const automations = view.recentAutomations.slice(-5).reverse();
  if (automations.length === 0) lines.push('- none');
  for (const id of automations) lines.push(`- \`${id}\``);
  return lines.join('\n');
}

/** An automation's current details: where it is and what it did, e.g. "waiting 3 days until …". */
export function automationCurrentDetails(status: AutomationStatus, currentStep: string | null): string {
  const title = automationTitle(status.automation);
  const lines = [`**${title}**: ${describePhase(status, currentStep)}`, '', '**Steps**'];
  if (status.steps.length === 0) lines.push('- none yet');
  for (const s of status.steps) {
    const why = s.reason === undefined ? '' : `: ${s.reason}`;
    const detail = s.detail === undefined ? '' : ` (${s.detail})`;
    lines.push(`- ${s.step}: ${s.status}${why}${detail}`);
  }
  return lines.join('\n');
}

function describePhase(status: AutomationStatus, currentStep: string | null): string {
  switch (status.phase) {
    case 'waiting':
      return `waiting at step \`${currentStep}\` until ${status.waitingUntil}`;
    case 'running':
      return currentStep === null ? 'starting' : `running step \`${currentStep}\``;
    case 'stopped':
      return `stopped: ${status.stopReason}`;
    default:
      return status.phase;
  }
}

function field(name: string, value: string): string {
  return `- **${name}**: \`${value.replace(/`/g, "'")}\``;
}

function signed(n: number): string {
  return n > 0 ? `+${n}` : String(n);
}

/** One line, cut (with an ellipsis) to at most SUMMARY_MAX_BYTES bytes of UTF-8. */
export function oneLine(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  if (utf8Bytes(flat) <= SUMMARY_MAX_BYTES) return flat;
  let out = '';
  for (const ch of flat) {
    if (utf8Bytes(out + ch) + utf8Bytes('…') > SUMMARY_MAX_BYTES) break;
    out += ch;
  }
  return `${out}…`;
}

function utf8Bytes(text: string): number {
  let bytes = 0;
  for (const ch of text) {
    const cp = ch.codePointAt(0)!;
    bytes += cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
  }
  return bytes;
}
