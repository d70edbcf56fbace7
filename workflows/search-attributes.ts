import { defineSearchAttributeKey, SearchAttributeType, type SearchAttributePair } from '@temporalio/common';
import type { AutomationSearchAttributeValues } from '../domain/automation-start';

/** Custom search attributes support staff filter by in the Temporal UI. */
export const accountAttribute = defineSearchAttributeKey('PulseAccount', SearchAttributeType.KEYWORD);
export const contactAttribute = defineSearchAttributeKey('PulseContact', SearchAttributeType.KEYWORD);
export const profilesAttribute = defineSearchAttributeKey('PulseProfiles', SearchAttributeType.KEYWORD_LIST);
/** The score under the account's default profile; absent while that profile is unpublished. */
export const engagementScoreAttribute = defineSearchAttributeKey('EngagementScore', SearchAttributeType.INT);
/** On automations (children of the contact workflow): the trigger that started it, and its registry name. */
export const triggerAttribute = defineSearchAttributeKey('PulseTrigger', SearchAttributeType.KEYWORD);
export const automationAttribute = defineSearchAttributeKey('PulseAutomation', SearchAttributeType.KEYWORD);

/** On automations: the step it is at (or last reached), e.g. `email`, `wait`, `sms`. */
export const automationStepAttribute = defineSearchAttributeKey(
  'PulseAutomationStep',
  SearchAttributeType.KEYWORD,
);
/** On automations: `running`, then `completed`, `stopped:dnd_all`, `stopped:contact_not_found` or `failed`. */
export const automationOutcomeAttribute = defineSearchAttributeKey(
  'PulseOutcome',
  SearchAttributeType.KEYWORD,
);

/** The four attributes every automation is started with, whoever starts it. */
export function automationSearchAttributes({
  accountId,
  contactId,
  triggerId,
  automation,
}: AutomationSearchAttributeValues): SearchAttributePair[] {
  return [
    { key: accountAttribute, value: accountId },
    { key: contactAttribute, value: contactId },
    { key: triggerAttribute, value: triggerId },
    { key: automationAttribute, value: automation },
  ];
}

/** Registration list for `temporal server start-dev --search-attribute Name=Type`. */
export const SEARCH_ATTRIBUTES = {
  PulseAccount: 'Keyword',
  PulseContact: 'Keyword',
  PulseProfiles: 'KeywordList',
  EngagementScore: 'Int',
  PulseTrigger: 'Keyword',
  PulseAutomation: 'Keyword',
  PulseAutomationStep: 'Keyword',
  PulseOutcome: 'Keyword',
} as const;
