import { IllegalStateError } from '@temporalio/common';
import { DefaultLogger, makeTelemetryFilterString, Runtime, type LogLevel } from '@temporalio/worker';

/**
 * The SDK logs every worker state change and the bundler's module list at INFO; keep the
 * worker's own output at the chosen level. Installs once per process (the Runtime is global).
 *
 * With `metricsBindAddress` (host:port), the SDK core serves its metrics (`temporal_` series:
 * task latencies, poll counts, slots, sticky cache) for Prometheus at http://host:port/metrics.
 * A port that cannot be bound is an error, not a silent worker without metrics.
 */
export function installTemporalRuntime(
  level: LogLevel = 'WARN',
  opts: { metricsBindAddress?: string } = {},
): void {
  try {
    Runtime.install({
      logger: new DefaultLogger(level),
      telemetryOptions: {
        logging: { filter: makeTelemetryFilterString({ core: level, other: level }), forward: {} },
        ...(opts.metricsBindAddress && { metrics: { prometheus: { bindAddress: opts.metricsBindAddress } } }),
      },
    });
  } catch (err) {
    // Already installed in this process (a second test file, or a second call).
    if (err instanceof IllegalStateError) return;
    if (opts.metricsBindAddress && err instanceof Error && /prometheus/i.test(err.message))
      throw new Error(
        `${err.message} on ${opts.metricsBindAddress}: set WORKER_METRICS_ADDRESS to a free host:port`,
        { cause: err },
      );
    throw err;
  }
}
