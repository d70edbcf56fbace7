import { z } from 'zod';

/**
 * Where a webhook may be sent: an absolute http(s) URL. Whether its host may be called (not a
 * private, loopback or link-local address) is decided when it is sent, since DNS can change.
 */
export const webhookUrlSchema = z
  .url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL' })
  .max(2_048);

/** An event name receivers switch on: lower case, dot-separated words, e.g. `score.threshold_crossed`. */
export const webhookEventSchema = z
  .string()
  .regex(
    /^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)*$/,
    'lower-case words separated by dots, e.g. score.threshold_crossed',
  )
  .max(100);
