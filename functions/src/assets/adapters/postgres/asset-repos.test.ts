// The asset repositories on PGlite and on the PostgreSQL server: subtrees by a recursive walk,
// deletes that take children and measurements along, siblings' names unique (top level too), a
// measurement that can only name its own tenant's tag and is unbound (kept) when the tag goes, an
// asset with alarm rules that cannot be deleted, and row-level security on every new table.
import { randomUUID } from 'node:crypto';
import { createAlarmRuleSchema } from '@plantwatch/shared';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ConfigStore, createPostgresConfigStore } from '../../../compose/config-store.ts';
import { newTestPlant, testOpcuaConnection, testOpcuaTag, testTagId } from '../../../plant/testing/plant.ts';
import type { ConfigDatabase } from '../../../platform/database/database.ts';
import { configDatabaseTargets } from '../../../platform/testing/config-databases.ts';
import { newAssetRecord } from '../../testing.ts';

const at = new Date('2026-12-01T08:00:00Z');

describe.each(configDatabaseTargets)('asset repositories on $name', (target) => {
  let database: ConfigDatabase;
  let store: ConfigStore;

  beforeAll(async () => {
    database = await target.open({ maxConnections: 2 });
    store = createPostgresConfigStore(database.db, () => database.close());
  }, 60_000);
  afterAll(async () => {
    await store.close();
  });

  /** A tenant with a site, a gateway, a device and two tags, made straight in the repositories. */
  async function plantOf(label: string) {
    const plant = await newTestPlant(store, {
      label,
      timeZone: 'UTC',
      devices: [
        {
          key: 'plc-1',
          name: 'PLC',
          connection: testOpcuaConnection,
          tags: [testOpcuaTag('run'), testOpcuaTag('current')],
        },
      ],
    });
    return {
      tenantId: plant.tenantId,
      siteId: plant.siteId,
      run: testTagId(plant, 'run'),
      current: testTagId(plant, 'current'),
    };
  }

  it('walks and deletes a subtree with its measurements, keeping names unique among siblings', async () => {
    const a = await plantOf('repo-tree');
    const counts = await store.inTenant(a.tenantId, async (repos) => {
      const works = await repos.assets.insert(newAssetRecord(a.siteId, 'Inlet works', null), at);
      const pumping = await repos.assets.insert(newAssetRecord(a.siteId, 'Pumping', works.id), at);
      const pump = await repos.assets.insert(
        newAssetRecord(a.siteId, 'Pump 1', pumping.id, {
          installDate: '2019-04-01',
          measurements: [
            { name: 'Running', unit: '', tagId: a.run },
            { name: 'Current', unit: 'A', tagId: a.current },
          ],
        }),
        at,
      );
      await repos.assets.insert(newAssetRecord(a.siteId, 'Screening', null), at);
      expect(pump.measurements.map((m) => m.name)).toEqual(['Running', 'Current']);
      expect(pump.installDate).toBe('2019-04-01');
      const subtree = await repos.assets.subtreeIds(works.id);
      const removed = await repos.assets.removeSubtree(pumping.id);
      return {
        subtree,
        ids: [works.id, pumping.id, pump.id],
        removed,
        left: await repos.assets.listForSite(a.siteId),
      };
    });
    expect(counts.subtree).toEqual(counts.ids);
    expect(counts.removed).toBe(2);
    expect(counts.left.map((x) => x.name)).toEqual(['Inlet works', 'Screening']);
    // the pump's measurements went with it
    const measurements = await database.db.transaction(async (tx) => {
      await tx.execute(sql`select set_config('app.tenant_id', ${a.tenantId}, true)`);
      const result = (await tx.execute(sql`select count(*)::int as n from asset_measurements`)) as {
        rows: { n: number }[];
      };
      return result.rows[0]?.n;
    });
    expect(measurements).toBe(0);
    // top-level names clash too (NULLS NOT DISTINCT), and siblings' names
    await expect(
      store.inTenant(a.tenantId, (repos) =>
        repos.assets.insert(newAssetRecord(a.siteId, 'Screening', null), at),
      ),
    ).rejects.toThrow('an asset with this name already exists under the same parent');
  });

  it("binds only its own tenant's tags, and unbinds a measurement (keeping it) when its tag is deleted", async () => {
    const a = await plantOf('repo-bind-a');
    const b = await plantOf('repo-bind-b');
    await expect(
      store.inTenant(b.tenantId, (repos) =>
        repos.assets.insert(
          newAssetRecord(b.siteId, 'Pump', null, { measurements: [{ name: 'Run', unit: '', tagId: a.run }] }),
          at,
        ),
      ),
    ).rejects.toThrow('tag not found');
    const pump = await store.inTenant(a.tenantId, (repos) =>
      repos.assets.insert(
        newAssetRecord(a.siteId, 'Pump', null, { measurements: [{ name: 'Run', unit: '', tagId: a.run }] }),
        at,
      ),
    );
    const after = await store.inTenant(a.tenantId, async (repos) => {
      await repos.tags.remove(a.run);
      return repos.assets.get(pump.id);
    });
    expect(after?.measurements).toEqual([{ name: 'Run', unit: '', tagId: null }]);
  });

  it('cannot delete an asset an alarm rule was made for; deleting the rule drops the link', async () => {
    const a = await plantOf('repo-rules');
    const { pump, ruleId } = await store.inTenant(a.tenantId, async (repos) => {
      const pump = await repos.assets.insert(
        newAssetRecord(a.siteId, 'Pump', null, {
          measurements: [{ name: 'Current', unit: 'A', tagId: a.current }],
        }),
        at,
      );
      const rule = await repos.alarmRules.create({
        ...createAlarmRuleSchema.parse({
          kind: 'comparison',
          tagId: a.current,
          name: 'Pump: current high',
          severity: 'medium',
          op: '>',
          value: 40,
        }),
        id: randomUUID(),
        siteId: a.siteId,
        tagId: a.current,
      });
      await repos.assets.linkRule({ ruleId: rule.id, assetId: pump.id, measurement: 'Current' });
      return { pump, ruleId: rule.id };
    });
    expect(await store.inTenant(a.tenantId, (repos) => repos.assets.rulesOf([pump.id]))).toEqual([
      { ruleId, ruleName: 'Pump: current high', assetId: pump.id, measurement: 'Current' },
    ]);
    await expect(
      store.inTenant(a.tenantId, (repos) => repos.assets.removeSubtree(pump.id)),
    ).rejects.toThrow();
    await store.inTenant(a.tenantId, (repos) => repos.alarmRules.remove(ruleId));
    expect(await store.inTenant(a.tenantId, (repos) => repos.assets.removeSubtree(pump.id))).toBe(1);
  });

  it("shows no other tenant's assets, models or links, by repository or raw SQL (row-level security)", async () => {
    const a = await plantOf('repo-rls-a');
    const b = await plantOf('repo-rls-b');
    const pump = await store.inTenant(a.tenantId, async (repos) => {
      await repos.assetModels.insert(
        {
          id: randomUUID(),
          name: 'Pump',
          description: '',
          level: 'equipment',
          measurements: [],
          alarmRules: [],
        },
        at,
      );
      return repos.assets.insert(
        newAssetRecord(a.siteId, 'Pump', null, {
          measurements: [{ name: 'Run', unit: '', tagId: a.current }],
        }),
        at,
      );
    });
    const seen = await store.inTenant(b.tenantId, async (repos) => ({
      asset: await repos.assets.get(pump.id),
      list: await repos.assets.listForSite(a.siteId),
      models: await repos.assetModels.list(),
      scope: await repos.assetScopes.under(pump.id),
      subtree: await repos.assets.subtreeIds(pump.id),
    }));
    expect(seen).toEqual({ asset: null, list: [], models: [], scope: null, subtree: [] });
    const counts = await database.db.transaction(async (tx) => {
      await tx.execute(sql`select set_config('app.tenant_id', ${b.tenantId}, true)`);
      const result = (await tx.execute(sql`
        select (select count(*)::int from assets where tenant_id = ${a.tenantId}) as assets,
               (select count(*)::int from asset_measurements where tenant_id = ${a.tenantId}) as measurements,
               (select count(*)::int from asset_models where tenant_id = ${a.tenantId}) as models`)) as {
        rows: { assets: number; measurements: number; models: number }[];
      };
      return result.rows[0];
    });
    expect(counts).toEqual({ assets: 0, measurements: 0, models: 0 });
  });
});
