// Alarm-state bookkeeping written behind (ADR 0047), on the real config store (PGlite and
// PostgreSQL): a batch that changes only bookkeeping opens no transaction and is written on the next
// write-behind; a transition is written in its batch's transaction as before; two instances with
// write-behind still raise once and clear once per crossing; a write-behind refused because an
// operator wrote meanwhile loses the operator's action never; the periodic check sees ingest's newer
// last data time.
import { randomUUID } from 'node:crypto';
import type { AlarmEvent } from '@plantwatch/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ConfigStore, createPostgresConfigStore } from '../compose/config-store.ts';
import { newTestPlant, type TestPlant } from '../plant/testing/plant.ts';
import { uuidV7Ids } from '../platform/ids.ts';
import type { Principal } from '../platform/principal.ts';
import { configDatabaseTargets } from '../platform/testing/config-databases.ts';
import { acknowledgeAlarmAs, createAlarmRule } from './alarms.ts';
import { runAlarmCheck } from './check.ts';
import { createAlarmEvaluator } from './evaluator.ts';
import { alarmIdOf } from './journal.ts';
import type { AlarmRuleRecord } from './ports.ts';
import { createAlarmStateCache } from './state-cache.ts';
import { writeAlarmStatesBehind } from './write-behind.ts';

const T0 = Date.parse('2026-03-02T08:00:00Z');

/** The store, counting the transactions opened. */
function counted(store: ConfigStore) {
  const counts = { transactions: 0 };
  const wrapped: ConfigStore = Object.create(store);
  wrapped.inTenant = (tenantId, work) => {
    counts.transactions++;
    return store.inTenant(tenantId, work);
  };
  return { store: wrapped, counts };
}

async function addRule(store: ConfigStore, plant: TestPlant, rule: Record<string, unknown>) {
  return store.inTenant(plant.tenantId, (repos) =>
    repos.alarmRules.create({
      id: randomUUID(),
      siteId: plant.siteId,
      description: '',
      deadband: 0,
      onDelayMs: 0,
      offDelayMs: 0,
      enabled: true,
      escalationPolicyId: null,
      repageHoldOffMinutes: 15,
      ...rule,
    } as AlarmRuleRecord),
  );
}

function levelTag(plant: TestPlant) {
  const tag = plant.tags.find((ref) => ref.tagKey === 'level');
  if (!tag) throw new Error('no level tag');
  return tag;
}

const batch = (plant: TestPlant, seconds: number, value: number) => {
  const tag = levelTag(plant);
  return {
    ...plant,
    points: [
      { tagId: tag.tagId, deviceId: tag.deviceId, ts: T0 + seconds * 1000, value, quality: 'good' as const },
    ],
  };
};

async function stored(store: ConfigStore, plant: TestPlant, ruleId: string) {
  const [row] = await store.inTenant(plant.tenantId, (repos) => repos.alarmStates.list([ruleId]));
  if (!row) throw new Error('no stored state');
  return {
    version: row.version,
    state: row.state as { lastSampleTs: number; alarms: Record<string, { state: string; value: number }> },
  };
}

async function crossings(store: ConfigStore, plant: TestPlant, ruleId: string) {
  const journal = await store.inTenant(plant.tenantId, (repos) => repos.alarmEvents.list({ ruleId }, 100));
  return journal
    .filter((event: AlarmEvent) => event.kind === 'raised' || event.kind === 'cleared')
    .map((event) => `${event.kind}@${(Date.parse(event.at) - T0) / 1000}`)
    .reverse();
}

const hiRule = (plant: TestPlant) => ({
  kind: 'limit',
  tagId: levelTag(plant).tagId,
  name: 'Level high',
  levels: [{ level: 'hi', threshold: 4, severity: 'high' }],
});

