// biome-ignore-all lint/suspicious/noTemplateCurlyInString: formulas write their references as ${device:tag}
// Telemetry reads of a user limited to areas (ADR 0042 addendum) over the real config store (PGlite)
// and an in-memory telemetry store: latest values by site, gateway, device and tags, series and the
// CSV export list or accept only the tags and derived tags bound under the user's areas; another
// area's tag or asset is not found; a site seen whole, or a caller without areas, reads everything.
import { NotFoundError } from '@plantwatch/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as assets from '../assets/assets.ts';
import { assetDefaults } from '../assets/testing.ts';
import type { ConfigStore } from '../compose/config-store.ts';
import { createDerivedTag } from '../derived-tags/derived-tags.ts';
import * as plant from '../plant/plant.ts';
import { modbusTag, openPlantTestbed, type PlantUseCases } from '../plant/testing/use-cases.ts';
import { uuidV7Ids } from '../platform/ids.ts';
import type { Principal } from '../platform/principal.ts';
import type { TagRef, TelemetryStore } from './ports.ts';
import * as telemetry from './telemetry.ts';

/** Every tag asked for has one good sample, 7, at ts 1000. */
const oneSampleEach = {
  kind: 'duckdb',
  maxPointAgeMs: 0,
  write: async () => ({ written: 0, duplicates: 0 }),
  latest: async (_tenantId: string, refs: readonly TagRef[]) =>
    refs.map((tagRef) => ({ tagRef, ts: 1000, value: 7, quality: 'good' as const })),
  range: async (_tenantId: string, _ref: TagRef, from: number) =>
    from <= 1000 ? [{ ts: 1000, value: 7, quality: 'good' as const }] : [],
  series: async (_tenantId: string, query: { tagRefs: readonly TagRef[] }) =>
    query.tagRefs.map((tagRef) => ({ tagRef, bucketMs: 60_000, buckets: [{ ts: 0, avg: 7 }] })),
  close: async () => {},
} satisfies TelemetryStore;

describe('telemetry of a user limited to areas', () => {
  let store: ConfigStore;
  let harness: PlantUseCases;

  beforeAll(async () => {
    ({ store, harness } = await openPlantTestbed());
  });
  afterAll(async () => {
    await store.close();
  });

  it("lists and reads only the tags bound under the areas; another area's is not found", async () => {
    const { engineer, site, gateway } = await harness.newSite('area-telemetry');
    const deps = { store, ids: uuidV7Ids, clock: { now: () => new Date() }, telemetry: oneSampleEach };
    const plc = await harness.newModbusDevice(engineer, gateway.id, 'plc');
    const current = await plant.createTag(harness.deps, engineer, {
      deviceId: plc.id,
      ...modbusTag('current', 1),
    });
    const dp = await plant.createTag(harness.deps, engineer, { deviceId: plc.id, ...modbusTag('dp', 2) });
    await plant.createTag(harness.deps, engineer, { deviceId: plc.id, ...modbusTag('spare', 3) });
    const derived = (key: string, formula: string) =>
      createDerivedTag(deps, engineer, {
        siteId: site.id,
        key,
        name: key,
        description: '',
        formula,
        unit: 'A',
      });
    const power = await derived('power', '${plc:current} * 400');
    const dpPct = await derived('dp_pct', '${plc:dp} / 2');
    const works = await assets.createAsset(deps, engineer, {
      ...assetDefaults,
      siteId: site.id,
      name: 'Works',
    });
    await assets.createAsset(deps, engineer, {
      ...assetDefaults,
      siteId: site.id,
      parentId: works.id,
      name: 'Pump',
      measurements: [
        { name: 'Current', unit: 'A', tagId: current.id },
        { name: 'Power', unit: 'W', tagId: power.id },
      ],
    });
    const screens = await assets.createAsset(deps, engineer, {
      ...assetDefaults,
      siteId: site.id,
      name: 'Screens',
      measurements: [
        { name: 'dP', unit: 'mbar', tagId: dp.id },
        { name: 'dP %', unit: '%', tagId: dpPct.id },
      ],
    });
    const olga: Principal = {
      ...engineer,
      role: 'operator',
      siteIds: [site.id],
      areas: { wholeSiteIds: [], assetIds: [works.id] },
    };
    const ids = async (who: Principal, selection: telemetry.TagSelection) =>
      (await telemetry.latestValues(deps, who, selection)).map((v) => v.tagId).sort();

    // the site's latest: her area's tags and derived tags; everyone else's: all five, derived included
    expect(await ids(olga, { siteId: site.id })).toEqual([current.id, power.id].sort());
    expect((await ids(engineer, { siteId: site.id })).length).toBe(5);
    expect(await ids(olga, { gatewayId: gateway.id })).toEqual([current.id]);
    expect(await ids(olga, { deviceId: plc.id })).toEqual([current.id]);
    expect(await ids(olga, { tagIds: [power.id, current.id] })).toEqual([current.id, power.id].sort());
    for (const tagIds of [[dp.id], [current.id, dpPct.id]]) {
      await expect(telemetry.latestValues(deps, olga, { tagIds })).rejects.toThrow(NotFoundError);
      const range = { tagIds, from: 0, to: 60_000, maxPoints: 10, aggregates: ['avg' as const] };
      await expect(telemetry.tagSeries(deps, olga, range)).rejects.toThrow(NotFoundError);
      await expect(telemetry.exportCsv(deps, olga, { tagIds, from: 0, to: 60_000 })).rejects.toThrow(
        NotFoundError,
      );
      expect((await telemetry.tagSeries(deps, engineer, range)).series.length).toBe(tagIds.length);
    }
    await expect(
      telemetry.exportCsv(deps, olga, { assetId: screens.id, from: 0, to: 60_000 }),
    ).rejects.toThrow('asset not found');
    let csv = '';
    for await (const chunk of await telemetry.exportCsv(deps, olga, {
      assetId: works.id,
      from: 0,
      to: 60_000,
    }))
      csv += chunk;
    expect(csv.trim().split('\n').slice(1)).toEqual([
      `1970-01-01T00:00:01.000Z,${current.id},plc,current,7,good,Works / Pump,Current`,
      `1970-01-01T00:00:01.000Z,${power.id},$derived,power,7,good,Works / Pump,Power`,
    ]);
    // a site seen whole besides the areas: no limit there
    const whole: Principal = { ...olga, areas: { wholeSiteIds: [site.id], assetIds: [] } };
    expect((await ids(whole, { siteId: site.id })).length).toBe(5);
  });
});
