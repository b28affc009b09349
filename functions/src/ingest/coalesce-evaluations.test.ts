import { describe, expect, it } from 'vitest';
import type { AlarmEvaluator, AlarmPoint } from '../alarms/ports.ts';
import { coalesceAlarmEvaluations } from './coalesce-evaluations.ts';

const ids = { tenantId: 't1', siteId: 's1', gatewayId: 'g1' };
const at = (ts: number, _gatewayId = 'g1'): AlarmPoint => ({
  tagId: 'level',
  deviceId: 'plc-1',
  ts,
  value: ts,
  quality: 'good',
});

/** An evaluator whose calls wait until the test lets them finish, or fail. */
function heldEvaluator() {
  const calls: { gatewayId: string; ts: number[]; finish: (error?: Error) => void }[] = [];
  const evaluator: AlarmEvaluator = {
    evaluate: (batch) =>
      new Promise<void>((resolve, reject) => {
        calls.push({
          gatewayId: batch.gatewayId,
          ts: batch.points.map((p) => p.ts),
          finish: (error) => (error ? reject(error) : resolve()),
        });
      }),
    gatewayStatus: async () => {},
  };
  return { evaluator, calls };
}

const settled = (promise: Promise<void>) =>
  promise.then(
    () => 'done',
    (error: Error) => `failed: ${error.message}`,
  );

describe('alarm evaluations merged per gateway', () => {
  it('evaluates the first batch at once and the batches that arrive meanwhile together after it', async () => {
    const { evaluator, calls } = heldEvaluator();
    const alarms = coalesceAlarmEvaluations(evaluator);

    const first = settled(alarms.evaluate({ ...ids, points: [at(1)] }));
    const second = settled(alarms.evaluate({ ...ids, points: [at(2)] }));
    const third = settled(alarms.evaluate({ ...ids, points: [at(3), at(4)] }));
    expect(calls.map((c) => c.ts)).toEqual([[1]]);
    calls[0]?.finish();
    expect(await first).toBe('done');
    await new Promise((resolve) => setImmediate(resolve));
    expect(calls.map((c) => c.ts)).toEqual([[1], [2, 3, 4]]);
    calls[1]?.finish();

    expect([await second, await third]).toEqual(['done', 'done']);
  });

  it('fails exactly the callers whose points were in the failed evaluation', async () => {
    const { evaluator, calls } = heldEvaluator();
    const alarms = coalesceAlarmEvaluations(evaluator);

    const first = settled(alarms.evaluate({ ...ids, points: [at(1)] }));
    const second = settled(alarms.evaluate({ ...ids, points: [at(2)] }));
    calls[0]?.finish(new Error('config store down'));
    await new Promise((resolve) => setImmediate(resolve));
    calls[1]?.finish();

    expect([await first, await second]).toEqual(['failed: config store down', 'done']);
  });

  it('keeps gateways apart: another gateway does not wait for this one', async () => {
    const { evaluator, calls } = heldEvaluator();
    const alarms = coalesceAlarmEvaluations(evaluator);

    void alarms.evaluate({ ...ids, points: [at(1)] });
    const other = settled(alarms.evaluate({ ...ids, gatewayId: 'g2', points: [at(5, 'g2')] }));
    expect(calls.map((c) => [c.gatewayId, c.ts])).toEqual([
      ['g1', [1]],
      ['g2', [5]],
    ]);
    calls[1]?.finish();
    expect(await other).toBe('done');
    calls[0]?.finish();
  });
});
