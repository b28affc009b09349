// An asset model's change carried to the pumps made from it, over the real config store (PGlite):
// the preview per asset (measurements added, renamed, removed; rules made, updated, skipped), a bound
// measurement the model dropped refused as a conflict that changes nothing, resolutions applied in
// one go, an operator's own setting (a rule taken out of service) kept, a stale preview refused,
// another tenant's model and assets not found.
import { ConflictError, NotFoundError } from '@plantwatch/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as alarms from '../alarms/alarms.ts';
import type { ConfigStore } from '../compose/config-store.ts';
import * as plant from '../plant/plant.ts';
import { modbusTag, type PlantUseCases } from '../plant/testing/use-cases.ts';
import * as assets from './assets.ts';
import * as models from './models.ts';
import { applyModelPropagation, previewModelPropagation } from './propagation.ts';
import { fromModelDefaults, openAssetTestbed, pumpModel } from './testing.ts';

describe('carrying a model change to its assets', () => {
  let store: ConfigStore;
  let harness: PlantUseCases;
  let deps: assets.AssetDeps;

  beforeAll(async () => {
    ({ store, harness, deps } = await openAssetTestbed());
  });
  afterAll(async () => {
    await store.close();
  });

  /** Two pumps made from the model under Inlet works / Pumping. */
  async function twoPumps(label: string) {
    const { engineer, site, gateway } = await harness.newSite(label);
    const plc = await harness.newModbusDevice(engineer, gateway.id, 'plc-1');
    const drive = await harness.newModbusDevice(engineer, gateway.id, 'drive');
    const tag = (deviceId: string, key: string, address: number) =>
      plant.createTag(harness.deps, engineer, { deviceId, ...modbusTag(key, address) });
    for (const [index, n] of [1, 2].entries()) {
      await tag(plc.id, `pump${n}_run`, 10 * index + 1);
      await tag(plc.id, `pump${n}_fault`, 10 * index + 2);
      await tag(drive.id, `pump${n}_current`, 10 * index + 3);
    }
    const line = await assets.createAsset(deps, engineer, {
      siteId: site.id,
      parentId: null,
      name: 'Pumping',
      level: 'line',
      make: '',
      model: '',
      serial: '',
      installDate: null,
      documents: [],
      measurements: [],
    });
    const model = await models.createAssetModel(deps, engineer, pumpModel);
    const pumps = [];
    for (const n of [1, 2])
      pumps.push(
        await models.createAssetFromModel(deps, engineer, model.id, {
          ...fromModelDefaults,
          siteId: site.id,
          parentId: line.id,
          name: `Pump ${n}`,
          key: `pump${n}`,
        }),
      );
    return { engineer, site, model, pumps };
  }

  it('previews each pump, refuses a dropped bound measurement, and applies the resolutions in one go', async () => {
    const { engineer, site, model, pumps } = await twoPumps('propagate');
    const [pump1, pump2] = pumps;
    if (!pump1 || !pump2) throw new Error('two pumps expected');
    // an operator takes Pump 1's current alarm out of service: the model must not put it back
    const current1 = (await alarms.listAlarmRules(deps, engineer, { siteId: site.id })).find(
      (r) => r.name === 'Pumping / Pump 1: Current high',
    );
    if (!current1) throw new Error('rule not made');
    await alarms.updateAlarmRule(deps, engineer, current1.id, { enabled: false });

    // the model: Running dropped, Fault renamed Trip, a vibration measurement, the limit raised, a new rule
    const changed = await models.updateAssetModel(deps, engineer, model.id, {
      measurements: [
        { name: 'Trip', unit: '', tagPattern: '*/{key}_fault' },
        { name: 'Motor current', unit: 'A', tagPattern: 'drive/{key}_current' },
        { name: 'Vibration', unit: 'mm/s', tagPattern: '' },
      ],
      alarmRules: [
        {
          measurement: 'Trip',
          rule: { kind: 'digital', name: 'Tripped', severity: 'high', trigger: 'true' },
        },
        {
          measurement: 'Motor current',
          rule: { kind: 'comparison', name: 'Current high', severity: 'medium', op: '>', value: 45 },
        },
        {
          measurement: 'Motor current',
          rule: { kind: 'badQuality', name: 'Current signal bad', severity: 'low' },
        },
        {
          measurement: 'Vibration',
          rule: { kind: 'comparison', name: 'Vibration high', severity: 'medium', op: '>', value: 7 },
        },
      ],
    });

    const preview = await previewModelPropagation(deps, engineer, model.id, { resolutions: [] });
    expect(preview).toMatchObject({ applied: false, conflicts: 4, modelUpdatedAt: changed.updatedAt });
    const first = preview.assets.find((a) => a.assetId === pump1.asset.id);
    expect(first?.path).toBe('Pumping / Pump 1');
    expect(first?.conflicts.map((c) => [c.measurement, c.rules])).toEqual([
      ['Running', []],
      ['Fault', ['Pumping / Pump 1: Tripped']],
    ]);
    expect(first?.measurements.add).toEqual([
      { name: 'Trip', unit: '', tagId: null },
      { name: 'Vibration', unit: 'mm/s', tagId: null },
    ]);
    expect(first?.rules.update).toEqual([
      expect.objectContaining({ name: 'Pumping / Pump 1: Current high', fields: ['value'] }),
    ]);
    expect(first?.rules.create.map((r) => r.name)).toEqual(['Pumping / Pump 1: Current signal bad']);
    expect(first?.rules.skipped.map((r) => r.name)).toEqual(['Tripped', 'Vibration high']);

    // applying with conflicts changes nothing and names them
    const refused = applyModelPropagation(deps, engineer, model.id, { resolutions: [] });
    await expect(refused).rejects.toBeInstanceOf(ConflictError);
    await expect(refused).rejects.toThrow(/Pumping \/ Pump 1: "Running"/);
    const untouched = await assets.getAsset(deps, engineer, pump1.asset.id);
    expect(untouched.measurements.map((m) => m.name)).toEqual(['Running', 'Fault', 'Motor current']);
    const rulesBefore = await alarms.listAlarmRules(deps, engineer, { siteId: site.id });
    expect(rulesBefore).toHaveLength(4);

    // a preview made before the model changed again is refused
    const resolutions = pumps.flatMap(({ asset }) => [
      { assetId: asset.id, measurement: 'Running', action: 'remove' as const },
      { assetId: asset.id, measurement: 'Fault', action: 'renameTo' as const, to: 'Trip' },
    ]);
    await expect(
      applyModelPropagation(deps, engineer, model.id, {
        modelUpdatedAt: new Date(Date.parse(changed.updatedAt) - 1000).toISOString(),
        resolutions,
      }),
    ).rejects.toThrow(/changed after the preview/);

    const applied = await applyModelPropagation(deps, engineer, model.id, {
      modelUpdatedAt: changed.updatedAt,
      resolutions,
    });
    expect(applied).toMatchObject({ applied: true, conflicts: 0 });
    const after = await assets.getAsset(deps, engineer, pump1.asset.id);
    const faultTag = untouched.measurements.find((m) => m.name === 'Fault')?.tagId;
    expect(after.measurements).toEqual([
      { name: 'Trip', unit: '', tagId: faultTag },
      { name: 'Motor current', unit: 'A', tagId: untouched.measurements[2]?.tagId },
      { name: 'Vibration', unit: 'mm/s', tagId: null },
    ]);
    const rules = await alarms.listAlarmRules(deps, engineer, { siteId: site.id });
    expect(rules.map((r) => r.name).sort()).toEqual([
      'Pumping / Pump 1: Current high',
      'Pumping / Pump 1: Current signal bad',
      'Pumping / Pump 1: Tripped',
      'Pumping / Pump 2: Current high',
      'Pumping / Pump 2: Current signal bad',
      'Pumping / Pump 2: Tripped',
    ]);
    const raised = rules.find((r) => r.id === current1.id);
    expect(raised).toMatchObject({ enabled: false, kind: 'comparison', value: 45 });
    // the renamed measurement keeps its rule: deleting it is refused by that rule, under its new name
    await expect(
      assets.updateAsset(deps, engineer, pump1.asset.id, { measurements: after.measurements.slice(1) }),
    ).rejects.toThrow(/"Trip" is used by alarm rule "Pumping \/ Pump 1: Tripped"/);

    // once applied, the model and its pumps agree
    const again = await previewModelPropagation(deps, engineer, model.id, { resolutions: [] });
    expect(again.changes).toBe(0);
    expect(again.conflicts).toBe(0);
  });

  it('keeps a measurement the asset wants as its own, and finds nothing of another tenant', async () => {
    const { engineer, model, pumps } = await twoPumps('propagate-keep');
    const other = await twoPumps('propagate-other');
    await models.updateAssetModel(deps, engineer, model.id, {
      measurements: pumpModel.measurements.filter((m) => m.name !== 'Running'),
    });
    const resolutions = pumps.map(({ asset }) => ({
      assetId: asset.id,
      measurement: 'Running',
      action: 'keep' as const,
    }));
    const applied = await applyModelPropagation(deps, engineer, model.id, { resolutions });
    expect(applied.assets.map((a) => a.measurements.keep)).toEqual([['Running'], ['Running']]);
    const pump = await assets.getAsset(deps, engineer, pumps[0]?.asset.id ?? '');
    expect(pump.measurements.map((m) => m.name)).toEqual(['Fault', 'Motor current', 'Running']);

    // another tenant's engineer: the model and the assets are not found
    await expect(
      previewModelPropagation(deps, other.engineer, model.id, { resolutions: [] }),
    ).rejects.toBeInstanceOf(NotFoundError);
    await expect(
      applyModelPropagation(deps, other.engineer, other.model.id, { resolutions }),
    ).rejects.toThrow(/resolutions\[0\]\.assetId/);
  });
});
