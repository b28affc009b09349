// Many tags at once over the real config store (PGlite): bulk changes all or nothing, CSV import
// (merge, replace, dry run) and export, device templates applied to devices on two gateways.
import { InvalidInputError, PlanLimitError } from '@plantwatch/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConfigStore } from '../compose/config-store.ts';
import { listConfigVersions } from './config-versions.ts';
import * as plant from './plant.ts';
import { bulkChangeTags, exportTagsCsv, importTagsCsv } from './tag-bulk.ts';
import * as templates from './templates.ts';
import { testModbusConnection } from './testing/plant.ts';
import { modbusTag, openPlantTestbed, type PlantUseCases } from './testing/use-cases.ts';

describe('many tags at once', () => {
  let store: ConfigStore;
  let harness: PlantUseCases;

  beforeAll(async () => {
    ({ store, harness } = await openPlantTestbed());
  });
  afterAll(async () => {
    await store.close();
  });

  const keysOf = async (engineer: Parameters<typeof plant.listTags>[1], deviceId: string) =>
    (await plant.listTags(harness.deps, engineer, { deviceId })).map((t) => t.key);

  it('creates, changes and deletes in one go, as one config version', async () => {
    const { engineer, gateway } = await harness.newSite('bulk');
    const device = await harness.newModbusDevice(engineer, gateway.id, 'plc-1');
    const a = await plant.createTag(harness.deps, engineer, { deviceId: device.id, ...modbusTag('a', 1) });
    const b = await plant.createTag(harness.deps, engineer, { deviceId: device.id, ...modbusTag('b', 2) });

    const done = await bulkChangeTags(harness.deps, engineer, device.id, {
      create: [modbusTag('b', 3), modbusTag('c', 4, { bit: 15 })],
      update: [{ id: a.id, patch: { unit: 'bar', deadband: 0.1 } }],
      delete: [b.id],
    });

    expect(done.created.map((t) => t.key)).toEqual(['b', 'c']);
    expect(done.updated).toEqual([expect.objectContaining({ id: a.id, unit: 'bar', deadband: 0.1 })]);
    expect(done.deleted).toEqual([b.id]);
    const [latest] = await listConfigVersions(harness.deps, engineer, gateway.id);
    expect(latest).toMatchObject({
      version: done.configVersion,
      change: 'device plc-1: tags 2 added, 1 changed, 1 deleted (bulk edit)',
    });
  });

  it('changes nothing when one entry is wrong, and says which', async () => {
    const { engineer, gateway } = await harness.newSite('bulk-bad');
    const device = await harness.newModbusDevice(engineer, gateway.id, 'plc-1');
    await plant.createTag(harness.deps, engineer, { deviceId: device.id, ...modbusTag('a', 1) });
    const versions = await listConfigVersions(harness.deps, engineer, gateway.id);

    const attempt = bulkChangeTags(harness.deps, engineer, device.id, {
      create: [
        modbusTag('x', 5),
        modbusTag('a', 6),
        { ...modbusTag('y', 7), address: { kind: 'opcua', nodeId: 'ns=1;s=Y' } },
      ],
      update: [],
      delete: ['01900000-0000-7000-8000-000000000000'],
    });

    await expect(attempt).rejects.toThrow(InvalidInputError);
    await expect(attempt).rejects.toThrow(
      'delete[0]: is not a tag of this device; create[2].address: a modbus-tcp device needs a modbus address, not opcua; create[1].key: "a" is already used by an existing tag',
    );
    expect(await keysOf(engineer, device.id)).toEqual(['a']);
    expect(await listConfigVersions(harness.deps, engineer, gateway.id)).toEqual(versions);
  });

  it('imports a CSV: a dry run says what would change, merge keeps other tags, replace deletes them', async () => {
    const { engineer, gateway } = await harness.newSite('csv');
    const device = await harness.newModbusDevice(engineer, gateway.id, 'plc-1');
    await plant.createTag(harness.deps, engineer, { deviceId: device.id, ...modbusTag('old', 1) });
    await plant.createTag(harness.deps, engineer, { deviceId: device.id, ...modbusTag('same', 2) });
    const csv =
      'key,name,address,type,bit,unit\nsame,same,2,uint16,,\nfault,Fault,7,bool,3,\nold,Old one,1,uint16,,bar\n';

    const dry = await importTagsCsv(harness.deps, engineer, device.id, { csv, mode: 'merge', dryRun: true });
    expect(dry).toEqual({
      dryRun: true,
      created: ['fault'],
      updated: ['old'],
      deleted: [],
      unchanged: ['same'],
      configVersion: null,
    });
    expect(await keysOf(engineer, device.id)).toEqual(['old', 'same']);

    const merged = await importTagsCsv(harness.deps, engineer, device.id, {
      csv,
      mode: 'merge',
      dryRun: false,
    });
    expect(merged).toMatchObject({ created: ['fault'], updated: ['old'], configVersion: expect.any(Number) });
    expect(await keysOf(engineer, device.id)).toEqual(['fault', 'old', 'same']);

    const replaced = await importTagsCsv(harness.deps, engineer, device.id, {
      csv: 'key,name,address,type\nsame,same,2,uint16\n',
      mode: 'replace',
      dryRun: false,
    });
    expect(replaced).toMatchObject({
      created: [],
      updated: [],
      deleted: ['fault', 'old'],
      unchanged: ['same'],
    });
    expect(await keysOf(engineer, device.id)).toEqual(['same']);
    const [latest] = await listConfigVersions(harness.deps, engineer, gateway.id);
    expect(latest?.change).toBe('device plc-1: tags 2 deleted (CSV import, replace)');
  });

  it('refuses a CSV with problems, listing each row and field, and changes nothing', async () => {
    const { engineer, gateway } = await harness.newSite('csv-bad');
    const device = await harness.newModbusDevice(engineer, gateway.id, 'plc-1');

    const attempt = importTagsCsv(harness.deps, engineer, device.id, {
      csv: 'key,name,address,bit,type\na,A,1,16,bool\n',
      mode: 'merge',
      dryRun: false,
    });

    await expect(attempt).rejects.toMatchObject({
      message: 'the CSV has 1 problem(s); the first: row 2 bit: must be 0-15',
      details: [{ row: 2, field: 'bit', message: 'must be 0-15' }],
    });
    expect(await keysOf(engineer, device.id)).toEqual([]);
  });

  it('exports what it imports', async () => {
    const { engineer, gateway } = await harness.newSite('csv-export');
    const device = await harness.newModbusDevice(engineer, gateway.id, 'plc-1');
    const csv = 'key,name,address,type,bit\nfault,Fault,7,bool,3\nlevel,Level,0,uint16,\n';
    await importTagsCsv(harness.deps, engineer, device.id, { csv, mode: 'merge', dryRun: false });

    const file = await exportTagsCsv(harness.deps, engineer, device.id);
    let text = '';
    for await (const chunk of file.chunks) text += chunk;

    expect(file.fileName).toBe('plc-1-tags.csv');
    expect(text).toContain('fault,Fault,,,1,0,0,holding,7,bool,3,,');
    const again = await importTagsCsv(harness.deps, engineer, device.id, {
      csv: text,
      mode: 'replace',
      dryRun: true,
    });
    expect(again).toMatchObject({ created: [], updated: [], deleted: [], unchanged: ['fault', 'level'] });
  });

  it('configures ten identical pumps once: a template, devices made from it, one version per gateway when applied', async () => {
    const { engineer, site, gateway } = await harness.newSite('template');
    const second = await plant.createGateway(harness.deps, engineer, {
      siteId: site.id,
      name: 'gw-2',
      description: '',
    });
    const template = await templates.createDeviceTemplate(harness.deps, engineer, {
      name: 'Pump PLC',
      description: '',
      protocol: 'modbus',
      tags: [modbusTag('run', 7, { bit: 0 }), modbusTag('current', 20, { unit: 'A' })],
    });
    const pumps = [];
    for (const [index, gatewayId] of [gateway.id, gateway.id, second.id].entries()) {
      pumps.push(await harness.newModbusDevice(engineer, gatewayId, `pump-${index + 1}`, template.id));
    }
    expect(await keysOf(engineer, pumps[0]?.id ?? '')).toEqual(['current', 'run']);
    await plant.createTag(harness.deps, engineer, {
      deviceId: pumps[0]?.id ?? '',
      ...modbusTag('extra', 30),
    });

    await templates.updateDeviceTemplate(harness.deps, engineer, template.id, {
      tags: [
        modbusTag('run', 7, { bit: 1 }),
        modbusTag('current', 20, { unit: 'A' }),
        modbusTag('hours', 22),
      ],
    });
    const before = {
      first: (await listConfigVersions(harness.deps, engineer, gateway.id)).length,
      second: (await listConfigVersions(harness.deps, engineer, second.id)).length,
    };
    const applied = await templates.applyDeviceTemplate(harness.deps, engineer, template.id, {
      deviceIds: pumps.map((p) => p.id),
      mode: 'replace',
    });

    expect(applied.devices.map((d) => [d.created, d.updated, d.deleted])).toEqual([
      [1, 1, 1],
      [1, 1, 0],
      [1, 1, 0],
    ]);
    for (const pump of pumps) expect(await keysOf(engineer, pump.id)).toEqual(['current', 'hours', 'run']);
    expect((await listConfigVersions(harness.deps, engineer, gateway.id)).length).toBe(before.first + 1);
    expect((await listConfigVersions(harness.deps, engineer, second.id)).length).toBe(before.second + 1);
    const [latest] = await listConfigVersions(harness.deps, engineer, gateway.id);
    expect(latest?.change).toBe('template Pump PLC applied (replace) to pump-1, pump-2');
    expect((await templates.getDeviceTemplate(harness.deps, engineer, template.id)).deviceIds).toEqual(
      pumps.map((p) => p.id),
    );
  });

  it('refuses a template that does not fit the device, naming it', async () => {
    const { engineer, gateway } = await harness.newSite('template-bad');
    const template = await templates.createDeviceTemplate(harness.deps, engineer, {
      name: 'Drive nodes',
      description: '',
      protocol: 'opcua',
      tags: [{ ...modbusTag('speed', 0), address: { kind: 'opcua', nodeId: 'ns=1;s=Speed' } }],
    });
    const device = await harness.newModbusDevice(engineer, gateway.id, 'plc-1');

    await expect(
      templates.applyDeviceTemplate(harness.deps, engineer, template.id, {
        deviceIds: [device.id],
        mode: 'merge',
      }),
    ).rejects.toThrow('deviceIds[0]: a opcua template does not fit the modbus-tcp device plc-1');
    await expect(harness.newModbusDevice(engineer, gateway.id, 'plc-2', template.id)).rejects.toThrow(
      'templateId: a opcua template does not fit a modbus-tcp device',
    );
  });

  it("checks the plan's tag limit for what a bulk change, an import and a template would add", async () => {
    const { engineer, gateway } = await harness.newSite('quota');
    const asked: number[] = [];
    const deps = {
      ...harness.deps,
      planQuota: {
        async ensureRoom(_tenantId: string, _resource: string, adding = 1) {
          asked.push(adding);
          if (adding > 2) throw new PlanLimitError(`your plan allows 2 more tags, not ${adding}`);
        },
      },
    };
    const device = await harness.newModbusDevice(engineer, gateway.id, 'plc-1');

    await expect(
      bulkChangeTags(deps, engineer, device.id, {
        create: [modbusTag('a', 1), modbusTag('b', 2), modbusTag('c', 3)],
        update: [],
        delete: [],
      }),
    ).rejects.toThrow('your plan allows 2 more tags, not 3');
    await expect(
      importTagsCsv(deps, engineer, device.id, {
        csv: 'key,name,address,type\na,A,1,uint16\nb,B,2,uint16\nc,C,3,uint16\n',
        mode: 'merge',
        dryRun: false,
      }),
    ).rejects.toThrow(PlanLimitError);
    const template = await templates.createDeviceTemplate(deps, engineer, {
      name: 'Three tags',
      description: '',
      protocol: 'modbus',
      tags: [modbusTag('a', 1), modbusTag('b', 2), modbusTag('c', 3)],
    });
    await expect(
      plant.createDevice(deps, engineer, {
        gatewayId: gateway.id,
        key: 'plc-2',
        name: 'plc-2',
        description: '',
        enabled: true,
        connection: testModbusConnection,
        heartbeatMs: 60_000,
        templateId: template.id,
      }),
    ).rejects.toThrow(PlanLimitError);
    await expect(
      templates.applyDeviceTemplate(deps, engineer, template.id, { deviceIds: [device.id], mode: 'merge' }),
    ).rejects.toThrow(PlanLimitError);

    expect(asked).toEqual([3, 3, 3, 3]);
    expect((await plant.listDevices(deps, engineer, { gatewayId: gateway.id })).map((d) => d.key)).toEqual([
      'plc-1',
    ]);
    expect(await keysOf(engineer, device.id)).toEqual([]);
  });
});
