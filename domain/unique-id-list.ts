import { z } from 'zod';

/**
 * A list of items known by their id, at most `max` long. Two items with one id are refused, the
 * later one named by its index: rules and triggers are stored and tracked per id, so a repeat
 * would silently share (or overwrite) the first one's state.
 */
export function uniqueIdListSchema<T extends z.ZodType<{ id: string }>>(item: T, max: number, noun: string) {
  return z
    .array(item)
    .max(max)
    .superRefine((items, ctx) => {
      const seen = new Set<string>();
      items.forEach((entry, i) => {
        if (seen.has(entry.id)) {
          ctx.addIssue({ code: 'custom', path: [i, 'id'], message: `duplicate ${noun} id "${entry.id}"` });
        }
        seen.add(entry.id);
      });
    })
    .describe(`${noun} ids are unique within the list`);
}
