// What the periodic check leaves for operators (real config store, PGlite and PostgreSQL): its own
// raises counted in alarms_raised, and re-driven escalation chains started in the correlation id
// of the work that raised the alarm (the telemetry batch, or the check pass itself).
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ConfigStore, createPostgresConfigStore } from '../compose/config-store.ts';
import { newTestPlant, type TestPlant } from '../plant/testing/plant.ts';
import { currentCorrelationId, withCorrelationId } from '../platform/correlation.ts';
import { uuidV7Ids } from '../platform/ids.ts';
import type { MetricLabels, Metrics } from '../platform/metrics.ts';
import { configDatabaseTargets } from '../platform/testing/config-databases.ts';
import { runAlarmCheck } from './check.ts';
import { createEscalationDispatcher } from './dispatcher.ts';
import { createAlarmEvaluator } from './evaluator.ts';
import type { AlarmPoint, AlarmRuleRecord, EscalationStarter } from './ports.ts';

const T0 = Date.parse('2026-03-02T08:00:00Z');

function manualClock(start: number) {
  let now = start;
  return { now: () => new Date(now), set: (to: number) => (now = to) };
}

function countingMetrics() {
  const counts: { name: string; labels: MetricLabels; by: number }[] = [];
  const metrics: Metrics = {
    increment: (name, labels = {}, by = 1) => {
      counts.push({ name, labels, by });
    },
    observe: () => undefined,
    gauge: () => undefined,
  };
  const total = (name: string) => counts.filter((c) => c.name === name).reduce((sum, c) => sum + c.by, 0);
  return { metrics, total };
}

/** Step Functions as the dispatcher sees it: each start noted with the correlation id it ran in. */
function startsWithCorrelation(options: { fail: boolean }) {
  const starts: { alarmId: string; correlationId: string | undefined }[] = [];
  const escalation: EscalationStarter = {
    async start(request) {
      starts.push({ alarmId: request.alarmId, correlationId: currentCorrelationId() });
      if (options.fail) throw new Error('state machine unreachable');
      return { executionName: request.alarmEventId, alreadyStarted: false };
    },
    async stop() {},
  };
  return { escalation, starts };
}

const common = { description: '', deadband: 0, onDelayMs: 0, offDelayMs: 0, enabled: true };

const addRule = (store: ConfigStore, plant: TestPlant, rule: Record<string, unknown>) =>
  store.inTenant(plant.tenantId, (repos) =>
    repos.alarmRules.create({
      id: randomUUID(),
      siteId: plant.siteId,
      ...common,
      ...rule,
    } as AlarmRuleRecord),
  );

function levelPoints(plant: TestPlant, samples: [number, number][]): AlarmPoint[] {
  const tag = plant.tags.find((ref) => ref.deviceKey === 'plc-1' && ref.tagKey === 'level');
  if (!tag) throw new Error('the plant has no level tag on plc-1');
  return samples.map(([ts, value]) => ({
    tagId: tag.tagId,
    deviceId: tag.deviceId,
    ts,
    value,
    quality: 'good',
  }));
}

