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

const nextTurn = () => new Promise((resolve) => setImmediate(resolve));

describe('alarm evaluations merged per gateway', () => {
  it('evaluates the batches of one turn together, and those that arrive meanwhile together after it', async () => {
    const { evaluator, calls } = heldEvaluator();
    const alarms = coalesceAlarmEvaluations(evaluator);

    const first = settled(alarms.evaluate({ ...ids, points: [at(1)] }));
    const second = settled(alarms.evaluate({ ...ids, points: [at(2)] }));
    expect(calls).toEqual([]);
    await nextTurn();
    expect(calls.map((c) => c.ts)).toEqual([[1, 2]]);

    const third = settled(alarms.evaluate({ ...ids, points: [at(3)] }));
    const fourth = settled(alarms.evaluate({ ...ids, points: [at(4), at(5)] }));
    await nextTurn();
    expect(calls.map((c) => c.ts)).toEqual([[1, 2]]);
    calls[0]?.finish();
    expect([await first, await second]).toEqual(['done', 'done']);
    await nextTurn();
    expect(calls.map((c) => c.ts)).toEqual([
      [1, 2],
      [3, 4, 5],
    ]);
    calls[1]?.finish();

    expect([await third, await fourth]).toEqual(['done', 'done']);
  });

  it('fails exactly the callers whose points were in the failed evaluation', async () => {
    const { evaluator, calls } = heldEvaluator();
    const alarms = coalesceAlarmEvaluations(evaluator);

    const first = settled(alarms.evaluate({ ...ids, points: [at(1)] }));
    await nextTurn();
    const second = settled(alarms.evaluate({ ...ids, points: [at(2)] }));
    calls[0]?.finish(new Error('config store down'));
    await nextTurn();
    calls[1]?.finish();

    expect([await first, await second]).toEqual(['failed: config store down', 'done']);
    expect(calls.map((c) => c.ts)).toEqual([[1], [2]]);
  });

  it('keeps gateways apart: another gateway does not wait for this one', async () => {
    const { evaluator, calls } = heldEvaluator();
    const alarms = coalesceAlarmEvaluations(evaluator);

    void alarms.evaluate({ ...ids, points: [at(1)] });
    const other = settled(alarms.evaluate({ ...ids, gatewayId: 'g2', points: [at(5, 'g2')] }));
    await nextTurn();
    expect(calls.map((c) => [c.gatewayId, c.ts])).toEqual([
      ['g1', [1]],
      ['g2', [5]],
    ]);
    calls[1]?.finish();
    expect(await other).toBe('done');
    calls[0]?.finish();
  });
});
