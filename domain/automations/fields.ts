import { z } from 'zod';

/** Field shapes the automations' params share. */
export const subject = z.string().trim().min(1).max(200);
export const body = z.string().trim().min(1).max(5_000);
export const tag = z.string().min(1).max(64);
