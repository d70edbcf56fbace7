import { z } from 'zod';
import type { Db } from '../../db/pool';
import type { ActionOutcome, SendSmsAction } from '../../domain/actions';
import type { SmsProvider } from '../sms-provider';
import { actionBaseSchema, actionDigest, parseInput } from './action-log';
import { deliverOnce } from './delivery';

const sendSmsSchema = actionBaseSchema.extend({
  // Long enough for a concatenated message; providers split it.
  text: z.string().min(1).max(1_600),
});

export function createSendSms(deps: { db: Db; sms: SmsProvider; leaseMs: number }) {
  return async function sendSms(input: SendSmsAction): Promise<ActionOutcome> {
    const sms = parseInput(sendSmsSchema, input, 'sendSms');
    const { accountId, contactId, text } = sms;
    const messageId = `sms_${actionDigest(accountId, sms.actionKey)}`;
    return deliverOnce(deps, sms, {
      channel: 'sms',
      messageId,
      send: (to) => deps.sms.send({ accountId, contactId, to, text, messageId }),
    });
  };
}
