import { workflowCacheHeapWarning } from '../../config/worker-tuning';

const MiB = 2 ** 20;

describe('workflowCacheHeapWarning', () => {
  it('when no cache size is set, then there is nothing to warn about (the SDK sizes it from the heap)', () => {
    expect(workflowCacheHeapWarning(undefined, 384 * MiB)).toBeUndefined();
  });

  it('when the cache fits the heap by the SDK’s own rule, then there is no warning', () => {
    // (384 - 200) * 600 / 1024 = 107.8: 107 fits, 108 does not.
    expect(workflowCacheHeapWarning(107, 384 * MiB)).toBeUndefined();
    expect(workflowCacheHeapWarning(2_000, 4_096 * MiB)).toBeUndefined();
  });

  it('when the cache is larger than the heap holds, then the warning names both knobs and the size that fits', () => {
    const warning = workflowCacheHeapWarning(500, 384 * MiB);
    expect(warning).toContain('WORKER_MAX_CACHED_WORKFLOWS=500');
    expect(warning).toContain('384 MiB');
    expect(warning).toContain('about 107');
    expect(warning).toContain('--max-old-space-size');
    expect(workflowCacheHeapWarning(108, 384 * MiB)).toBeDefined();
  });
});
