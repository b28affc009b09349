// The demo tenant's alarm rules: seeded once, found by key, and tripped by the simulated plant
// within a minute (the plant model's own values, fed through the runtime's alarm evaluator with
// simulated timestamps, so the test does not wait for the real minute).
import { PlantModel } from '@plantwatch/edge-gateway/sim';
import { createAlarmEvaluator } from '@plantwatch/functions/alarms/evaluator';
import { resolveForAlarms } from '@plantwatch/functions/alarms/testing';
import { systemClock } from '@plantwatch/functions/platform/clock';
import type { TelemetryPointRecord } from '@plantwatch/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoAlarmRuleIds, demoAlarmRules, seedDemoAlarmRules } from './demo-alarms.ts';
import { logInAsDemoOwner, startTestApi, type TestApi } from './testing/harness.ts';

/** A fixed pseudo-random sequence, so the plant behaves the same on every run. */
function lcg(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1_664_525 + 1_013_904_223) % 2 ** 32;
    return state / 2 ** 32;
  };
}

describe('the demo alarm rules', () => {
  let api: TestApi;
  let tenantId: string;
  let token: string;

  beforeAll(async () => {
    api = await startTestApi({ seedDemo: true });
    ({ tenantId, token } = await logInAsDemoOwner(api));
  }, 60_000);
  afterAll(async () => {
    await api?.close();
  });

  it('seeds every demo rule once, each findable by its key', async () => {
    const ids = await demoAlarmRuleIds(api.runtime.deps, tenantId);
    expect(Object.keys(ids).sort()).toEqual(Object.keys(demoAlarmRules).sort());
    expect(await seedDemoAlarmRules(api.runtime.deps, tenantId)).toEqual({ created: 0 });
  });

  it('raises the wet well Hi within a minute of start, and HiHi and Lo as the level cycles', async () => {
    const gateway = (await api.call('GET', '/v1/gateways', { token })).body.gateways[0];
    const evaluator = createAlarmEvaluator({
      store: api.runtime.store,
      ids: api.runtime.deps.ids,
      clock: systemClock,
    });
    const plant = new PlantModel({ random: lcg(7), meanSecondsBetweenFaults: 1e9 });
    const start = Date.now() - 15 * 60_000;
    const raisedAt = new Map<string, number>();
    const levelRule = (await demoAlarmRuleIds(api.runtime.deps, tenantId)).wetWellLevel;
    for (let second = 0; second < 15 * 60; second += 10) {
      const points: TelemetryPointRecord[] = [];
      for (let step = second; step < second + 10; step++) {
        const state = plant.step(1);
        points.push({
          tenantId,
          siteId: gateway.siteId,
          gatewayId: gateway.id,
          deviceKey: 'plc-1',
          tagKey: 'level',
          ts: start + step * 1000,
          value: Math.round(state.level * 100) / 100,
          quality: 'good',
        });
      }
      await evaluator.evaluate({
        tenantId,
        siteId: gateway.siteId,
        gatewayId: gateway.id,
        points: await resolveForAlarms(api.runtime.store, points),
      });
    }
    const events = (await api.call('GET', `/v1/alarms/${levelRule}/events?limit=1000`, { token })).body
      .events;
    const alarms = (await api.call('GET', `/v1/alarms?ruleId=${levelRule}&status=all`, { token })).body
      .alarms;
    for (const event of [...events].reverse() as { kind: string; alarmId: string; at: string }[]) {
      const level = alarms.find((alarm: { id: string }) => alarm.id === event.alarmId)?.level;
      if (event.kind === 'raised' && level && !raisedAt.has(level))
        raisedAt.set(level, Date.parse(event.at) - start);
    }
    expect(raisedAt.get('hi')).toBeLessThan(60_000);
    expect(raisedAt.get('hihi')).toBeLessThan(8 * 60_000);
    expect(raisedAt.get('lo')).toBeLessThan(15 * 60_000);
  }, 60_000);
});
