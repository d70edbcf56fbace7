import { z } from 'zod';
import type { Db } from '../../db/pool';
import type { ActionOutcome, SendEmailAction } from '../../domain/actions';
import type { Mailer } from '../mailer';
import { actionBaseSchema, actionDigest, parseInput } from './action-log';
import { deliverOnce } from './delivery';

const sendEmailSchema = actionBaseSchema.extend({
  // RFC 5322 caps a line at 998 characters; a subject is one header line.
  subject: z.string().min(1).max(900),
  text: z.string().min(1).max(100_000),
});

/** The Message-ID of an action's email: the same on every attempt, so a resend is recognisable downstream. */
export function emailMessageId(accountId: string, actionKey: string, domain: string): string {
  return `<pulse.${actionDigest(accountId, actionKey)}@${domain}>`;
}

export function createSendEmail(deps: { db: Db; mailer: Mailer; leaseMs: number; messageIdDomain: string }) {
  return async function sendEmail(input: SendEmailAction): Promise<ActionOutcome> {
    const email = parseInput(sendEmailSchema, input, 'sendEmail');
    const { subject, text } = email;
    const messageId = emailMessageId(email.accountId, email.actionKey, deps.messageIdDomain);
    return deliverOnce(deps, email, {
      channel: 'email',
      messageId,
      send: (to) => deps.mailer.send({ to, subject, text, messageId }),
    });
  };
}
