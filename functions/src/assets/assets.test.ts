// The asset hierarchy over the real config store (PGlite): a tree of any depth, measurements bound only
// to tags of the asset's own site, no cycles, subtree deletes refused while rules use them, assets made
// from a model with their rules, the tree's alarm counts, the alarm list's asset filter, and a site's
// hierarchy exported and imported, each refusal changing nothing.
import { ConflictError, InvalidInputError, NotFoundError } from '@plantwatch/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as alarms from '../alarms/alarms.ts';
import { createAlarmEvaluator } from '../alarms/evaluator.ts';
import type { ConfigStore } from '../compose/config-store.ts';
import * as plant from '../plant/plant.ts';
import { modbusTag, type PlantUseCases } from '../plant/testing/use-cases.ts';
import { uuidV7Ids } from '../platform/ids.ts';
import * as assets from './assets.ts';
import * as models from './models.ts';
import { assetDefaults, fromModelDefaults, openAssetTestbed, pumpModel } from './testing.ts';
import { exportAssets, importAssets } from './transfer.ts';

describe('the asset hierarchy', () => {
  let store: ConfigStore;
  let harness: PlantUseCases;
  let deps: assets.AssetDeps;

  beforeAll(async () => {
    ({ store, harness, deps } = await openAssetTestbed());
  });
  afterAll(async () => {
    await store.close();
  });

  /** A site with two PLCs: plc-1 (run and fault bits of two pumps), drive (their motor currents). */
  async function pumpingStation(label: string) {
    const { engineer, site, gateway } = await harness.newSite(label);
    const plc = await harness.newModbusDevice(engineer, gateway.id, 'plc-1');
    const drive = await harness.newModbusDevice(engineer, gateway.id, 'drive');
    const tag = (deviceId: string, key: string, address: number) =>
      plant.createTag(harness.deps, engineer, { deviceId, ...modbusTag(key, address) });
    const tags = {
      pump1Run: await tag(plc.id, 'pump1_run', 1),
      pump1Fault: await tag(plc.id, 'pump1_fault', 2),
      pump2Run: await tag(plc.id, 'pump2_run', 3),
      pump2Fault: await tag(plc.id, 'pump2_fault', 4),
      pump1Current: await tag(drive.id, 'pump1_current', 1),
      pump2Current: await tag(drive.id, 'pump2_current', 2),
    };
    const area = await assets.createAsset(deps, engineer, {
      ...assetDefaults,
      siteId: site.id,
      name: 'Inlet works',
      level: 'area',
    });
    const line = await assets.createAsset(deps, engineer, {
      ...assetDefaults,
      siteId: site.id,
      parentId: area.id,
      name: 'Pumping',
      level: 'line',
    });
    return { engineer, site, gateway, plc, drive, tags, area, line };
  }

  it('keeps a tree of any depth, with attributes and measurements from two PLCs', async () => {
    const { engineer, site, tags, area, line } = await pumpingStation('tree');
    const pump = await assets.createAsset(deps, engineer, {
      ...assetDefaults,
      siteId: site.id,
      parentId: line.id,
      name: 'Pump 1',
      level: 'equipment',
      make: 'Flygt',
      model: 'NP 3153',
      serial: 'SN-0042',
      installDate: '2019-04-01',
      documents: [{ title: 'Manual', url: 'https://example.com/np3153.pdf' }],
      measurements: [
        { name: 'Running', unit: '', tagId: tags.pump1Run.id },
        { name: 'Motor current', unit: 'A', tagId: tags.pump1Current.id },
      ],
    });
    const listed = await assets.listAssets(deps, engineer, site.id);
    expect(listed.map((a) => [a.name, a.parentId])).toEqual([
      ['Inlet works', null],
      ['Pump 1', line.id],
      ['Pumping', area.id],
    ]);
    expect(await assets.getAsset(deps, engineer, pump.id)).toMatchObject({
      make: 'Flygt',
      installDate: '2019-04-01',
      documents: [{ title: 'Manual', url: 'https://example.com/np3153.pdf' }],
      measurements: [
        { name: 'Running', unit: '', tagId: tags.pump1Run.id },
        { name: 'Motor current', unit: 'A', tagId: tags.pump1Current.id },
      ],
    });
    const tree = await assets.getAssetTree(deps, engineer, site.id);
    expect(tree.assets).toHaveLength(1);
    expect(tree.assets[0]?.children[0]?.children[0]).toMatchObject({ name: 'Pump 1', measurementCount: 2 });
  });

  it('refuses a measurement bound to a tag of another site or tenant as not found, creating nothing', async () => {
    const here = await pumpingStation('tags-here');
    const elsewhere = await pumpingStation('tags-elsewhere');
    const otherSite = await plant.createSite(harness.deps, here.engineer, {
      name: 'South',
      description: '',
      timeZone: 'UTC',
      location: null,
    });
    const otherGateway = await plant.createGateway(harness.deps, here.engineer, {
      siteId: otherSite.id,
      name: 'gw-south',
      description: '',
    });
    const otherDevice = await harness.newModbusDevice(here.engineer, otherGateway.id, 'plc-s');
    const sameTenantOtherSite = await plant.createTag(harness.deps, here.engineer, {
      deviceId: otherDevice.id,
      ...modbusTag('level', 1),
    });
    for (const tagId of [sameTenantOtherSite.id, elsewhere.tags.pump1Run.id]) {
      const attempt = assets.createAsset(deps, here.engineer, {
        ...assetDefaults,
        siteId: here.site.id,
        parentId: here.line.id,
        name: 'Pump 9',
        measurements: [
          { name: 'Running', unit: '', tagId: here.tags.pump1Run.id },
          { name: 'Level', unit: 'm', tagId },
        ],
      });
      await expect(attempt).rejects.toThrow(NotFoundError);
      await expect(attempt).rejects.toThrow('measurements[1].tagId: tag not found at this site');
    }
    // and another tenant's asset is not found either
    await expect(assets.getAsset(deps, elsewhere.engineer, here.area.id)).rejects.toThrow(NotFoundError);
    expect((await assets.listAssets(deps, here.engineer, here.site.id)).map((a) => a.name)).toEqual([
      'Inlet works',
      'Pumping',
    ]);
  });

  it('refuses to make an asset its own ancestor, and moves a subtree elsewhere', async () => {
    const { engineer, site, area, line } = await pumpingStation('cycles');
    const pump = await assets.createAsset(deps, engineer, {
      ...assetDefaults,
      siteId: site.id,
      parentId: line.id,
      name: 'Pump 1',
    });
    await expect(assets.moveAsset(deps, engineer, area.id, { parentId: pump.id })).rejects.toThrow(
      'parentId: the new parent is under "Inlet works": an asset cannot be its own ancestor',
    );
    await expect(assets.moveAsset(deps, engineer, area.id, { parentId: area.id })).rejects.toThrow(
      InvalidInputError,
    );
    expect((await assets.getAsset(deps, engineer, area.id)).parentId).toBeNull();

    const moved = await assets.moveAsset(deps, engineer, line.id, { parentId: null });
    expect(moved.parentId).toBeNull();
    const tree = await assets.getAssetTree(deps, engineer, site.id);
    expect(tree.assets.map((node) => [node.name, node.children.map((c) => c.name)])).toEqual([
      ['Inlet works', []],
      ['Pumping', ['Pump 1']],
    ]);
    // a sibling with the same name is a clash
    await expect(
      assets.createAsset(deps, engineer, { ...assetDefaults, siteId: site.id, name: 'Pumping' }),
    ).rejects.toThrow(ConflictError);
  });

  it('makes a pump from the model: measurements bound by pattern, rules named by its path', async () => {
    const { engineer, site, tags, line } = await pumpingStation('model');
    const model = await models.createAssetModel(deps, engineer, {
      ...pumpModel,
      name: 'Centrifugal pump (model test)',
    });
    const first = await models.createAssetFromModel(deps, engineer, model.id, {
      ...fromModelDefaults,
      siteId: site.id,
      parentId: line.id,
      name: 'Pump 1',
      key: 'pump1',
    });
    const second = await models.createAssetFromModel(deps, engineer, model.id, {
      ...fromModelDefaults,
      siteId: site.id,
      parentId: line.id,
      name: 'Pump 2',
      key: 'pump2',
    });
    expect(second.asset).toMatchObject({
      assetModelId: model.id,
      level: 'equipment',
      measurements: [
        { name: 'Running', unit: '', tagId: tags.pump2Run.id },
        { name: 'Fault', unit: '', tagId: tags.pump2Fault.id },
        { name: 'Motor current', unit: 'A', tagId: tags.pump2Current.id },
      ],
    });
    expect(first.alarmRuleIds).toHaveLength(2);
    expect(second.alarmRuleIds).toHaveLength(2);
    const rules = await alarms.listAlarmRules(deps, engineer, { siteId: site.id });
    expect(rules.map((r) => [r.name, r.tagId]).sort()).toEqual(
      [
        ['Inlet works / Pumping / Pump 1: Tripped', tags.pump1Fault.id],
        ['Inlet works / Pumping / Pump 1: Current high', tags.pump1Current.id],
        ['Inlet works / Pumping / Pump 2: Tripped', tags.pump2Fault.id],
        ['Inlet works / Pumping / Pump 2: Current high', tags.pump2Current.id],
      ].sort(),
    );
  });

  it('creates nothing when a pattern finds two tags or a rule has no tag to watch', async () => {
    const { engineer, site, line } = await pumpingStation('model-bad');
    const model = await models.createAssetModel(deps, engineer, { ...pumpModel, name: 'Pump (ambiguous)' });
    const ambiguous = models.createAssetFromModel(deps, engineer, model.id, {
      ...fromModelDefaults,
      siteId: site.id,
      parentId: line.id,
      name: 'Pump X',
      key: 'pump*',
    });
    await expect(ambiguous).rejects.toThrow(
      'bindings.Running: the pattern "*/{key}_run" finds 2 tags (plc-1/pump1_run, plc-1/pump2_run); bind it by hand',
    );
    const unbound = models.createAssetFromModel(deps, engineer, model.id, {
      ...fromModelDefaults,
      siteId: site.id,
      parentId: line.id,
      name: 'Pump 3',
      key: 'pump3',
    });
    await expect(unbound).rejects.toThrow(/^bindings.Fault: no tag found for "Fault"/);
    expect((await assets.listAssets(deps, engineer, site.id)).map((a) => a.name)).toEqual([
      'Inlet works',
      'Pumping',
    ]);
    expect(await alarms.listAlarmRules(deps, engineer, { siteId: site.id })).toEqual([]);
    // a model whose rule names no measurement of it, or is no rule, is refused
    await expect(
      models.createAssetModel(deps, engineer, {
        ...pumpModel,
        name: 'Bad pump',
        alarmRules: [
          { measurement: 'Speed', rule: { kind: 'digital', name: 'x', severity: 'low', trigger: 'true' } },
        ],
      }),
    ).rejects.toThrow('alarmRules[0].measurement: "Speed" is not a measurement of this model');
    await expect(
      models.createAssetModel(deps, engineer, {
        ...pumpModel,
        name: 'Bad pump',
        alarmRules: [
          { measurement: 'Fault', rule: { kind: 'digital', name: 'x', severity: 'urgent', trigger: 'true' } },
        ],
      }),
    ).rejects.toThrow(/^alarmRules\.0\.rule\.severity: /);
  });

  it('refuses to delete a subtree whose assets have rules, naming them, and deletes it once they are gone', async () => {
    const { engineer, site, area, line } = await pumpingStation('delete');
    const model = await models.createAssetModel(deps, engineer, { ...pumpModel, name: 'Pump (delete)' });
    const made = await models.createAssetFromModel(deps, engineer, model.id, {
      ...fromModelDefaults,
      siteId: site.id,
      parentId: line.id,
      name: 'Pump 1',
      key: 'pump1',
    });
    const attempt = assets.deleteAsset(deps, engineer, area.id);
    await expect(attempt).rejects.toThrow(ConflictError);
    await expect(attempt).rejects.toThrow(
      '"Inlet works" cannot be deleted: alarm rules "Inlet works / Pumping / Pump 1: Tripped", "Inlet works / Pumping / Pump 1: Current high" use it; delete them first',
    );
    expect(await assets.listAssets(deps, engineer, site.id)).toHaveLength(3);
    for (const ruleId of made.alarmRuleIds) await alarms.deleteAlarmRule(deps, engineer, ruleId);
    expect(await assets.deleteAsset(deps, engineer, area.id)).toEqual({ deleted: 3 });
    expect(await assets.listAssets(deps, engineer, site.id)).toEqual([]);
  });

  it('counts active alarms by severity on each node and rolled up, and filters the alarm list by subtree', async () => {
    const { engineer, site, gateway, plc, drive, tags, area, line } = await pumpingStation('counts');
    const model = await models.createAssetModel(deps, engineer, { ...pumpModel, name: 'Pump (counts)' });
    const pump1 = await models.createAssetFromModel(deps, engineer, model.id, {
      ...fromModelDefaults,
      siteId: site.id,
      parentId: line.id,
      name: 'Pump 1',
      key: 'pump1',
    });
    await models.createAssetFromModel(deps, engineer, model.id, {
      ...fromModelDefaults,
      siteId: site.id,
      parentId: area.id,
      name: 'Pump 2',
      key: 'pump2',
    });
    const now = Date.now();
    await createAlarmEvaluator({ store, ids: uuidV7Ids, clock: { now: () => new Date(now) } }).evaluate({
      tenantId: engineer.tenantId,
      siteId: site.id,
      gatewayId: gateway.id,
      points: [
        { tagId: tags.pump1Fault.id, deviceId: plc.id, ts: now, value: true, quality: 'good' },
        { tagId: tags.pump1Current.id, deviceId: drive.id, ts: now, value: 55, quality: 'good' },
        { tagId: tags.pump2Fault.id, deviceId: plc.id, ts: now, value: true, quality: 'good' },
      ],
    });
    const tree = await assets.getAssetTree(deps, engineer, site.id);
    const [works] = tree.assets;
    expect(works?.alarms).toEqual({ critical: 0, high: 0, medium: 0, low: 0 });
    expect(works?.alarmsRolledUp).toEqual({ critical: 0, high: 2, medium: 1, low: 0 });
    const pumping = works?.children.find((c) => c.name === 'Pumping');
    expect(pumping?.alarmsRolledUp).toEqual({ critical: 0, high: 1, medium: 1, low: 0 });
    expect(pumping?.children[0]?.alarms).toEqual({ critical: 0, high: 1, medium: 1, low: 0 });

    const underPumping = await alarms.listAlarms(deps, engineer, { assetId: line.id });
    expect(underPumping.map((a) => a.name).sort()).toEqual([
      'Inlet works / Pumping / Pump 1: Current high',
      'Inlet works / Pumping / Pump 1: Tripped',
    ]);
    expect((await alarms.listAlarms(deps, engineer, { assetId: area.id })).map((a) => a.ruleId)).toEqual(
      expect.arrayContaining(pump1.alarmRuleIds),
    );
    expect(await alarms.listAlarms(deps, engineer, { assetId: area.id })).toHaveLength(3);
    const stranger = (await harness.newSite('counts-stranger')).engineer;
    await expect(alarms.listAlarms(deps, stranger, { assetId: line.id })).rejects.toThrow('asset not found');
  });

  it('exports a site hierarchy and imports it into another site with the same plant, all or nothing', async () => {
    const from = await pumpingStation('export');
    await assets.createAsset(deps, from.engineer, {
      ...assetDefaults,
      siteId: from.site.id,
      parentId: from.line.id,
      name: 'Pump 1',
      serial: 'SN-1',
      measurements: [
        { name: 'Running', unit: '', tagId: from.tags.pump1Run.id },
        { name: 'Spare', unit: '', tagId: null },
      ],
    });
    const document = await exportAssets(deps, from.engineer, from.site.id);
    expect(document.assets[0]?.children[0]?.children[0]).toMatchObject({
      name: 'Pump 1',
      serial: 'SN-1',
      measurements: [
        { name: 'Running', unit: '', tag: 'gw/plc-1/pump1_run' },
        { name: 'Spare', unit: '', tag: null },
      ],
    });

    const to = await pumpingStation('import');
    await expect(importAssets(deps, to.engineer, to.site.id, document, 'add')).rejects.toThrow(ConflictError);
    const broken = structuredClone(document);
    const pump = broken.assets[0]?.children[0]?.children[0];
    if (pump?.measurements[0]) pump.measurements[0].tag = 'gw/plc-1/nope';
    await expect(importAssets(deps, to.engineer, to.site.id, broken, 'replace')).rejects.toThrow(
      'assets[0].children[0].children[0].measurements[0].tag: no tag "gw/plc-1/nope" at this site',
    );
    expect(await assets.listAssets(deps, to.engineer, to.site.id)).toHaveLength(2);

    expect(await importAssets(deps, to.engineer, to.site.id, document, 'replace')).toEqual({
      created: 3,
      deleted: 2,
      unboundMeasurements: ['Inlet works / Pumping / Pump 1: Spare'],
    });
    const imported = (await assets.listAssets(deps, to.engineer, to.site.id)).find(
      (a) => a.name === 'Pump 1',
    );
    expect(imported?.measurements[0]).toEqual({ name: 'Running', unit: '', tagId: to.tags.pump1Run.id });
    expect(await exportAssets(deps, to.engineer, to.site.id)).toEqual({ ...document, site: 'North' });
  });
});
