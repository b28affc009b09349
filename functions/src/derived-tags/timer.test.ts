// biome-ignore-all lint/suspicious/noTemplateCurlyInString: formulas write their references as ${device:tag}
// Timer-based derived tags (ADR 0051) over real stores (PGlite, DuckDB) and a stepped clock: points at
// each period boundary from values held since the last report, raised on by the alarms, carried across
// runs, and nothing at all for a derived tag without a period. With the tenants with periodic tags
// kept in memory (the local runtime), a save that lands while they are being looked up is not lost for
// the minute they are kept (adapters/postgres/periodic-lookups.test.ts counts the look-ups).
import { type DerivedTag, telemetryTopic } from '@plantwatch/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAlarmRule, listAlarms } from '../alarms/alarms.ts';
import { createAlarmEvaluator } from '../alarms/evaluator.ts';
import { type ConfigStore, createPostgresConfigStore } from '../compose/config-store.ts';
import { createTelemetryIngestor } from '../ingest/ingest.ts';
import { openConfigDatabase } from '../platform/database/database.ts';
import { uuidV7Ids } from '../platform/ids.ts';
import { openDuckDbTelemetryStore } from '../telemetry/adapters/duckdb/telemetry-store.ts';
import type { TelemetryStore } from '../telemetry/ports.ts';
import { createDerivedTagCalculator } from './calculator.ts';
import {
  createDerivedTag,
  type DerivedTagChangeListener,
  derivedTagRef,
  updateDerivedTag,
} from './derived-tags.ts';
import { createPlant, type Plant } from './testing.ts';
import { createPeriodicDerivedTagRunner } from './timer.ts';

const MIN = 60_000;
// A whole hour after the tags are created (the timer computes no boundary before a tag existed).
const T0 = Math.ceil(Date.now() / 3_600_000) * 3_600_000 + 3_600_000;

