// Two evaluator instances (two ingest processes or Lambda containers) with their own in-memory
// states, on the real config store (PGlite and PostgreSQL), against one gateway: each crossing raises
// once and clears once whoever evaluates it, a state another instance or an operator wrote is never
// overwritten from stale memory, and the memory is used (no lock) when it is current (ADR 0034).
import { randomUUID } from 'node:crypto';
import type { AlarmEvent } from '@plantwatch/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ConfigStore, createPostgresConfigStore } from '../compose/config-store.ts';
import { newTestPlant } from '../plant/testing/plant.ts';
import { uuidV7Ids } from '../platform/ids.ts';
import { configDatabaseTargets } from '../platform/testing/config-databases.ts';
import { acknowledgeAlarmAs } from './alarms.ts';
import { createAlarmEvaluator } from './evaluator.ts';
import { alarmIdOf } from './journal.ts';
import type { AlarmRuleRecord } from './ports.ts';
import { createAlarmStateCache } from './state-cache.ts';

const T0 = Date.parse('2026-03-02T08:00:00Z');

/** The store, with a count of rules locked and of states written from memory. */
function counted(store: ConfigStore) {
  const counts = { locked: 0, fromMemory: 0 };
  const wrapped: ConfigStore = Object.create(store);
  wrapped.inTenant = (tenantId, work) =>
    store.inTenant(tenantId, (repos) =>
      work({
        ...repos,
        alarmStates: {
          ...repos.alarmStates,
          async lock(ids) {
            counts.locked += ids.length;
            return repos.alarmStates.lock(ids);
          },
          async putIfCurrent(entries, at) {
            const written = await repos.alarmStates.putIfCurrent(entries, at);
            counts.fromMemory += written.size;
            return written;
          },
        },
      }),
    );
  return { store: wrapped, counts };
}

describe.each(configDatabaseTargets)('two alarm evaluators with in-memory states on $name', (target) => {
  let store: ConfigStore;

  beforeAll(async () => {
    const database = await target.open({ maxConnections: 4 });
    store = createPostgresConfigStore(database.db, () => database.close());
  }, 60_000);
  afterAll(async () => {
    await store?.close();
  });

  it('raise once and clear once per crossing, whether both get each batch or they take turns', async () => {
    const plant = await newTestPlant(store, { label: 'two', deviceKeys: ['plc-1'] });
    const tag = plant.tags.find((ref) => ref.tagKey === 'level');
    if (!tag) throw new Error('no level tag');
    const rule = await store.inTenant(plant.tenantId, (repos) =>
      repos.alarmRules.create({
        id: randomUUID(),
        siteId: plant.siteId,
        kind: 'limit',
        tagId: tag.tagId,
        name: 'Level high',
        description: '',
        deadband: 0,
        onDelayMs: 0,
        offDelayMs: 0,
        enabled: true,
        escalationPolicyId: null,
        repageHoldOffMinutes: 15,
        levels: [{ level: 'hi', threshold: 4, severity: 'high' }],
      } as AlarmRuleRecord),
    );
    const one = counted(store);
    const two = counted(store);
    const clock = { now: () => new Date(T0 + 3_600_000) };
    const a = createAlarmEvaluator({
      store: one.store,
      ids: uuidV7Ids,
      clock,
      states: createAlarmStateCache(),
    });
    const b = createAlarmEvaluator({
      store: two.store,
      ids: uuidV7Ids,
      clock,
      states: createAlarmStateCache(),
    });
    const batch = (k: number, value: number) => ({
      ...plant,
      points: [
        { tagId: tag.tagId, deviceId: tag.deviceId, ts: T0 + k * 1000, value, quality: 'good' as const },
      ],
    });
    // Up, down, up, down, up: three raises and two clears.
    const values = [1, 5, 6, 2, 1, 7, 3, 2, 8, 9];

    // Both instances get every batch at once (a redelivery to two containers).
    for (const [k, value] of values.entries())
      await Promise.all([a.evaluate(batch(k, value)), b.evaluate(batch(k, value))]);
    // Then they take turns, each from memory the other has made stale.
    const more = [2, 1, 6, 5, 0];
    for (const [i, value] of more.entries())
      await (i % 2 === 0 ? a : b).evaluate(batch(values.length + i, value));

    const journal = await store.inTenant(plant.tenantId, (repos) =>
      repos.alarmEvents.list({ ruleId: rule.id }, 100),
    );
    const kinds = journal
      .filter((event: AlarmEvent) => event.kind === 'raised' || event.kind === 'cleared')
      .map((event) => `${event.kind}@${(Date.parse(event.at) - T0) / 1000}`)
      .reverse();
    expect(kinds).toEqual([
      'raised@1',
      'cleared@3',
      'raised@5',
      'cleared@6',
      'raised@8',
      'cleared@10',
      'raised@12',
      'cleared@14',
    ]);
    // A state written by one instance made the other's memory stale: it locked and read again.
    expect(one.counts.locked + two.counts.locked).toBeGreaterThan(1);

    // B writes last, so A's memory is stale: its next batch fails the version check and is decided
    // again under the lock; the batch after that goes from memory, without a lock.
    await b.evaluate(batch(20, 1));
    const locked = one.counts.locked;
    const fromMemory = one.counts.fromMemory;
    await a.evaluate(batch(21, 2));
    await a.evaluate(batch(22, 1));
    expect(one.counts.locked - locked).toBe(1);
    expect(one.counts.fromMemory - fromMemory).toBe(1);

    // An operator acknowledges meanwhile (a write A does not know of): A's next batch keeps it.
    await a.evaluate(batch(23, 9));
    const alarmId = alarmIdOf(rule.id, 'hi');
    await acknowledgeAlarmAs(
      { store, ids: uuidV7Ids, clock },
      {
        tenantId: plant.tenantId,
        alarmId,
        actor: { type: 'user', id: randomUUID(), name: 'Ana' },
        channel: 'web',
      },
    );
    await a.evaluate(batch(24, 9.5));
    const [stored] = await store.inTenant(plant.tenantId, (repos) => repos.alarmStates.list([rule.id]));
    const state = stored?.state as { alarms: { hi: { state: string; value: number } } } | undefined;
    expect(state?.alarms.hi).toMatchObject({
      state: 'active-acked',
      value: 9.5,
    });
  });
});