describe.each(configDatabaseTargets)('alarm states written behind on $name', (target) => {
  let store: ConfigStore;

  beforeAll(async () => {
    const database = await target.open({ maxConnections: 4 });
    store = createPostgresConfigStore(database.db, () => database.close());
  }, 60_000);
  afterAll(async () => {
    await store?.close();
  });

  it('writes bookkeeping behind without a transaction per batch, and a raise at once', async () => {
    const plant = await newTestPlant(store, { label: 'behind', deviceKeys: ['plc-1'] });
    const rule = await addRule(store, plant, hiRule(plant));
    const { store: countedStore, counts } = counted(store);
    // Operators act between the samples, as in a plant: the clock is where the data is.
    let nowMs = T0;
    const clock = { now: () => new Date(nowMs) };
    const states = createAlarmStateCache({ writeBehind: true });
    const alarms = createAlarmEvaluator({ store: countedStore, ids: uuidV7Ids, clock, states });

    await alarms.evaluate(batch(plant, 0, 1)); // the first: read and written under lock
    const first = await stored(store, plant, rule.id);
    expect(first.state.lastSampleTs).toBe(T0);
    const opened = counts.transactions;
    await alarms.evaluate(batch(plant, 1, 2));
    await alarms.evaluate(batch(plant, 2, 3));
    expect(counts.transactions).toBe(opened);
    expect(states.dirtyCount).toBe(1);
    expect(await stored(store, plant, rule.id)).toEqual(first);

    const round = await writeAlarmStatesBehind({ store, states, clock });
    expect(round).toEqual({ written: 1, refused: 0, failedTenants: 0 });
    const behind = await stored(store, plant, rule.id);
    expect(behind.state.lastSampleTs).toBe(T0 + 2000);
    expect(behind.state.alarms.hi?.value).toBe(3);
    expect(behind.version).toBe(first.version + 1);
    expect(states.dirtyCount).toBe(0);

    // A crossing is written in its own batch's transaction, journal and all.
    await alarms.evaluate(batch(plant, 3, 5));
    expect(await crossings(store, plant, rule.id)).toEqual(['raised@3']);
    expect((await stored(store, plant, rule.id)).state.alarms.hi?.state).toBe('active-unacked');

    // Bookkeeping kept behind, then an operator acknowledges (a write this instance does not know of):
    // the write-behind is refused and the acknowledgement stays.
    await alarms.evaluate(batch(plant, 4, 6));
    nowMs = T0 + 4500;
    await acknowledgeAlarmAs(
      { store, ids: uuidV7Ids, clock },
      {
        tenantId: plant.tenantId,
        alarmId: alarmIdOf(rule.id, 'hi'),
        actor: { type: 'user', id: randomUUID(), name: 'Ana' },
        channel: 'web',
      },
    );
    expect(await writeAlarmStatesBehind({ store, states, clock })).toEqual({
      written: 0,
      refused: 1,
      failedTenants: 0,
    });
    await alarms.evaluate(batch(plant, 5, 7));
    await writeAlarmStatesBehind({ store, states, clock });
    const after = await stored(store, plant, rule.id);
    expect(after.state.alarms.hi).toMatchObject({ state: 'active-acked', value: 7 });
    expect(after.state.lastSampleTs).toBe(T0 + 5000);

    // An operator's action through the same memory (the local runtime's contract): memory follows it,
    // and the next write-behind goes through on top of it.
    await alarms.evaluate(batch(plant, 6, 3)); // a clear: written at once
    await alarms.evaluate(batch(plant, 7, 5)); // raised again
    nowMs = T0 + 7500;
    await acknowledgeAlarmAs(
      { store, ids: uuidV7Ids, clock, states },
      {
        tenantId: plant.tenantId,
        alarmId: alarmIdOf(rule.id, 'hi'),
        actor: { type: 'user', id: randomUUID(), name: 'Ana' },
        channel: 'web',
      },
    );
    const beforeBatch = counts.transactions;
    await alarms.evaluate(batch(plant, 8, 6));
    expect(counts.transactions).toBe(beforeBatch);
    expect(await writeAlarmStatesBehind({ store, states, clock })).toEqual({
      written: 1,
      refused: 0,
      failedTenants: 0,
    });
    const acked = await stored(store, plant, rule.id);
    expect(acked.state.alarms.hi).toMatchObject({ state: 'active-acked', value: 6 });
    expect(await crossings(store, plant, rule.id)).toEqual(['raised@3', 'cleared@6', 'raised@7']);
  });

  it('raises a crossing once when a batch reaches two instances writing behind', async () => {
    const plant = await newTestPlant(store, { label: 'two-behind', deviceKeys: ['plc-1'] });
    const rule = await addRule(store, plant, hiRule(plant));
    const clock = { now: () => new Date(T0 + 3_600_000) };
    const one = createAlarmStateCache({ writeBehind: true });
    const two = createAlarmStateCache({ writeBehind: true });
    const a = createAlarmEvaluator({ store, ids: uuidV7Ids, clock, states: one });
    const b = createAlarmEvaluator({ store, ids: uuidV7Ids, clock, states: two });
    const values = [1, 5, 6, 2, 1, 7, 3, 2, 8, 9];
    // Both get every batch (a redelivery to two containers), and write behind at different moments.
    for (const [k, value] of values.entries()) {
      await Promise.all([a.evaluate(batch(plant, k, value)), b.evaluate(batch(plant, k, value))]);
      if (k % 3 === 0) await writeAlarmStatesBehind({ store, states: one, clock });
      if (k % 4 === 1) await writeAlarmStatesBehind({ store, states: two, clock });
    }
    // Then they take turns.
    for (const [i, value] of [2, 1, 6, 5, 0].entries()) {
      await (i % 2 === 0 ? a : b).evaluate(batch(plant, values.length + i, value));
      await writeAlarmStatesBehind({ store, states: i % 2 === 0 ? two : one, clock });
    }
    expect(await crossings(store, plant, rule.id)).toEqual([
      'raised@1',
      'cleared@3',
      'raised@5',
      'cleared@6',
      'raised@8',
      'cleared@10',
      'raised@12',
      'cleared@14',
    ]);
  });

  it('evaluates a rule made through the same memory from the next batch on, not a second later', async () => {
    const plant = await newTestPlant(store, { label: 'new-rule', deviceKeys: ['plc-1'] });
    const first = await addRule(store, plant, { ...hiRule(plant), name: 'Level high' });
    const clock = { now: () => new Date(T0) };
    const states = createAlarmStateCache({ writeBehind: true });
    const alarms = createAlarmEvaluator({ store, ids: uuidV7Ids, clock, states });
    await alarms.evaluate(batch(plant, 0, 1));
    await alarms.evaluate(batch(plant, 1, 2)); // from memory: the site's rules were checked just now
    const principal: Principal = {
      tenantId: plant.tenantId,
      role: 'owner',
      siteIds: null,
      userId: null,
      apiKeyId: null,
      sessionId: null,
    };
    const second = await createAlarmRule({ store, ids: uuidV7Ids, clock, states }, principal, {
      kind: 'limit',
      tagId: levelTag(plant).tagId,
      name: 'Level high high',
      description: '',
      deadband: 0,
      onDelayMs: 0,
      offDelayMs: 0,
      enabled: true,
      escalationPolicyId: null,
      levels: [{ level: 'hihi', threshold: 2.5, severity: 'critical' }],
    } as Parameters<typeof createAlarmRule>[2]);
    await alarms.evaluate(batch(plant, 2, 3)); // crosses the new rule only
    expect(await crossings(store, plant, second.id)).toEqual(['raised@2']);
    expect(await crossings(store, plant, first.id)).toEqual([]);
  });

  it("gives the periodic check ingest's newer last data time, not the stored row's", async () => {
    const plant = await newTestPlant(store, { label: 'check-behind', deviceKeys: ['plc-1'] });
    const tag = levelTag(plant);
    const rule = await addRule(store, plant, {
      kind: 'commLoss',
      tagId: null,
      name: 'plc-1 silent',
      severity: 'high',
      afterSeconds: 60,
      scope: 'device',
      deviceId: tag.deviceId,
      gatewayId: plant.gatewayId,
    });
    let now = T0;
    const clock = { now: () => new Date(now) };
    const states = createAlarmStateCache({ writeBehind: true });
    const alarms = createAlarmEvaluator({ store, ids: uuidV7Ids, clock, states });
    await alarms.evaluate(batch(plant, 0, 1)); // stored: last data at 0 s
    now = T0 + 50_000;
    await alarms.evaluate(batch(plant, 50, 1)); // kept in memory: last data at 50 s
    expect(states.dirtyCount).toBe(1);

    now = T0 + 100_000; // 100 s after the stored row's data, 50 s after ingest's
    await runAlarmCheck({ store, ids: uuidV7Ids, clock, states });
    expect(await crossings(store, plant, rule.id)).toEqual([]);
    // Without ingest's memory the stored row alone would have raised: the test tells them apart.
    await runAlarmCheck({ store, ids: uuidV7Ids, clock });
    expect(await crossings(store, plant, rule.id)).toEqual(['raised@60']);
  });
});