describe.each(configDatabaseTargets)('the alarm check, observed, on $name', (target) => {
  let store: ConfigStore;

  beforeAll(async () => {
    const database = await target.open({ maxConnections: 4 });
    store = createPostgresConfigStore(database.db, () => database.close());
  }, 60_000);
  afterAll(async () => {
    await store?.close();
  });

  it("counts the check's own raises in alarms_raised (communication loss, found by the check)", async () => {
    const plant = await newTestPlant(store, { label: 'counted', deviceKeys: ['plc-1'] });
    await addRule(store, plant, {
      kind: 'commLoss',
      tagId: null,
      name: 'plc-1 silent',
      severity: 'high',
      afterSeconds: 30,
      scope: 'device',
      deviceId: plant.devices[0]?.id,
      gatewayId: plant.gatewayId,
      escalationPolicyId: null,
    });
    const clock = manualClock(T0);
    const { metrics, total } = countingMetrics();
    await createAlarmEvaluator({ store, ids: uuidV7Ids, clock }).evaluate({
      ...plant,
      points: levelPoints(plant, [[T0 - 1000, 2]]),
    });
    expect(total('alarms_raised')).toBe(0);

    clock.set(T0 + 45_000);
    const summary = await runAlarmCheck({ store, ids: uuidV7Ids, clock, metrics });
    expect(summary.events).toBeGreaterThanOrEqual(1);
    expect(total('alarms_raised')).toBe(1);
    // nothing new on the next pass: nothing counted
    await runAlarmCheck({ store, ids: uuidV7Ids, clock, metrics });
    expect(total('alarms_raised')).toBe(1);
  });

  it('re-drives a chain that could not start in the correlation id of the batch that raised the alarm', async () => {
    const plant = await newTestPlant(store, { label: 'redriven', deviceKeys: ['plc-1'] });
    const rule = await addRule(store, plant, {
      kind: 'limit',
      tagId: plant.tags.find((ref) => ref.tagKey === 'level')?.tagId,
      name: 'Level',
      escalationPolicyId: randomUUID(),
      levels: [{ level: 'hi', threshold: 4, severity: 'high' }],
    });
    const clock = manualClock(T0);
    const sfn = { fail: true };
    const fake = startsWithCorrelation(sfn);
    const { metrics, total } = countingMetrics();
    const dispatcher = createEscalationDispatcher({ store, escalation: fake.escalation, clock, metrics });
    const deps = { store, ids: uuidV7Ids, clock, dispatcher };
    const batch = `${plant.gatewayId}:7`;
    await withCorrelationId(batch, () =>
      createAlarmEvaluator(deps).evaluate({ ...plant, points: levelPoints(plant, [[T0, 5]]) }),
    );
    expect(fake.starts).toEqual([{ alarmId: expect.any(String), correlationId: batch }]);
    const [intent] = await store.inTenant(plant.tenantId, (repos) =>
      repos.escalationIntents.listForRule(rule.id, 10),
    );
    expect(intent).toMatchObject({ state: 'pending', correlationId: batch });
    // the failed attempt is counted (and logged), not lost in the dispatch's catch
    expect(total('escalation_intent_failures')).toBe(1);

    // Step Functions is back; the check's re-drive starts the chain, in the batch's id (not the pass's).
    sfn.fail = false;
    clock.set(T0 + 5_000);
    expect((await runAlarmCheck(deps)).redrive).toMatchObject({ delivered: 1 });
    expect(fake.starts.map((start) => start.correlationId)).toEqual([batch, batch]);
    expect(total('escalation_intents_delivered')).toBe(1);
  });

  it("starts the chains of the check's own raises in the pass's correlation id", async () => {
    const plant = await newTestPlant(store, { label: 'check-raised', deviceKeys: ['plc-1'] });
    await addRule(store, plant, {
      kind: 'limit',
      tagId: plant.tags.find((ref) => ref.tagKey === 'level')?.tagId,
      name: 'Level after a delay',
      onDelayMs: 10_000,
      escalationPolicyId: randomUUID(),
      levels: [{ level: 'hi', threshold: 4, severity: 'high' }],
    });
    const clock = manualClock(T0);
    const fake = startsWithCorrelation({ fail: false });
    const dispatcher = createEscalationDispatcher({ store, escalation: fake.escalation, clock });
    const deps = { store, ids: uuidV7Ids, clock, dispatcher };
    await createAlarmEvaluator(deps).evaluate({ ...plant, points: levelPoints(plant, [[T0, 5]]) });
    expect(fake.starts).toEqual([]);
    clock.set(T0 + 11_000);
    await runAlarmCheck(deps);
    expect(fake.starts).toEqual([
      { alarmId: expect.any(String), correlationId: `alarm-check:${new Date(T0 + 11_000).toISOString()}` },
    ]);
  });
});
