import { DefaultLogger, makeTelemetryFilterString, Runtime, type LogLevel } from '@temporalio/worker';

/**
 * The SDK logs every worker state change and the bundler's module list at INFO; keep the
 * worker's own output at the chosen level. Installs once per process (the Runtime is global).
 */
export function installTemporalRuntime(level: LogLevel = 'WARN'): void {
  try {
    Runtime.install({
      logger: new DefaultLogger(level),
      telemetryOptions: {
        logging: { filter: makeTelemetryFilterString({ core: level, other: level }), forward: {} },
      },
    });
  } catch {
    // Already installed in this process (a second test file, or a second call).
  }
}
