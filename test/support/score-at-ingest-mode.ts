import type { AppDeps } from '../../api/app';

/**
 * PULSE_TEST_SCORE_AT_INGEST=on runs every test API (harness, fault kit, replicas) with scoring
 * at ingest, so the fault and chaos suites can be run unchanged against that mode too:
 * `PULSE_TEST_SCORE_AT_INGEST=on npx jest test/fault`. A test that sets the option itself keeps it.
 */
export function scoreAtIngestFromEnv(): AppDeps['scoreAtIngest'] {
  return process.env.PULSE_TEST_SCORE_AT_INGEST === 'on' ? { refreshAfterSeconds: 1 } : undefined;
}
