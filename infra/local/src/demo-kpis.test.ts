// The demo site's flow-balance KPI: seeded once, computed from the simulated plant's own inflow and
// pump state through the runtime's derived-tag calculator and alarm evaluator (simulated timestamps,
// so the test does not wait for a storm in real time), and its rule raises when the well fills fast.
import { createAlarmEvaluator } from '@plantwatch/functions/alarms/evaluator';
import { resolveForAlarms } from '@plantwatch/functions/alarms/testing';
import { createDerivedTagCalculator } from '@plantwatch/functions/derived-tags/calculator';
import { derivedTagRef } from '@plantwatch/functions/derived-tags/derived-tags';
import { systemClock } from '@plantwatch/functions/platform/clock';
import type { TelemetryPointRecord } from '@plantwatch/shared';
import { describe, expect, it } from 'vitest';
import { DEMO_KPI_KEY, DEMO_KPI_RULE, seedDemoKpis } from './demo-kpis.ts';
import { demoSession, seededPlantModel } from './testing/demo-session.ts';

describe('the demo flow-balance KPI', () => {
  const demo = demoSession();

  it('is seeded once with its rule, computed from inflow and the pump, and raises when the well fills fast', async () => {
    const { api, tenantId, token } = demo;
    const derived = (await api.call('GET', '/v1/derived-tags', { token })).body.items;
    expect(derived.map((tag: { key: string; unit: string }) => [tag.key, tag.unit])).toEqual([
      [DEMO_KPI_KEY, 'L/s'],
    ]);
    expect(await seedDemoKpis(api.runtime.deps, tenantId)).toEqual({ created: 0 });
    const rule = (await api.call('GET', '/v1/alarm-rules', { token })).body.alarmRules.find(
      (candidate: { name: string }) => candidate.name === DEMO_KPI_RULE,
    );
    expect(rule.tagId).toBe(derived[0].id);

    const gateway = (await api.call('GET', '/v1/gateways', { token })).body.gateways[0];
    const { store, telemetry } = api.runtime;
    const evaluator = createAlarmEvaluator({ store, ids: api.runtime.deps.ids, clock: systemClock });
    const calculator = createDerivedTagCalculator({ store, telemetry });
    const plant = seededPlantModel(11);
    const start = Date.now() - 20 * 60_000;
    let last: { inflow: number; pumpRun: boolean } | undefined;
    for (let second = 0; second < 20 * 60; second += 10) {
      const records: TelemetryPointRecord[] = [];
      for (let step = second; step < second + 10; step++) {
        const state = plant.step(1);
        last = { inflow: state.inflow, pumpRun: state.pumpRun };
        const at = {
          tenantId,
          siteId: gateway.siteId,
          gatewayId: gateway.id,
          deviceKey: 'plc-1',
          quality: 'good' as const,
        };
        records.push(
          { ...at, tagKey: 'inflow', ts: start + step * 1000, value: state.inflow },
          { ...at, tagKey: 'pump_run', ts: start + step * 1000, value: state.pumpRun },
        );
      }
      const points = await resolveForAlarms(store, records);
      const kpi = await calculator.derive({ tenantId, siteId: gateway.siteId }, points);
      await telemetry.write([...records, ...kpi.records]);
      await evaluator.evaluate({
        tenantId,
        siteId: gateway.siteId,
        gatewayId: gateway.siteId,
        points: kpi.alarmPoints,
      });
    }
    const [latest] = await telemetry.latest(tenantId, [
      derivedTagRef({ siteId: gateway.siteId, key: DEMO_KPI_KEY }),
    ]);
    if (!last) throw new Error('the plant did not step');
    expect(latest?.value).toBeCloseTo(last.inflow - (last.pumpRun ? 85 : 0), 6);
    const events = (await api.call('GET', `/v1/alarms/${rule.id}/events?limit=100`, { token })).body.events;
    expect(events.some((event: { kind: string }) => event.kind === 'raised')).toBe(true);
  }, 120_000);
});
