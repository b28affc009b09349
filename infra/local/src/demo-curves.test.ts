// The demo site's curve rule: seeded once from a curve template, and fed simulated pump cycles (the
// discharge meter's flow and the motor current, through the runtime's alarm evaluator with simulated
// timestamps) it stays normal through starts, runs and stops; a ragged impeller's extra current raises it.
import { createAlarmEvaluator } from '@plantwatch/functions/alarms/evaluator';
import { resolveForAlarms } from '@plantwatch/functions/alarms/testing';
import { systemClock } from '@plantwatch/functions/platform/clock';
import type { TelemetryPointRecord } from '@plantwatch/shared';
import { describe, expect, it } from 'vitest';
import { DEMO_CURVE_NAME, DEMO_CURVE_POINTS, DEMO_CURVE_RULE, seedDemoCurveRule } from './demo-curves.ts';
import { demoSession, seededPlantModel } from './testing/demo-session.ts';

describe('the demo curve rule', () => {
  const demo = demoSession();

  it('is seeded once, stays normal over normal pump cycles and raises on extra current', async () => {
    const { api, tenantId, token } = demo;
    const curves = (await api.call('GET', '/v1/alarm-curves', { token })).body.items;
    const curve = curves.find((candidate: { name: string }) => candidate.name === DEMO_CURVE_NAME);
    expect(curve).toMatchObject({ xUnit: 'L/s', yUnit: 'A', points: DEMO_CURVE_POINTS });
    const rules = (await api.call('GET', '/v1/alarm-rules', { token })).body.alarmRules;
    const rule = rules.find((candidate: { name: string }) => candidate.name === DEMO_CURVE_RULE);
    const tags = (await api.call('GET', '/v1/tags', { token })).body.tags as { id: string; key: string }[];
    const tagId = (key: string) => tags.find((tag) => tag.key === key)?.id;
    expect(rule).toMatchObject({
      kind: 'curve',
      tagId: tagId('motor_current'),
      xTagId: tagId('discharge_flow'),
      curveId: curve.id,
      points: DEMO_CURVE_POINTS,
      side: 'above',
    });
    expect(await seedDemoCurveRule(api.runtime.deps, tenantId)).toEqual({ created: 0 });

    const gateway = (await api.call('GET', '/v1/gateways', { token })).body.gateways[0];
    const { store } = api.runtime;
    const evaluator = createAlarmEvaluator({ store, ids: api.runtime.deps.ids, clock: systemClock });
    const plant = seededPlantModel(48);
    const start = Date.now() - 60 * 60_000;
    const at = { tenantId, siteId: gateway.siteId, gatewayId: gateway.id };
    let starts = 0;
    let stops = 0;
    let wasRunning = false;
    /** Feeds `seconds` of the plant in 10 s batches; `extraAmps` is a ragged impeller's load. */
    const run = async (from: number, seconds: number, extraAmps = 0) => {
      for (let second = from; second < from + seconds; second += 10) {
        const records: TelemetryPointRecord[] = [];
        for (let step = second; step < second + 10; step++) {
          const state = plant.step(1);
          if (state.pumpRun && !wasRunning) starts += 1;
          if (!state.pumpRun && wasRunning) stops += 1;
          wasRunning = state.pumpRun;
          const ts = start + step * 1000;
          // The two meters are on two devices: the drive's current comes 0.7 s after the flow, so
          // round each start and stop one has moved and the other not yet.
          records.push(
            {
              ...at,
              deviceKey: 'plc-1',
              tagKey: 'discharge_flow',
              ts,
              value: state.dischargeFlow,
              quality: 'good',
            },
            {
              ...at,
              deviceKey: 'plc-2',
              tagKey: 'motor_current',
              ts: ts + 700,
              value: state.motorCurrent + (state.pumpRun ? extraAmps : 0),
              quality: 'good',
            },
          );
        }
        await evaluator.evaluate({ ...at, points: await resolveForAlarms(store, records) });
      }
    };
    const alarm = async () => {
      const states = await store.inTenant(tenantId, (repos) => repos.alarmStates.list([rule.id]));
      const row = states.find((candidate) => candidate.ruleId === rule.id);
      if (!row) throw new Error('no state stored for the curve rule');
      return (row.state as { alarms: { alarm: { value: number; state: string } } }).alarms.alarm;
    };
    // the store, not the API: the HTTP client's idle keep-alive socket may be gone after the long run
    const events = async () =>
      store.inTenant(tenantId, (repos) => repos.alarmEvents.list({ ruleId: rule.id }, 100));

    await run(0, 50 * 60);
    expect(starts).toBeGreaterThanOrEqual(2);
    expect(stops).toBeGreaterThanOrEqual(2);
    expect((await alarm()).state).toBe('normal');
    expect(await events()).toEqual([]);

    // rags on the impeller: 8 A more at the same flow, for as long as the pump runs
    plant.state.level = 2.7;
    await run(50 * 60, 3 * 60, 8);
    expect(wasRunning).toBe(true);
    expect((await alarm()).state).not.toBe('normal');
    expect((await events()).map((event) => event.kind)).toContain('raised');
  }, 180_000);
});
