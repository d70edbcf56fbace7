import { z } from 'zod';
import { declareAutomation } from './declare';
import { body, subject } from './fields';

export const followUpSequence = declareAutomation({
  name: 'follow_up_sequence',
  workflowType: 'followUpSequenceWorkflow',
  summary: 'Email now, wait, then SMS and a task for the owner if the score has not recovered',
  params: z.strictObject({
    /** Days between the email and the check; fractions allowed (0.5 = 12 hours). */
    waitDays: z.number().min(0).max(365).default(3),
    /** The score that counts as recovered; defaults to the trigger's threshold. */
    recoveredAt: z.number().optional(),
    emailSubject: subject.default('We miss you'),
    emailText: body.default('It has been a while. Here is what is new since your last visit.'),
    smsText: z
      .string()
      .trim()
      .min(1)
      .max(1_600)
      .default('We have something new for you. Reply STOP to opt out.'),
    taskTitle: subject.default('Follow up: engagement dropped'),
    /** Who gets the task; defaults to the contact's owner. */
    taskAssignee: z.string().min(1).max(200).optional(),
  }),
});

/** Recovered: the score is back at or above `recoveredAt` (the params', or else the trigger's threshold). */
export function hasRecovered(score: number | null, recoveredAt: number | undefined): boolean {
  return score !== null && recoveredAt !== undefined && score >= recoveredAt;
}
