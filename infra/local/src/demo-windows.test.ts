// The demo site's window rules: seeded once, and fed an hour of the simulated lift station (its own
// flow totaliser register and pump run signal, through the runtime's alarm evaluator with simulated
// timestamps), they hold the hour's inflow volume and pump starts without alarming in dry weather.
import { createAlarmEvaluator } from '@plantwatch/functions/alarms/evaluator';
import { resolveForAlarms } from '@plantwatch/functions/alarms/testing';
import { systemClock } from '@plantwatch/functions/platform/clock';
import type { TelemetryPointRecord } from '@plantwatch/shared';
import { describe, expect, it } from 'vitest';
import { DEMO_STARTS_RULE, DEMO_VOLUME_RULE, seedDemoWindowRules } from './demo-windows.ts';
import { demoSession, seededPlantModel } from './testing/demo-session.ts';

describe('the demo window rules', () => {
  const demo = demoSession();

  it('are seeded once and count the simulated hour’s inflow volume and pump starts', async () => {
    const { api, tenantId, token } = demo;
    const rules = (await api.call('GET', '/v1/alarm-rules', { token })).body.alarmRules;
    const volume = rules.find((rule: { name: string }) => rule.name === DEMO_VOLUME_RULE);
    const starts = rules.find((rule: { name: string }) => rule.name === DEMO_STARTS_RULE);
    expect(volume).toMatchObject({
      kind: 'totalizer',
      input: 'counter',
      windowSeconds: 3600,
      threshold: 180,
    });
    expect(starts).toMatchObject({ kind: 'counter', state: true, windowSeconds: 3600, threshold: 6 });
    expect(await seedDemoWindowRules(api.runtime.deps, tenantId)).toEqual({ created: 0 });

    const gateway = (await api.call('GET', '/v1/gateways', { token })).body.gateways[0];
    const { store } = api.runtime;
    const evaluator = createAlarmEvaluator({ store, ids: api.runtime.deps.ids, clock: systemClock });
    const plant = seededPlantModel(17);
    const start = Date.now() - 65 * 60_000;
    let pumpStarts = 0;
    let wasRunning = plant.step(1).pumpRun;
    for (let second = 0; second < 65 * 60; second += 30) {
      const records: TelemetryPointRecord[] = [];
      for (let step = second; step < second + 30; step++) {
        const state = plant.step(1);
        // starts in the last hour of the run, as the window sees them
        if (state.pumpRun && !wasRunning && step > 5 * 60) pumpStarts += 1;
        wasRunning = state.pumpRun;
        const at = { tenantId, siteId: gateway.siteId, gatewayId: gateway.id, deviceKey: 'plc-1' };
        const ts = start + step * 1000;
        records.push(
          // the register holds whole m³, as the PLC's uint32 does
          { ...at, tagKey: 'flow_total', ts, value: Math.floor(state.flowTotal), quality: 'good' },
          { ...at, tagKey: 'pump_run', ts, value: state.pumpRun, quality: 'good' },
        );
      }
      await evaluator.evaluate({
        tenantId,
        siteId: gateway.siteId,
        gatewayId: gateway.id,
        points: await resolveForAlarms(store, records),
      });
    }
    const states = await store.inTenant(tenantId, (repos) => repos.alarmStates.list([volume.id, starts.id]));
    const alarmOf = (id: string) => {
      const row = states.find((candidate) => candidate.ruleId === id);
      if (!row) throw new Error(`no state stored for rule ${id}`);
      return (row.state as { alarms: { alarm: { value: number; state: string } } }).alarms.alarm;
    };
    // about 40 L/s: 144 m³ an hour, give or take the whole-m³ register and a minute of bucket
    expect(alarmOf(volume.id).value).toBeGreaterThan(130);
    expect(alarmOf(volume.id).value).toBeLessThan(160);
    expect(alarmOf(starts.id).value).toBe(pumpStarts);
    expect(pumpStarts).toBeGreaterThanOrEqual(2);
    expect([alarmOf(volume.id).state, alarmOf(starts.id).state]).toEqual(['normal', 'normal']);
  }, 180_000);
});
