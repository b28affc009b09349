// biome-ignore-all lint/suspicious/noTemplateCurlyInString: formulas write their references as ${device:tag}
// Measurements bound to derived tags (issue 21, ADR 0044) over the real config store (PGlite): a
// derived tag of the asset's own site binds like a tag (read back by the same tagId, counted in the
// alarm list's subtree filter); another site's or tenant's derived tag is refused as not found,
// changing nothing; deleting the derived tag unbinds the measurement and keeps it.
import { NotFoundError } from '@plantwatch/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConfigStore } from '../compose/config-store.ts';
import { createDerivedTag, deleteDerivedTag } from '../derived-tags/derived-tags.ts';
import * as plant from '../plant/plant.ts';
import { modbusTag, type PlantUseCases } from '../plant/testing/use-cases.ts';
import { uuidV7Ids } from '../platform/ids.ts';
import type { Principal } from '../platform/principal.ts';
import * as assets from './assets.ts';
import { assetDefaults, openAssetTestbed } from './testing.ts';
import { exportAssets, importAssets } from './transfer.ts';

describe('measurements bound to derived tags', () => {
  let store: ConfigStore;
  let harness: PlantUseCases;
  let deps: assets.AssetDeps;
  const derivedDeps = () => ({ store, ids: uuidV7Ids, telemetry: { latest: async () => [] } });

  beforeAll(async () => {
    ({ store, harness, deps } = await openAssetTestbed());
  });
  afterAll(async () => {
    await store.close();
  });

  /** A site with a PLC reading inflow and outflow, and a derived tag of their balance. */
  async function works(label: string, engineer?: Principal) {
    const made = await harness.newSite(label);
    const who = engineer ?? made.engineer;
    let site = made.site;
    let gateway = made.gateway;
    if (engineer) {
      // a second site of the same tenant
      site = await plant.createSite(harness.deps, who, {
        name: `${label} site`,
        description: '',
        timeZone: 'UTC',
        location: null,
      });
      gateway = await plant.createGateway(harness.deps, who, {
        siteId: site.id,
        name: 'gw',
        description: '',
      });
    }
    const plc = await harness.newModbusDevice(who, gateway.id, 'plc');
    const inflow = await plant.createTag(harness.deps, who, { deviceId: plc.id, ...modbusTag('inflow', 1) });
    await plant.createTag(harness.deps, who, { deviceId: plc.id, ...modbusTag('outflow', 2) });
    const balance = await createDerivedTag(derivedDeps(), who, {
      siteId: site.id,
      key: 'balance',
      name: 'Flow balance',
      description: '',
      formula: '${plc:inflow} - ${plc:outflow}',
      unit: 'L/s',
    });
    return { engineer: who, site, inflow, balance };
  }

  it('binds a derived tag of the site like a tag, and keeps the measurement when it is deleted', async () => {
    const { engineer, site, inflow, balance } = await works('derived-here');
    const well = await assets.createAsset(deps, engineer, {
      ...assetDefaults,
      siteId: site.id,
      name: 'Wet well',
      measurements: [
        { name: 'Inflow', unit: 'L/s', tagId: inflow.id },
        { name: 'Balance', unit: 'L/s', tagId: balance.id },
      ],
    });
    expect(well.measurements).toEqual([
      { name: 'Inflow', unit: 'L/s', tagId: inflow.id },
      { name: 'Balance', unit: 'L/s', tagId: balance.id },
    ]);
    // the alarm list's subtree filter reads the derived tag among the asset's tags
    const scope = await store.inTenant(engineer.tenantId, (repos) => repos.assetScopes.under(well.id));
    expect(scope?.tagIds.sort()).toEqual([inflow.id, balance.id].sort());
    // a patch rebinds it, and deleting the derived tag unbinds the measurement, which stays
    const patched = await assets.updateAsset(deps, engineer, well.id, {
      measurements: [{ name: 'Balance', unit: 'L/s', tagId: balance.id }],
    });
    expect(patched.measurements).toEqual([{ name: 'Balance', unit: 'L/s', tagId: balance.id }]);
    await deleteDerivedTag(derivedDeps(), engineer, balance.id);
    expect((await assets.getAsset(deps, engineer, well.id)).measurements).toEqual([
      { name: 'Balance', unit: 'L/s', tagId: null },
    ]);
  });

  it("refuses another site's or another tenant's derived tag as not found, changing nothing", async () => {
    const here = await works('derived-mine');
    const sameTenantOtherSite = await works('derived-south', here.engineer);
    const otherTenant = await works('derived-theirs');
    const well = await assets.createAsset(deps, here.engineer, {
      ...assetDefaults,
      siteId: here.site.id,
      name: 'Wet well',
      measurements: [{ name: 'Inflow', unit: 'L/s', tagId: here.inflow.id }],
    });
    for (const tagId of [sameTenantOtherSite.balance.id, otherTenant.balance.id]) {
      const created = assets.createAsset(deps, here.engineer, {
        ...assetDefaults,
        siteId: here.site.id,
        name: 'Pump 9',
        measurements: [{ name: 'Balance', unit: 'L/s', tagId }],
      });
      await expect(created).rejects.toThrow(NotFoundError);
      await expect(created).rejects.toThrow('measurements[0].tagId: tag not found at this site');
      const patched = assets.updateAsset(deps, here.engineer, well.id, {
        measurements: [
          { name: 'Inflow', unit: 'L/s', tagId: here.inflow.id },
          { name: 'Balance', unit: 'L/s', tagId },
        ],
      });
      await expect(patched).rejects.toThrow('measurements[1].tagId: tag not found at this site');
    }
    expect((await assets.listAssets(deps, here.engineer, here.site.id)).map((a) => a.name)).toEqual([
      'Wet well',
    ]);
    expect((await assets.getAsset(deps, here.engineer, well.id)).measurements).toEqual([
      { name: 'Inflow', unit: 'L/s', tagId: here.inflow.id },
    ]);
  });

  it('exports a derived tag binding as $site/$derived/<key> and imports it at another site with that key', async () => {
    const from = await works('derived-export');
    const to = await works('derived-import', from.engineer);
    await assets.createAsset(deps, from.engineer, {
      ...assetDefaults,
      siteId: from.site.id,
      name: 'Wet well',
      measurements: [{ name: 'Balance', unit: 'L/s', tagId: from.balance.id }],
    });
    const document = await exportAssets(deps, from.engineer, from.site.id);
    expect(document.assets[0]?.measurements).toEqual([
      { name: 'Balance', unit: 'L/s', tag: '$site/$derived/balance' },
    ]);
    await importAssets(deps, from.engineer, to.site.id, document, 'add');
    const [imported] = await assets.listAssets(deps, from.engineer, to.site.id);
    expect(imported?.measurements).toEqual([{ name: 'Balance', unit: 'L/s', tagId: to.balance.id }]);
  });
});
