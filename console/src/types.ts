import type { z } from 'zod';
import type {
  ledgerSchema,
  contactWithScoresSchema,
  rescoreProgressSchema,
  triggerRecordSchema,
} from '../../api/openapi/response-schemas';
import type {
  distributionSchema,
  profileSchema,
  simulationSchema,
  versionSchema,
  versionSummarySchema,
} from '../../api/profiles/response-schemas';
import type { automationRunSchema } from '../../api/automation-runs/schemas';
import type { SavedFilter } from './lib/contact-filter';

/** The API's answers, typed from the very schemas the OpenAPI document is built from. */
export type Profile = z.infer<typeof profileSchema>;
export type VersionSummary = z.infer<typeof versionSummarySchema>;
export type Version = z.infer<typeof versionSchema>;
export type Simulation = z.infer<typeof simulationSchema>;
export type Distribution = z.infer<typeof distributionSchema>;
export type ContactWithScores = z.infer<typeof contactWithScoresSchema>;
export type Ledger = z.infer<typeof ledgerSchema>;
export type RescoreProgress = z.infer<typeof rescoreProgressSchema>;
export type TriggerRecord = z.infer<typeof triggerRecordSchema>;
export type AutomationRun = z.infer<typeof automationRunSchema>;

export interface ListedContact {
  id: string;
  name: string | null;
  email: string | null;
  tags: string[];
  score: number | null;
  profileId: string | null;
}
export interface ContactPage {
  items: ListedContact[];
  nextCursor: string | null;
}
export interface SmartList {
  id: string;
  name: string;
  filter: SavedFilter;
}
