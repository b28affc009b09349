// biome-ignore-all lint/suspicious/noTemplateCurlyInString: formulas write their references as ${device:tag}
// The derived-tag timer's look-ups as the local runtime runs it (ADR 0051 addendum: the tenants with
// periodic tags kept in memory a minute, told of the use-cases' saves), on PGlite and the PostgreSQL
// server: no statement reaches the config database at a tick while no tenant has a periodic tag, a
// tag saved through the use-cases is computed at the next tick, one saved without telling the timer
// is found by the minute's look-up with none of its boundaries missed, and reads stop again once the
// periods are removed. The statements are counted where the drivers take them.
import { PGlite } from '@electric-sql/pglite';
import type { DerivedTag } from '@plantwatch/shared';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createAlarmEvaluator } from '../../../alarms/evaluator.ts';
import { type ConfigStore, createPostgresConfigStore } from '../../../compose/config-store.ts';
import { uuidV7Ids } from '../../../platform/ids.ts';
import { configDatabaseTargets } from '../../../platform/testing/config-databases.ts';
import { openDuckDbTelemetryStore } from '../../../telemetry/adapters/duckdb/telemetry-store.ts';
import type { TelemetryStore } from '../../../telemetry/ports.ts';
import {
  createDerivedTag,
  type DerivedTagChangeListener,
  derivedTagRef,
  updateDerivedTag,
} from '../../derived-tags.ts';
import { createPlant, type Plant } from '../../testing.ts';
import { createPeriodicDerivedTagRunner } from '../../timer.ts';

const MIN = 60_000;

/**
 * Every statement sent to the config database from here on, counted where the drivers take them:
 * PGlite's query, exec and transaction (a transaction counts once), node-postgres's Client.query (each
 * statement, BEGIN and COMMIT included). The stores themselves run unchanged.
 */
function countStatements(): { count(): number; restore(): void } {
  const spies = [
    vi.spyOn(PGlite.prototype, 'query'),
    vi.spyOn(PGlite.prototype, 'exec'),
    vi.spyOn(PGlite.prototype, 'transaction'),
    vi.spyOn(pg.Client.prototype, 'query'),
  ];
  return {
    count: () => spies.reduce((total, spy) => total + spy.mock.calls.length, 0),
    restore: () => {
      for (const spy of spies) spy.mockRestore();
    },
  };
}

