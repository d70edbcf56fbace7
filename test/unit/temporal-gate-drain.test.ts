import type { Client } from '@temporalio/client';
import { createTemporalGate } from '../../api/temporal-gate';

// Only what the gate touches: a probe that answers, and deadlines that just run the call.
const answeringTemporal = {
  connection: { withDeadline: <T>(_deadline: number, fn: () => Promise<T>) => fn() },
  workflowService: { getSystemInfo: () => Promise.resolve({}) },
} as unknown as Client;

const after = <T>(ms: number, value: T) => new Promise<T>((resolve) => setTimeout(() => resolve(value), ms));

describe('TemporalGate.drain', () => {
  it('when a call was answered 503 on its deadline but is still running, then drain waits until it settles', async () => {
    const gate = createTemporalGate(answeringTemporal);
    let settled = false;
    const slow = gate.call(() => after(400, 'sent').then((v) => ((settled = true), v)), { timeoutMs: 20 });
    await expect(slow).rejects.toMatchObject({ status: 503 });
    expect(settled).toBe(false);

    await gate.drain(5_000);
    expect(settled).toBe(true);
  });

  it('when a call never settles, then drain gives up after its bound', async () => {
    const gate = createTemporalGate(answeringTemporal);
    await expect(gate.call(() => new Promise(() => undefined), { timeoutMs: 20 })).rejects.toMatchObject({
      status: 503,
    });
    const started = Date.now();
    await gate.drain(300);
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
    expect(Date.now() - started).toBeLessThan(2_000);
  });
});
