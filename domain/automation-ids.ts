/**
 * Automation workflow ids: `<contact workflow id>/trigger:<trigger id>/<fire number>`, and every
 * action an automation takes is keyed `<automation id>/<step>` in automation_actions. Pure, so the
 * workflow that starts automations and the scoring pass that reads their records agree.
 */

export function automationWorkflowId(
  contactWorkflowId: string,
  triggerId: string,
  fireNumber: number,
): string {
  return `${contactWorkflowId}/trigger:${triggerId}/${fireNumber}`;
}

/** What action keys say about a trigger's fires for one contact: the highest fire number, and when it acted first. */
export interface FiresRecorded {
  fires: number;
  /** Epoch ms of the earliest action of that fire's automation: about when it fired. */
  lastFiredAt: number;
}

/** The prefix every action key of this contact's automations starts with. */
export function automationActionKeyPrefix(contactWorkflowId: string): string {
  return `${contactWorkflowId}/trigger:`;
}

/**
 * Reads the fire numbers back out of action keys (`<prefix><trigger>/<n>/<step>`): after a
 * Terminate or a Reset the contact workflow has forgotten its fire counts, and its next fire must
 * not reuse a number whose automation already exists.
 */
export function firesRecordedIn(
  contactWorkflowId: string,
  actions: readonly { actionKey: string; createdAt: number }[],
): Record<string, FiresRecorded> {
  const prefix = automationActionKeyPrefix(contactWorkflowId);
  const fires: Record<string, FiresRecorded> = {};
  for (const { actionKey, createdAt } of actions) {
    if (!actionKey.startsWith(prefix)) continue;
    const [triggerId, number] = actionKey.slice(prefix.length).split('/');
    const fireNumber = Number(number);
    if (!triggerId || !Number.isSafeInteger(fireNumber) || fireNumber < 1) continue;
    const known = fires[triggerId];
    if (!known || fireNumber > known.fires) fires[triggerId] = { fires: fireNumber, lastFiredAt: createdAt };
    else if (fireNumber === known.fires) known.lastFiredAt = Math.min(known.lastFiredAt, createdAt);
  }
  return fires;
}