describe.each(configDatabaseTargets)(
  'the local timer with the tenants kept in memory, on $name',
  (target) => {
    let database: Awaited<ReturnType<typeof target.open>>;
    let store: ConfigStore;
    let telemetry: TelemetryStore;
    // Behind the wall clock (which dates a tag's creation in the database) until a periodic tag is saved,
    // then from its creation on, as the runtime's clock would be.
    let now = Date.now() - 10 * MIN;
    const clock = { now: () => new Date(now) };
    const TICK = 1_000;

    beforeAll(async () => {
      database = await target.open();
      store = createPostgresConfigStore(database.db, () => database.close());
      telemetry = await openDuckDbTelemetryStore({ path: ':memory:', maxPointAgeMs: 30 * 86_400_000 });
    });
    afterAll(async () => {
      await telemetry?.close();
      await store?.close();
    });

    const save = (
      plant: Plant,
      key: string,
      periodSeconds: number | null,
      derivedTagChanges?: DerivedTagChangeListener,
    ) =>
      createDerivedTag({ store, ids: uuidV7Ids, telemetry, derivedTagChanges }, plant.principal, {
        siteId: plant.siteId,
        key,
        name: key,
        description: '',
        formula: '${inlet:flow} - ${outlet:flow}',
        unit: 'm³/h',
        periodSeconds,
      });
    const boundariesOf = async (plant: Plant, key: string) =>
      (
        await telemetry.range(
          plant.tenantId,
          derivedTagRef({ siteId: plant.siteId, key }),
          0,
          now + 1,
          10_000,
        )
      )
        .map((sample) => sample.ts)
        .filter((ts) => ts % 10_000 === 0);
    /** Every multiple of 10 s after the tag was created, up to now: what the timer owes it. */
    const owed = (tag: DerivedTag) => {
      const owes: number[] = [];
      for (let at = Math.floor(Date.parse(tag.createdAt) / 10_000) * 10_000 + 10_000; at <= now; at += 10_000)
        owes.push(at);
      return owes;
    };

    it('reads nothing a tick without periodic tags, computes one saved through the use-cases at the next tick, and finds one saved otherwise within the minute', async () => {
      const runner = createPeriodicDerivedTagRunner(
        { store, telemetry, alarms: createAlarmEvaluator({ store, ids: uuidV7Ids, clock }), clock },
        { settleMs: 0, tenantsRefreshMs: MIN },
      );
      // the API's saves tell the timer, as the local runtime wires them (compose.ts)
      const told: DerivedTagChangeListener = {
        derivedTagsChanged: (site) => runner.forgetTenant(site.tenantId),
      };
      const plant = await createPlant(store);
      // a derived tag without a period is ingest's alone
      await save(plant, 'plain', null, told);
      expect(await runner.run()).toMatchObject({ tenants: 0, points: 0 });

      const idle = countStatements();
      try {
        for (let tick = 1; tick < 60; tick += 1) {
          now += TICK;
          expect(await runner.run()).toMatchObject({ tenants: 0, points: 0 });
        }
        expect(idle.count()).toBe(0);
        // a minute after the last look-up: the safety look-up, and nothing more
        now += TICK;
        await runner.run();
        expect(idle.count()).toBeGreaterThan(0);
        expect(idle.count()).toBeLessThanOrEqual(3);
      } finally {
        idle.restore();
      }

      // saved through the use-case: the very next tick looks again and computes it from its creation on
      const balance = await save(plant, 'balance', 10, told);
      now = Math.ceil((Math.max(now, Date.parse(balance.createdAt)) + 1) / 10_000) * 10_000;
      const first = await runner.run();
      expect(first).toMatchObject({ tenants: 1, failedTenants: 0 });
      expect(first.written).toBeGreaterThan(0);
      expect(await boundariesOf(plant, 'balance')).toEqual(owed(balance));

      // saved without telling the timer (SQL, another process): not seen before the minute's look-up...
      const quiet = await createPlant(store);
      const unseen = await save(quiet, 'balance', 10);
      for (let tick = 1; tick < 30; tick += 1) {
        now += TICK;
        expect(await runner.run()).toMatchObject({ tenants: 1, failedTenants: 0 });
      }
      expect(await boundariesOf(quiet, 'balance')).toEqual([]);
      // ...then found, and caught up from the tag's creation: no boundary missed
      let found = false;
      for (let tick = 0; tick <= 31 && !found; tick += 1) {
        now += TICK;
        found = (await runner.run()).tenants === 2;
      }
      expect(found).toBe(true);
      expect(await boundariesOf(quiet, 'balance')).toEqual(owed(unseen));
      expect(await boundariesOf(plant, 'balance')).toEqual(owed(balance));

      // the periods removed through the use-case: the next tick drops the tenants, and reads stop again
      await updateDerivedTag(
        { store, ids: uuidV7Ids, telemetry, derivedTagChanges: told },
        plant.principal,
        balance.id,
        {
          periodSeconds: null,
        },
      );
      await updateDerivedTag(
        { store, ids: uuidV7Ids, telemetry, derivedTagChanges: told },
        quiet.principal,
        unseen.id,
        {
          periodSeconds: null,
        },
      );
      now += TICK;
      expect(await runner.run()).toMatchObject({ tenants: 0, points: 0 });
      const idleAgain = countStatements();
      try {
        for (let tick = 1; tick < 30; tick += 1) {
          now += TICK;
          await runner.run();
        }
        expect(idleAgain.count()).toBe(0);
      } finally {
        idleAgain.restore();
      }
    });
  },
);