describe('periodic derived tags', () => {
  let store: ConfigStore;
  let telemetry: TelemetryStore;
  let now = T0;
  const clock = { now: () => new Date(now) };

  beforeAll(async () => {
    const database = await openConfigDatabase({ kind: 'pglite' });
    store = createPostgresConfigStore(database.db, () => database.close());
    telemetry = await openDuckDbTelemetryStore({ path: ':memory:', maxPointAgeMs: 30 * 86_400_000 });
  });
  afterAll(async () => {
    await telemetry?.close();
    await store?.close();
  });

  const alarmDeps = () => ({ store, ids: uuidV7Ids, clock });
  const create = (plant: Plant, key: string, formula: string, more: Partial<DerivedTag> = {}) =>
    createDerivedTag({ store, ids: uuidV7Ids, telemetry }, plant.principal, {
      siteId: plant.siteId,
      key,
      name: key,
      description: '',
      formula,
      unit: 'm³/h',
      periodSeconds: more.periodSeconds ?? null,
      staleAfterSeconds: more.staleAfterSeconds ?? null,
    });
  /** `derived: false`: ingest computes no derived tags, so every derived point is the timer's. */
  const sender = (plant: Plant, derived = true) => {
    const ingestor = createTelemetryIngestor({
      store,
      telemetry,
      alarms: createAlarmEvaluator(alarmDeps()),
      clock,
      ids: uuidV7Ids,
      ...(derived ? { derived: createDerivedTagCalculator({ store, telemetry }) } : {}),
    });
    let seq = 0;
    return (points: { d: string; ts: number; v: number }[]) =>
      ingestor.ingest({
        topic: telemetryTopic(plant),
        payload: Buffer.from(
          JSON.stringify({
            v: 1,
            gw: plant.gatewayId,
            seq: ++seq,
            points: points.map((p) => ({ t: 'flow', q: 'good', ...p })),
          }),
        ),
        receivedAt: now,
      });
  };
  const rangeOf = (plant: Plant, key: string, from: number, to: number) =>
    telemetry.range(plant.tenantId, derivedTagRef({ siteId: plant.siteId, key }), from, to, 10_000);

  it('stores a point at each boundary from values held since the last report and raises on them', async () => {
    const plant = await createPlant(store);
    const balance = await create(plant, 'balance', '${inlet:flow} - ${outlet:flow}', { periodSeconds: 60 });
    const rule = await createAlarmRule(alarmDeps(), plant.principal, {
      kind: 'limit',
      tagId: balance.id,
      name: 'Leak',
      description: '',
      deadband: 0,
      onDelayMs: 0,
      offDelayMs: 0,
      enabled: true,
      escalationPolicyId: null,
      repageHoldOffMinutes: 15,
      levels: [{ level: 'hi', threshold: 5, severity: 'high' }],
    });
    const send = sender(plant, false);
    now = T0 - 5 * MIN;
    // report by exception: one value each, then silence
    await send([
      { d: 'inlet', ts: T0 - 5 * MIN, v: 100 },
      { d: 'outlet', ts: T0 - 5 * MIN, v: 99 },
    ]);
    const runner = createPeriodicDerivedTagRunner(
      {
        store,
        telemetry,
        alarms: createAlarmEvaluator(alarmDeps()),
        clock,
      },
      { settleMs: 0, catchUpMs: 2 * MIN },
    );
    now = T0;
    expect(await runner.run()).toMatchObject({ points: 2, written: 2, failedTenants: 0 });
    // a second run at the same time computes nothing again
    expect(await runner.run()).toMatchObject({ points: 0, written: 0 });
    // the outlet drops between boundaries (a leak of 10); the next runs carry the inlet's held value
    now = T0 + 90_000;
    await send([{ d: 'outlet', ts: T0 + 90_000, v: 90 }]);
    now = T0 + 3 * MIN;
    expect(await runner.run()).toMatchObject({ points: 3, written: 3 });

    const stored = await rangeOf(plant, 'balance', T0 - 10 * MIN, T0 + 10 * MIN);
    // the timer's points alone, at each whole minute
    expect(stored).toEqual([
      { ts: T0 - MIN, value: 1, quality: 'good' },
      { ts: T0, value: 1, quality: 'good' },
      { ts: T0 + MIN, value: 1, quality: 'good' },
      { ts: T0 + 2 * MIN, value: 10, quality: 'good' },
      { ts: T0 + 3 * MIN, value: 10, quality: 'good' },
    ]);
    const leak = (await listAlarms(alarmDeps(), plant.principal, { status: 'all' })).find(
      (alarm) => alarm.ruleId === rule.id,
    );
    // raised by the first boundary after the drop: the timer's point
    expect(leak).toMatchObject({ state: 'active-unacked', level: 'hi', value: 10 });
    expect(leak?.activeSince).toBe(new Date(T0 + 2 * MIN).toISOString());
  });

  it('reads the values an input had at past boundaries when a run catches up over a change', async () => {
    const plant = await createPlant(store);
    await create(plant, 'balance', '${inlet:flow} - ${outlet:flow}', {
      periodSeconds: 10,
      staleAfterSeconds: 25,
    });
    const send = sender(plant);
    now = T0;
    await send([
      { d: 'inlet', ts: T0 - 1_000, v: 50 },
      { d: 'outlet', ts: T0 - 1_000, v: 40 },
    ]);
    await send([{ d: 'inlet', ts: T0 + 15_000, v: 60 }]);
    await send([{ d: 'inlet', ts: T0 + 35_000, v: 70 }]);
    // a cold start (a Lambda's first run) after the changes: the boundaries before them hold the old values
    const runner = createPeriodicDerivedTagRunner(
      { store, telemetry, alarms: createAlarmEvaluator(alarmDeps()), clock },
      { settleMs: 0, catchUpMs: MIN },
    );
    now = T0 + 40_000;
    await runner.run();
    const periodic = (await rangeOf(plant, 'balance', T0 - MIN, T0 + MIN)).filter((s) => s.ts % 10_000 === 0);
    expect(periodic).toEqual([
      // the first run looks back a minute (less what is not yet settled): before the inputs' first report
      { ts: T0 - 10_000, value: '${inlet:flow} has no value yet', quality: 'bad' },
      { ts: T0, value: 10, quality: 'good' },
      { ts: T0 + 10_000, value: 10, quality: 'good' },
      { ts: T0 + 20_000, value: 20, quality: 'good' },
      // the outlet has not reported for 31 s, more than staleAfter's 25 s
      { ts: T0 + 30_000, value: 20, quality: 'uncertain' },
      { ts: T0 + 40_000, value: 30, quality: 'uncertain' },
    ]);
    // the next (warm) run starts from the values carried over, and a report makes the result good again
    await send([{ d: 'outlet', ts: T0 + 45_000, v: 40 }]);
    now = T0 + 50_000;
    await runner.run();
    expect(await rangeOf(plant, 'balance', T0 + 50_000, T0 + 50_001)).toEqual([
      { ts: T0 + 50_000, value: 30, quality: 'good' },
    ]);
  });

  it('looks the tenants up again at the next run when a save lands while they are being looked up', async () => {
    const plant = await createPlant(store);
    let saveDuringLookUp: (() => Promise<unknown>) | undefined;
    // the real store; the save lands after its answer was read, before the runner has it
    const racing: typeof store = Object.create(store);
    racing.findTenantsWithPeriodicDerivedTags = async () => {
      const tenants = await store.findTenantsWithPeriodicDerivedTags();
      const save = saveDuringLookUp;
      saveDuringLookUp = undefined;
      await save?.();
      return tenants;
    };
    const runner = createPeriodicDerivedTagRunner(
      { store: racing, telemetry, alarms: createAlarmEvaluator(alarmDeps()), clock },
      { settleMs: 0, catchUpMs: 2 * MIN, tenantsRefreshMs: MIN },
    );
    const told: DerivedTagChangeListener = {
      derivedTagsChanged: (site) => runner.forgetTenant(site.tenantId),
    };
    saveDuringLookUp = () =>
      createDerivedTag({ store, ids: uuidV7Ids, telemetry, derivedTagChanges: told }, plant.principal, {
        siteId: plant.siteId,
        key: 'balance',
        name: 'balance',
        description: '',
        formula: '${inlet:flow} - ${outlet:flow}',
        unit: 'm³/h',
        periodSeconds: 60,
      });
    now = T0 + 30 * MIN;
    const during = await runner.run();
    expect(saveDuringLookUp).toBeUndefined();
    // the answer predates the save: without the tenant, and not kept for the minute
    expect(during.tenants).toBe(
      (await store.findTenantsWithPeriodicDerivedTags()).filter((id) => id !== plant.tenantId).length,
    );
    now += 1_000;
    const next = await runner.run();
    expect(next.tenants).toBe(during.tenants + 1);
    expect(await rangeOf(plant, 'balance', T0 + 28 * MIN, T0 + 31 * MIN)).toHaveLength(2);
  });

  it('leaves a derived tag without a period to ingest, and stops when the period is removed', async () => {
    const plant = await createPlant(store);
    const tag = await create(plant, 'balance', '${inlet:flow} - ${outlet:flow}', { periodSeconds: 60 });
    const runner = createPeriodicDerivedTagRunner(
      { store, telemetry, alarms: createAlarmEvaluator(alarmDeps()), clock },
      { settleMs: 0, catchUpMs: 2 * MIN, cacheMs: 0 },
    );
    expect(await store.findTenantsWithPeriodicDerivedTags()).toContain(plant.tenantId);
    await updateDerivedTag({ store, ids: uuidV7Ids, telemetry }, plant.principal, tag.id, {
      periodSeconds: null,
    });
    expect(await store.findTenantsWithPeriodicDerivedTags()).not.toContain(plant.tenantId);
    now = T0 + 20 * MIN;
    await runner.run();
    expect(await rangeOf(plant, 'balance', T0 - 60 * MIN, T0 + 60 * MIN)).toEqual([]);
  });
});
