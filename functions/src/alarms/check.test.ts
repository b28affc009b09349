// Alarm operations on the real config store (PGlite and PostgreSQL): the periodic check, gateway
// status suppression, the row locks that make two instances safe, and the escalation hooks.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ConfigStore, createPostgresConfigStore } from '../compose/config-store.ts';
import { newTestPlant, type TestPlant } from '../plant/testing/plant.ts';
import { uuidV7Ids } from '../platform/ids.ts';
import type { Principal } from '../platform/principal.ts';
import { configDatabaseTargets } from '../platform/testing/config-databases.ts';
import { acknowledgeAlarmAs, listAlarms } from './alarms.ts';
import { runAlarmCheck } from './check.ts';
import { createEscalationDispatcher } from './dispatcher.ts';
import { shelve } from './engine.ts';
import { createAlarmEvaluator } from './evaluator.ts';
import { alarmIdOf, readAlarmRuleState } from './journal.ts';
import type { AlarmPoint, AlarmRuleRecord, EscalationStarter } from './ports.ts';

const T0 = Date.parse('2026-03-02T08:00:00Z');

/** A clock the test moves by hand. */
function manualClock(start: number) {
  let now = start;
  return { now: () => new Date(now), set: (to: number) => (now = to) };
}

/** A recording fake of the escalation port; `failStarts` makes start throw, as an unreachable Step Functions would. */
function recordingEscalation(options: { failStarts?: boolean } = {}) {
  const failing = { starts: options.failStarts ?? false };
  const starts: Parameters<EscalationStarter['start']>[0][] = [];
  const stops: Parameters<EscalationStarter['stop']>[0][] = [];
  /** Both, in the order they were called. */
  const calls: string[] = [];
  const escalation: EscalationStarter = {
    async start(request) {
      starts.push(request);
      calls.push(`start ${request.alarmId}`);
      if (failing.starts) throw new Error('state machine unreachable');
      return { executionName: request.alarmEventId, alreadyStarted: false };
    },
    async stop(request) {
      stops.push(request);
      calls.push(`stop ${request.alarmId}`);
    },
  };
  return { escalation, starts, stops, calls, failing };
}

/** A paging fake delivered through a real dispatcher, on a clock the test moves. */
function paging(store: ConfigStore, options: { failStarts?: boolean } = {}) {
  const fake = recordingEscalation(options);
  const clock = manualClock(T0);
  const dispatcher = createEscalationDispatcher({ store, escalation: fake.escalation, clock });
  return { fake, clock, dispatcher, deps: { store, ids: uuidV7Ids, clock, dispatcher } };
}

const newPlant = (store: ConfigStore) =>
  newTestPlant(store, { label: 'works', deviceKeys: ['plc-1', 'plc-2'] });
type Plant = TestPlant;

const common = {
  description: '',
  deadband: 0,
  onDelayMs: 0,
  offDelayMs: 0,
  enabled: true,
  escalationPolicyId: null,
};

async function addRule(store: ConfigStore, plant: Plant, rule: Record<string, unknown>) {
  return store.inTenant(plant.tenantId, (repos) =>
    repos.alarmRules.create({
      id: randomUUID(),
      siteId: plant.siteId,
      ...common,
      ...rule,
    } as AlarmRuleRecord),
  );
}

const deviceCommLoss = (plant: Plant, index: number) => ({
  kind: 'commLoss',
  tagId: null,
  name: `${plant.devices[index]?.key} silent`,
  severity: 'high',
  afterSeconds: 30,
  scope: 'device',
  deviceId: plant.devices[index]?.id,
  gatewayId: plant.gatewayId,
});

/** Level samples of one device, resolved to their tag and device as ingest hands them over. */
function points(plant: Plant, deviceKey: string, samples: [number, number][]): AlarmPoint[] {
  const tag = plant.tags.find((ref) => ref.deviceKey === deviceKey && ref.tagKey === 'level');
  if (!tag) throw new Error(`the plant has no level tag on ${deviceKey}`);
  return samples.map(([ts, value]) => ({
    tagId: tag.tagId,
    deviceId: tag.deviceId,
    ts,
    value,
    quality: 'good',
  }));
}

const events = (store: ConfigStore, plant: Plant, ruleId: string) =>
  store.inTenant(plant.tenantId, (repos) => repos.alarmEvents.list({ ruleId }, 100));

