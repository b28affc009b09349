// A site's asset hierarchy as CSV over the real config store (PGlite): exported, imported back in
// place of the site's assets and exported again unchanged (the round trip); a file with problems
// refused with each row and column named and nothing changed; another tenant's site not found.
import { InvalidInputError, NotFoundError } from '@plantwatch/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConfigStore } from '../compose/config-store.ts';
import * as plant from '../plant/plant.ts';
import { modbusTag, type PlantUseCases } from '../plant/testing/use-cases.ts';
import * as assets from './assets.ts';
import * as models from './models.ts';
import { openAssetTestbed } from './testing.ts';
import { exportAssetsCsv, importAssetsCsv } from './transfer-csv.ts';

const attributes = { make: '', model: '', serial: '', installDate: null, documents: [] };

async function text(chunks: AsyncIterable<string>) {
  let all = '';
  for await (const chunk of chunks) all += chunk;
  return all;
}

describe('a site hierarchy as CSV', () => {
  let store: ConfigStore;
  let harness: PlantUseCases;
  let deps: assets.AssetDeps;

  beforeAll(async () => {
    ({ store, harness, deps } = await openAssetTestbed());
  });
  afterAll(async () => {
    await store.close();
  });

  async function plantWithAssets(label: string) {
    const { engineer, site, gateway } = await harness.newSite(label);
    const plc = await harness.newModbusDevice(engineer, gateway.id, 'plc-1');
    const run = await plant.createTag(harness.deps, engineer, {
      deviceId: plc.id,
      ...modbusTag('pump1_run', 1),
    });
    const level = await plant.createTag(harness.deps, engineer, {
      deviceId: plc.id,
      ...modbusTag('well_level', 2),
    });
    const model = await models.createAssetModel(deps, engineer, {
      name: 'Wet well',
      description: '',
      level: 'equipment',
      measurements: [{ name: 'Level', unit: 'm', tagPattern: 'plc-1/well_level' }],
      alarmRules: [],
    });
    const area = await assets.createAsset(deps, engineer, {
      ...attributes,
      siteId: site.id,
      parentId: null,
      name: 'Inlet works',
      level: 'area',
      measurements: [],
    });
    await assets.createAsset(deps, engineer, {
      siteId: site.id,
      parentId: area.id,
      name: 'Pump 1',
      level: 'equipment',
      make: 'Flygt',
      model: 'NP 3153',
      serial: 'SN, "42"',
      installDate: '2019-04-01',
      documents: [
        { title: 'Manual', url: 'https://example.com/np3153.pdf' },
        { title: 'Wiring | sheet 2', url: 'https://example.com/wiring.pdf' },
      ],
      measurements: [
        { name: 'Running', unit: '', tagId: run.id },
        { name: 'Hours', unit: 'h', tagId: null },
      ],
    });
    await models.createAssetFromModel(deps, engineer, model.id, {
      ...attributes,
      siteId: site.id,
      parentId: area.id,
      name: 'Wet well',
      key: '',
      bindings: {},
      alarmRules: false,
    });
    return { engineer, site, level };
  }

  it('exports one row per measurement and imports it back unchanged', async () => {
    const { engineer, site } = await plantWithAssets('csv-round');
    const exported = await exportAssetsCsv(deps, engineer, site.id);
    const first = await text(exported.chunks);
    expect(exported.fileName).toBe('North-assets.csv');
    const lines = first.split('\r\n');
    expect(lines[0]).toBe(
      'path,level,asset_model,make,model,serial,install_date,documents,measurement,unit,gateway,device,tag',
    );
    expect(lines[1]).toBe('Inlet works,area,,,,,,,,,,,');
    expect(first).toContain(
      'Inlet works / Pump 1,equipment,,Flygt,NP 3153,"SN, ""42""",2019-04-01,"Manual | https://example.com/np3153.pdf\nWiring | sheet 2 | https://example.com/wiring.pdf",Running,,gw,plc-1,pump1_run',
    );
    expect(first).toContain('Inlet works / Wet well,equipment,Wet well,,,,,,Level,m,gw,plc-1,well_level');

    const result = await importAssetsCsv(deps, engineer, site.id, { csv: first, mode: 'replace' });
    expect(result).toEqual({ created: 3, deleted: 3, unboundMeasurements: ['Inlet works / Pump 1: Hours'] });
    const again = await text((await exportAssetsCsv(deps, engineer, site.id)).chunks);
    expect(again).toBe(first);
    const pump = (await assets.listAssets(deps, engineer, site.id)).find((a) => a.name === 'Pump 1');
    expect(pump?.documents).toEqual([
      { title: 'Manual', url: 'https://example.com/np3153.pdf' },
      { title: 'Wiring | sheet 2', url: 'https://example.com/wiring.pdf' },
    ]);
  });

  it('names the row and column of every problem and changes nothing', async () => {
    const { engineer, site } = await plantWithAssets('csv-bad');
    const before = await assets.listAssets(deps, engineer, site.id);
    const csv = [
      'path,level,install_date,measurement,unit,device,tag,asset_model',
      'Works,area,2019-13-45,,,,,',
      'Works / Pump,equipment,,Running,,plc-1,no_such_tag,',
      'Works / Pump,line,,Current,A,plc-1,,',
      'Elsewhere / Valve,equipment,,,,,,Gate valve',
      'Works / Pump,,,Running,,,,',
    ].join('\n');
    const refused = await importAssetsCsv(deps, engineer, site.id, { csv, mode: 'add' }).catch((e) => e);
    expect(refused).toBeInstanceOf(InvalidInputError);
    expect(refused.details.map((e: { row: number; field: string }) => [e.row, e.field])).toEqual([
      [2, 'install_date'],
      [3, 'tag'],
      [4, 'level'],
      [4, 'tag'],
      [5, 'asset_model'],
      [5, 'path'],
      [6, 'measurement'],
    ]);
    expect(refused.message).toMatch(/^the CSV has 7 problem\(s\); the first: row 2 install_date: /);
    const unknown = await importAssetsCsv(deps, engineer, site.id, {
      csv: 'path,colour\nA,red',
      mode: 'add',
    }).catch((e) => e);
    expect(unknown.details).toEqual([
      { row: 1, field: 'colour', message: expect.stringMatching(/^unknown column; expected path, level/) },
    ]);
    expect(await assets.listAssets(deps, engineer, site.id)).toEqual(before);

    // a row that is fine on its own but clashes with an existing sibling: the whole file is refused
    await expect(
      importAssetsCsv(deps, engineer, site.id, { csv: 'path\nNew area\nInlet works', mode: 'add' }),
    ).rejects.toThrow(/already exists/);
    expect(await assets.listAssets(deps, engineer, site.id)).toEqual(before);
  });

  it("finds nothing of another tenant's site", async () => {
    const { site } = await plantWithAssets('csv-a');
    const other = await harness.newSite('csv-b');
    await expect(exportAssetsCsv(deps, other.engineer, site.id)).rejects.toBeInstanceOf(NotFoundError);
    await expect(
      importAssetsCsv(deps, other.engineer, site.id, { csv: 'path\nStolen', mode: 'add' }),
    ).rejects.toBeInstanceOf(NotFoundError);
  });
});
