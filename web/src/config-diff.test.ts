import { type PushedConfig, pushedConfigSchema } from '@plantwatch/shared';
import { describe, expect, it } from 'vitest';
import { diffConfigs } from './config-diff.ts';

const plc = (tags: object[], extra: object = {}) => ({
  protocol: 'modbus-tcp',
  id: 'plc-1',
  host: '127.0.0.1',
  port: 5020,
  unitId: 1,
  pollMs: 1000,
  tags,
  ...extra,
});
const level = { id: 'level', area: 'holding', address: 0, type: 'uint16', scale: 0.01, unit: 'm' };
const run = { id: 'pump_run', area: 'holding', address: 7, type: 'bool', bit: 3 };
const config = (devices: object[], buffer?: object): PushedConfig =>
  pushedConfigSchema.parse({ devices, ...(buffer ? { buffer } : {}) });

describe('diffConfigs', () => {
  it('says two equal configurations are the same', () => {
    const a = config([plc([level])]);
    expect(diffConfigs(a, a)).toEqual({ devices: [], buffer: [], same: true });
  });

  it('names an added tag with its fields, and a changed one field by field', () => {
    const before = config([plc([level])]);
    const after = config([plc([{ ...level, scale: 0.1 }, run])]);
    const diff = diffConfigs(before, after);
    expect(diff.same).toBe(false);
    expect(diff.devices).toHaveLength(1);
    const [device] = diff.devices;
    expect(device?.change).toBe('changed');
    expect(device?.fields).toEqual([]);
    expect(device?.tags.find((t) => t.key === 'level')).toEqual({
      key: 'level',
      change: 'changed',
      fields: [{ field: 'scale', before: '0.01', after: '0.1' }],
    });
    const added = device?.tags.find((t) => t.key === 'pump_run');
    expect(added?.change).toBe('added');
    expect(added?.fields).toContainEqual({ field: 'bit', before: '—', after: '3' });
  });

  it('lists a removed device with its tags, a new device, a changed setting and the buffer policy', () => {
    const before = config([plc([level])]);
    const after = config([plc([level], { pollMs: 500, id: 'plc-2' })], {
      maxBytes: 2 * 1024 * 1024,
      whenFull: 'drop-oldest',
    });
    const diff = diffConfigs(before, after);
    expect(diff.devices.map((d) => [d.key, d.change])).toEqual([
      ['plc-1', 'removed'],
      ['plc-2', 'added'],
    ]);
    expect(diff.devices[0]?.tags).toEqual([{ key: 'level', change: 'removed', fields: [] }]);
    expect(diff.devices[1]?.fields).toContainEqual({ field: 'pollMs', before: '—', after: '500' });
    expect(diff.buffer).toEqual([
      { field: 'maxBytes', before: '—', after: '2097152' },
      { field: 'whenFull', before: '—', after: 'drop-oldest' },
    ]);
  });

  it('shows a changed device setting without listing its unchanged tags', () => {
    const diff = diffConfigs(config([plc([level])]), config([plc([level], { unitId: 2 })]));
    expect(diff.devices).toEqual([
      { key: 'plc-1', change: 'changed', fields: [{ field: 'unitId', before: '1', after: '2' }], tags: [] },
    ]);
  });
});
