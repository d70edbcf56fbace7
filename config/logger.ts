import pino, { type Logger } from 'pino';

/** Structured JSON logs on stdout; one logger per process, children per component. */
export function createLogger(level: string, name = 'pulse'): Logger {
  return pino({ name, level, base: { pid: process.pid } });
}
