/**
 * For bundleWorkflowCode in tests and the bench: the bundler logs its whole module list at INFO,
 * which buries what a run prints; errors still show.
 */
export const quietBundlerLogger = {
  trace: () => undefined,
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: (message: string, meta?: unknown) => console.error(message, meta),
  log: () => undefined,
};