const viewer = (plant: Plant): Principal => ({
  tenantId: plant.tenantId,
  role: 'viewer',
  siteIds: null,
  userId: randomUUID(),
  apiKeyId: null,
  sessionId: null,
});

describe.each(configDatabaseTargets)('alarm operations on $name', (target) => {
  let store: ConfigStore;

  beforeAll(async () => {
    const database = await target.open({ maxConnections: 4 });
    store = createPostgresConfigStore(database.db, () => database.close());
  }, 60_000);
  afterAll(async () => {
    await store?.close();
  });

  it('raises communication loss once a device has been silent for afterSeconds, dated by its data, and never for a device that never reported', async () => {
    const plant = await newPlant(store);
    const reporting = await addRule(store, plant, deviceCommLoss(plant, 0));
    const neverReported = await addRule(store, plant, deviceCommLoss(plant, 1));
    const clock = manualClock(T0);
    const evaluator = createAlarmEvaluator({ store, ids: uuidV7Ids, clock });
    await evaluator.evaluate({ ...plant, points: points(plant, 'plc-1', [[T0 - 1000, 2]]) });

    clock.set(T0 + 20_000);
    await runAlarmCheck({ store, ids: uuidV7Ids, clock });
    expect(await events(store, plant, reporting.id)).toEqual([]);

    clock.set(T0 + 45_000);
    const summary = await runAlarmCheck({ store, ids: uuidV7Ids, clock });
    expect(summary).toMatchObject({ rulesChanged: 1, events: 1, failedTenants: 0 });
    expect(await events(store, plant, reporting.id)).toEqual([
      expect.objectContaining({
        kind: 'raised',
        to: 'active-unacked',
        at: new Date(T0 + 29_000).toISOString(),
      }),
    ]);
    expect(await events(store, plant, neverReported.id)).toEqual([]);

    // data again clears it; a second check in the same state changes nothing
    await evaluator.evaluate({ ...plant, points: points(plant, 'plc-1', [[T0 + 50_000, 2]]) });
    await runAlarmCheck({ store, ids: uuidV7Ids, clock });
    expect((await events(store, plant, reporting.id)).map((event) => event.kind)).toEqual([
      'cleared',
      'raised',
    ]);
  });

  it('raises when an on-delay runs out without new data, and ends a shelving when it expires', async () => {
    const plant = await newPlant(store);
    const rule = await addRule(store, plant, {
      kind: 'limit',
      tagId: plant.tags[0]?.tagId,
      name: 'Level',
      onDelayMs: 10_000,
      levels: [{ level: 'hi', threshold: 4, severity: 'high' }],
    });
    const clock = manualClock(T0);
    const deps = { store, ids: uuidV7Ids, clock };
    await createAlarmEvaluator(deps).evaluate({ ...plant, points: points(plant, 'plc-1', [[T0, 5]]) });
    expect(await events(store, plant, rule.id)).toEqual([]);
    clock.set(T0 + 11_000);
    await runAlarmCheck(deps);
    expect(await events(store, plant, rule.id)).toEqual([
      expect.objectContaining({ kind: 'raised', at: new Date(T0 + 10_000).toISOString() }),
    ]);

    await store.inTenant(plant.tenantId, async (repos) => {
      const [stored] = await repos.alarmStates.list([rule.id]);
      const shelved = shelve(rule, readAlarmRuleState(rule, stored?.state), {
        at: T0 + 12_000,
        until: T0 + 60_000,
        by: { type: 'user', id: 'u' },
        channel: 'web',
      });
      await repos.alarmStates.putMany([{ ruleId: rule.id, state: shelved.state }], clock.now());
    });
    expect(await store.findTenantsWithAlarmTimers()).toContain(plant.tenantId);
    clock.set(T0 + 61_000);
    await runAlarmCheck(deps);
    expect((await events(store, plant, rule.id))[0]).toMatchObject({
      kind: 'unshelved',
      comment: 'shelving expired',
      at: new Date(T0 + 60_000).toISOString(),
    });
  });

  it('lists only tenants with communication-loss rules, delays or shelvings for the periodic check', async () => {
    const timers = await newPlant(store);
    const plain = await newPlant(store);
    await addRule(store, timers, deviceCommLoss(timers, 0));
    await addRule(store, plain, {
      kind: 'limit',
      tagId: plain.tags[0]?.tagId,
      name: 'Level',
      levels: [{ level: 'hi', threshold: 4, severity: 'high' }],
    });
    const tenants = await store.findTenantsWithAlarmTimers();
    expect(tenants).toContain(timers.tenantId);
    expect(tenants).not.toContain(plain.tenantId);
  });

  it('records one raise when two checks and an ingest run side by side (row locks)', async () => {
    const plant = await newPlant(store);
    const rule = await addRule(store, plant, deviceCommLoss(plant, 0));
    const clock = manualClock(T0);
    const deps = { store, ids: uuidV7Ids, clock };
    await createAlarmEvaluator(deps).evaluate({ ...plant, points: points(plant, 'plc-1', [[T0, 1]]) });
    clock.set(T0 + 60_000);
    await Promise.all([
      runAlarmCheck(deps),
      runAlarmCheck(deps),
      createAlarmEvaluator(deps).evaluate({ ...plant, points: points(plant, 'plc-2', [[T0 + 59_000, 1]]) }),
    ]);
    expect((await events(store, plant, rule.id)).map((event) => event.kind)).toEqual(['raised']);
  });

  it('raises one gateway alarm when the gateway goes offline and suppresses its devices, then lets them go when it is back', async () => {
    const plant = await newPlant(store);
    const gatewayRule = await addRule(store, plant, {
      kind: 'commLoss',
      tagId: null,
      name: 'Gateway offline',
      severity: 'critical',
      afterSeconds: 60,
      scope: 'gateway',
      deviceId: null,
      gatewayId: plant.gatewayId,
    });
    const deviceRules = [
      await addRule(store, plant, deviceCommLoss(plant, 0)),
      await addRule(store, plant, deviceCommLoss(plant, 1)),
    ];
    const clock = manualClock(T0);
    const deps = { store, ids: uuidV7Ids, clock };
    const evaluator = createAlarmEvaluator(deps);
    await evaluator.evaluate({
      ...plant,
      points: [...points(plant, 'plc-1', [[T0, 1]]), ...points(plant, 'plc-2', [[T0, 1]])],
    });
    await evaluator.gatewayStatus({ ...plant, online: false, at: T0 + 5_000 });
    clock.set(T0 + 120_000);
    await runAlarmCheck(deps);

    expect((await events(store, plant, gatewayRule.id)).map((e) => [e.kind, e.to])).toEqual([
      ['raised', 'active-unacked'],
    ]);
    for (const rule of deviceRules) {
      expect((await events(store, plant, rule.id)).map((e) => e.kind)).toEqual(['suppressed']);
    }
    // a late redelivery of an older offline changes nothing
    await evaluator.gatewayStatus({ ...plant, online: true, at: T0 + 130_000 });
    await evaluator.gatewayStatus({ ...plant, online: false, at: T0 + 5_000 });
    expect((await events(store, plant, gatewayRule.id)).map((e) => e.kind)).toEqual(['cleared', 'raised']);
    const active = await listAlarms(deps, viewer(plant), {
      status: 'active',
      limit: 100,
    });
    // cleared but not acknowledged: the gateway alarm still shows; the devices never alarmed
    expect(active.map((alarm) => [alarm.ruleId, alarm.state])).toEqual([[gatewayRule.id, 'cleared-unacked']]);
    // back online, the devices get a full afterSeconds before they may alarm
    clock.set(T0 + 150_000);
    await runAlarmCheck(deps);
    for (const rule of deviceRules) expect(await events(store, plant, rule.id)).toHaveLength(1);
    clock.set(T0 + 161_000);
    await runAlarmCheck(deps);
    for (const rule of deviceRules) {
      expect((await events(store, plant, rule.id)).map((e) => e.kind)).toEqual(['raised', 'suppressed']);
    }
  });

  it('starts an escalation once per raise of a rule with a policy, after commit, and stops it when a contact acknowledges', async () => {
    const plant = await newPlant(store);
    const policyId = randomUUID();
    const withPolicy = await addRule(store, plant, {
      kind: 'limit',
      tagId: plant.tags[0]?.tagId,
      name: 'Level',
      escalationPolicyId: policyId,
      levels: [{ level: 'hi', threshold: 4, severity: 'high' }],
    });
    const withoutPolicy = await addRule(store, plant, {
      kind: 'limit',
      tagId: plant.tags[1]?.tagId,
      name: 'Level 2',
      levels: [{ level: 'hi', threshold: 4, severity: 'high' }],
    });
    const { fake, deps } = paging(store);
    const batch = {
      ...plant,
      points: [...points(plant, 'plc-1', [[T0, 5]]), ...points(plant, 'plc-2', [[T0, 5]])],
    };
    await createAlarmEvaluator(deps).evaluate(batch);
    await createAlarmEvaluator(deps).evaluate(batch); // a replayed batch raises nothing twice
    const [raised] = await events(store, plant, withPolicy.id);
    const alarmId = alarmIdOf(withPolicy.id, 'hi');
    expect(fake.starts).toEqual([{ tenantId: plant.tenantId, alarmEventId: raised?.id, alarmId, policyId }]);
    expect(await events(store, plant, withoutPolicy.id)).toHaveLength(1);

    const contact = { type: 'contact' as const, id: randomUUID(), name: 'Ana (on call)' };
    const first = await acknowledgeAlarmAs(deps, {
      tenantId: plant.tenantId,
      alarmId,
      actor: contact,
      channel: 'sms',
      comment: 'ok',
    });
    expect(first).toMatchObject({ changed: true, alarm: { id: alarmId, state: 'active-acked' } });
    expect(first.events).toEqual([
      expect.objectContaining({ kind: 'acknowledged', by: contact, channel: 'sms', comment: 'ok' }),
    ]);
    expect(fake.stops).toEqual([
      { tenantId: plant.tenantId, alarmId, reason: 'acknowledged by Ana (on call) (sms)' },
    ]);
    const again = await acknowledgeAlarmAs(deps, {
      tenantId: plant.tenantId,
      alarmId,
      actor: contact,
      channel: 'voice',
    });
    expect(again.changed).toBe(false);
    expect(fake.stops).toHaveLength(1);

    // another tenant cannot acknowledge it, even knowing the id
    const other = await newPlant(store);
    await expect(
      acknowledgeAlarmAs(deps, { tenantId: other.tenantId, alarmId, actor: contact, channel: 'sms' }),
    ).rejects.toThrow('alarm not found');
  });

  it('starts the chain before stopping it when an acknowledgement finds an on-delay just run out', async () => {
    const plant = await newPlant(store);
    const rule = await addRule(store, plant, {
      kind: 'limit',
      tagId: plant.tags[0]?.tagId,
      name: 'Level',
      onDelayMs: 10_000,
      escalationPolicyId: randomUUID(),
      levels: [{ level: 'hi', threshold: 4, severity: 'high' }],
    });
    const { fake, clock, deps } = paging(store);
    await createAlarmEvaluator(deps).evaluate({ ...plant, points: points(plant, 'plc-1', [[T0, 5]]) });
    clock.set(T0 + 11_000);
    const alarmId = alarmIdOf(rule.id, 'hi');
    const acknowledged = await acknowledgeAlarmAs(deps, {
      tenantId: plant.tenantId,
      alarmId,
      actor: { type: 'contact', name: 'Ana' },
      channel: 'voice',
    });
    expect(acknowledged.events.map((event) => event.kind)).toEqual(['raised', 'acknowledged']);
    expect(fake.calls).toEqual([`start ${alarmId}`, `stop ${alarmId}`]);
  });

  it('keeps the alarm and its page pending when starting the chain fails, and the check delivers it once it can', async () => {
    const plant = await newPlant(store);
    const rule = await addRule(store, plant, {
      kind: 'limit',
      tagId: plant.tags[0]?.tagId,
      name: 'Level',
      escalationPolicyId: randomUUID(),
      levels: [{ level: 'hi', threshold: 4, severity: 'high' }],
    });
    const { fake, clock, deps } = paging(store, { failStarts: true });
    await createAlarmEvaluator(deps).evaluate({ ...plant, points: points(plant, 'plc-1', [[T0, 5]]) });
    expect(fake.starts).toHaveLength(1);
    expect((await events(store, plant, rule.id)).map((event) => event.kind)).toEqual(['raised']);
    const intents = () =>
      store.inTenant(plant.tenantId, (repos) => repos.escalationIntents.listForRule(rule.id, 10));
    expect(await intents()).toEqual([
      expect.objectContaining({
        kind: 'start',
        state: 'pending',
        attempts: 1,
        lastError: 'state machine unreachable',
      }),
    ]);

    // Still down at the next pass: one more attempt, still pending, backed off.
    clock.set(T0 + 1_500);
    expect((await runAlarmCheck(deps)).redrive).toMatchObject({ delivered: 0, failed: 1 });
    expect((await intents())[0]).toMatchObject({ state: 'pending', attempts: 2 });

    // Back: the next pass after the backoff starts the chain, once.
    fake.failing.starts = false;
    clock.set(T0 + 4_000);
    expect((await runAlarmCheck(deps)).redrive).toMatchObject({ delivered: 1, failed: 0 });
    expect(fake.starts).toHaveLength(3);
    expect((await intents())[0]).toMatchObject({ state: 'started', lastError: null });
    expect((await runAlarmCheck(deps)).redrive).toMatchObject({ tenants: 0, delivered: 0 });
    expect(fake.starts).toHaveLength(3);
  });

  it("pages nobody for a raise within the rule's hold-off after an acknowledgement, and says so in the journal", async () => {
    const plant = await newPlant(store);
    const rule = await addRule(store, plant, {
      kind: 'limit',
      tagId: plant.tags[0]?.tagId,
      name: 'Level',
      escalationPolicyId: randomUUID(),
      repageHoldOffMinutes: 15,
      levels: [{ level: 'hi', threshold: 4, severity: 'high' }],
    });
    const { fake, clock, deps } = paging(store);
    const evaluate = (samples: [number, number][]) =>
      createAlarmEvaluator(deps).evaluate({ ...plant, points: points(plant, 'plc-1', samples) });
    const alarmId = alarmIdOf(rule.id, 'hi');
    const acknowledge = (at: number) => {
      clock.set(at);
      return acknowledgeAlarmAs(deps, {
        tenantId: plant.tenantId,
        alarmId,
        actor: { type: 'contact', name: 'Ana' },
        channel: 'sms',
      });
    };

    await evaluate([[T0, 5]]);
    await acknowledge(T0 + 60_000);
    await evaluate([
      [T0 + 120_000, 1],
      [T0 + 600_000, 5],
    ]); // clears, then raises 8 min after clearing: held
    await acknowledge(T0 + 660_000);
    await evaluate([
      [T0 + 720_000, 1],
      [T0 + 720_000 + 16 * 60_000, 5],
    ]); // clears, then raises 16 min after clearing: pages

    expect(fake.starts).toHaveLength(2);
    const journal = (await events(store, plant, rule.id)).reverse();
    expect(journal.map((event) => event.kind)).toEqual([
      'raised',
      'acknowledged',
      'cleared',
      'raised',
      'page-held',
      'acknowledged',
      'cleared',
      'raised',
    ]);
    expect(journal[4]).toMatchObject({ by: { type: 'system', name: 're-page hold-off' }, channel: 'system' });
    expect(journal[4]?.comment).toContain('15 min hold-off');
  });

  it('pages on every raise with a hold-off of 0', async () => {
    const plant = await newPlant(store);
    const rule = await addRule(store, plant, {
      kind: 'limit',
      tagId: plant.tags[0]?.tagId,
      name: 'Level',
      escalationPolicyId: randomUUID(),
      repageHoldOffMinutes: 0,
      levels: [{ level: 'hi', threshold: 4, severity: 'high' }],
    });
    const { fake, deps } = paging(store);
    const alarmId = alarmIdOf(rule.id, 'hi');
    await createAlarmEvaluator(deps).evaluate({ ...plant, points: points(plant, 'plc-1', [[T0, 5]]) });
    await acknowledgeAlarmAs(deps, {
      tenantId: plant.tenantId,
      alarmId,
      actor: { type: 'contact', name: 'Ana' },
      channel: 'sms',
    });
    await createAlarmEvaluator(deps).evaluate({
      ...plant,
      points: points(plant, 'plc-1', [
        [T0 + 2_000, 1],
        [T0 + 3_000, 5],
      ]),
    });
    expect(fake.starts).toHaveLength(2);
    expect((await events(store, plant, rule.id)).map((event) => event.kind)).not.toContain('page-held');
  });
});
