import { z } from 'zod';

/**
 * Paths and query strings carry text: an integer must be written as one, in decimal digits with
 * an optional minus. A blank is not 0, and `0x10`, `+1`, ` 1` or `1e3` are not numbers here
 * (Number() and z.coerce would take them all).
 */
export const textInteger = <T extends z.ZodType<number, number>>(schema: T) =>
  z
    .string()
    .regex(/^-?\d{1,10}$/, 'must be an integer in decimal digits')
    .transform(Number)
    .pipe(schema);
