import { z } from 'zod';
import { readContactForAutomation as readContact, type DndChannel } from '../../db/automation-actions';
import type { Db } from '../../db/pool';
import { entityIdSchema } from '../../domain/ids';
import { parseInput } from './action-log';

export interface ReadContactInput {
  accountId: string;
  contactId: string;
}

/** What an automation checks before it acts: where to reach the contact, what it blocked, its scores. */
export interface ContactForAutomation {
  exists: boolean;
  email: string | null;
  phone: string | null;
  tags: string[];
  dndChannels: DndChannel[];
  /** Per profile id: null while the profile is unpublished ("empty"), 0 when published and not yet scored. */
  scores: Record<string, number | null>;
}

const readContactSchema = z.object({ accountId: entityIdSchema, contactId: entityIdSchema });

const missing: ContactForAutomation = { exists: false, email: null, phone: null, tags: [], dndChannels: [], scores: {} };

export function createReadContactForAutomation(db: Db) {
  return async function readContactForAutomation(input: ReadContactInput): Promise<ContactForAutomation> {
    const { accountId, contactId } = parseInput(readContactSchema, input, 'readContactForAutomation');
    const contact = await readContact(db, accountId, contactId);
    return contact ? { exists: true, ...contact } : { ...missing };
  };
}
