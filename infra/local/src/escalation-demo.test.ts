// The demo tenant's escalation: seeded once, named by the demo rules, and paging the operator and
// then the manager when the simulated wet well crosses Hi (the plant model's own values through the
// alarm evaluator, with the runtime's escalation starter; the one-minute delay test-scaled).
import { PlantModel } from '@plantwatch/edge-gateway/sim';
import { createAlarmEvaluator } from '@plantwatch/functions/alarms/evaluator';
import { resolveForAlarms } from '@plantwatch/functions/alarms/testing';
import { systemClock } from '@plantwatch/functions/platform/clock';
import type { TelemetryPointRecord } from '@plantwatch/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoAlarmRuleIds } from './demo-alarms.ts';
import { DEMO_POLICY_NAME, demoContacts, seedDemoEscalation } from './demo-escalation.ts';
import { startTestApi, type TestApi, until } from './testing/harness.ts';

const WAIT_MS = 400;

describe('the demo escalation', () => {
  let api: TestApi;
  let tenantId: string;
  let token: string;

  beforeAll(async () => {
    api = await startTestApi({ seedDemo: true, escalationWaitMs: WAIT_MS });
    const demo = api.runtime.demo;
    if (!demo?.password) throw new Error('the demo tenant was not seeded');
    tenantId = demo.tenantId;
    token = (
      await api.call('POST', '/v1/auth/login', { body: { email: demo.email, password: demo.password } })
    ).body.token;
  }, 120_000);
  afterAll(async () => {
    await api?.close();
  });

  it('seeds two contacts and a two-level policy once, named by the wet well and pump trip rules', async () => {
    const policies = (await api.call('GET', '/v1/escalation-policies', { token })).body.escalationPolicies;
    const policy = policies.find((p: { name: string }) => p.name === DEMO_POLICY_NAME);
    expect(policy.levels.map((level: { delayMinutes: number }) => level.delayMinutes)).toEqual([0, 1]);
    const rules = (await api.call('GET', '/v1/alarm-rules', { token })).body.alarmRules;
    const ids = await demoAlarmRuleIds(api.runtime.deps, tenantId);
    const paging = rules.filter(
      (rule: { escalationPolicyId: string | null }) => rule.escalationPolicyId === policy.id,
    );
    expect(paging.map((rule: { id: string }) => rule.id).sort()).toEqual(
      [ids.wetWellLevel, ids.pumpTrip].sort(),
    );
    expect(await seedDemoEscalation(api.runtime.deps, tenantId)).toEqual({ policy: null, rules: 0 });
  });

  it('pages the operator when the simulated level crosses Hi, then the manager after the delay', {
    timeout: 120_000,
  }, async () => {
    const gateway = (await api.call('GET', '/v1/gateways', { token })).body.gateways[0];
    const evaluator = createAlarmEvaluator({
      store: api.runtime.store,
      ids: api.runtime.deps.ids,
      clock: systemClock,
      dispatcher: api.runtime.deps.dispatcher,
    });
    // the demo plant starts at 1.5 m and rises; Hi is 1.6 m: a minute of simulated seconds crosses it
    const plant = new PlantModel({ random: () => 0.5, meanSecondsBetweenFaults: 1e9 });
    const start = Date.now() - 120_000;
    const points: TelemetryPointRecord[] = [];
    for (let second = 0; second < 90; second++) {
      points.push({
        tenantId,
        siteId: gateway.siteId,
        gatewayId: gateway.id,
        deviceKey: 'plc-1',
        tagKey: 'level',
        ts: start + second * 1000,
        value: Math.round(plant.step(1).level * 100) / 100,
        quality: 'good',
      });
    }
    await evaluator.evaluate({
      tenantId,
      siteId: gateway.siteId,
      gatewayId: gateway.id,
      points: await resolveForAlarms(api.runtime.store, points),
    });
    const messages = await until(
      'the operator and then the manager paged',
      async () => {
        const { notifications } = (await api.call('GET', '/v1/outbox', { token })).body;
        return notifications.length >= 2 ? [...notifications].reverse() : undefined;
      },
      15_000,
      50,
    );
    expect(messages.map((m: { recipient: string }) => m.recipient)).toEqual([
      demoContacts.operator.channels[0].address,
      demoContacts.manager.channels[0].address,
    ]);
    expect(messages[0].body).toContain('Wet well high');
  });
});
