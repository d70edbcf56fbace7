import { z } from 'zod';
import { readContactForAutomation as readContact } from '../../db/action-contacts';
import type { Db } from '../../db/pool';
import type { ContactForAutomation, ContactRef } from '../../domain/action-activities';
import { entityIdSchema } from '../../domain/ids';
import { parseInput } from './action-log';

const readContactSchema = z.object({ accountId: entityIdSchema, contactId: entityIdSchema });

const missing: ContactForAutomation = {
  exists: false,
  email: null,
  phone: null,
  tags: [],
  dndChannels: [],
  scores: {},
};

export function createReadContactForAutomation(db: Db) {
  return async function readContactForAutomation(input: ContactRef): Promise<ContactForAutomation> {
    const { accountId, contactId } = parseInput(readContactSchema, input, 'readContactForAutomation');
    const contact = await readContact(db, accountId, contactId);
    return contact ? { exists: true, ...contact } : { ...missing };
  };
}
