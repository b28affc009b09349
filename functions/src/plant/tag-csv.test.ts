import { describe, expect, it } from 'vitest';
import { tagsFromCsv, tagsToCsv } from './tag-csv.ts';

const modbusTags = [
  {
    key: 'pump_fault',
    name: 'Pump fault, latched',
    description: 'bit 3 of the status word',
    unit: '',
    scale: 1,
    offset: 0,
    deadband: 0,
    address: { kind: 'modbus' as const, area: 'holding' as const, address: 7, type: 'bool' as const, bit: 3 },
  },
  {
    key: 'level',
    name: 'Wet well "A" level',
    description: '',
    unit: 'm',
    scale: 0.01,
    offset: -0.5,
    deadband: 0.02,
    address: { kind: 'modbus' as const, area: 'input' as const, address: 0, type: 'uint16' as const },
  },
  {
    key: 'tag_name',
    name: 'Name plate',
    description: '',
    unit: '',
    scale: 1,
    offset: 0,
    deadband: 0,
    address: {
      kind: 'modbus' as const,
      area: 'holding' as const,
      address: 100,
      type: 'string' as const,
      length: 8,
    },
  },
];

describe('tags as CSV', () => {
  it('writes a header and one row per tag, in key order, bits included', () => {
    const csv = tagsToCsv(modbusTags);
    expect(csv.split('\r\n')).toEqual([
      'key,name,description,unit,scale,offset,deadband,area,address,type,bit,length,nodeId',
      'level,"Wet well ""A"" level",,m,0.01,-0.5,0.02,input,0,uint16,,,',
      'pump_fault,"Pump fault, latched",bit 3 of the status word,,1,0,0,holding,7,bool,3,,',
      'tag_name,Name plate,,,1,0,0,holding,100,string,,8,',
      '',
    ]);
  });

  it('reads back what it wrote, quotes and bits and all', () => {
    const read = tagsFromCsv(tagsToCsv(modbusTags), 'modbus-tcp');
    expect(read).toEqual({ ok: true, tags: [modbusTags[1], modbusTags[0], modbusTags[2]] });
  });

  it('takes columns in any order, a byte-order mark and defaults for what is left out', () => {
    const read = tagsFromCsv('\uFEFFtype,address,name,key\nfloat32,12,Inflow,inflow\n', 'modbus-rtu');
    expect(read).toEqual({
      ok: true,
      tags: [
        {
          key: 'inflow',
          name: 'Inflow',
          description: '',
          unit: '',
          scale: 1,
          offset: 0,
          deadband: 0,
          address: { kind: 'modbus', area: 'holding', address: 12, type: 'float32' },
        },
      ],
    });
  });

  it('reads OPC UA node ids for an OPC UA device', () => {
    const read = tagsFromCsv(
      'key,name,nodeId,unit\ntemp,Motor temperature,ns=1;s=MotorTemperature,degC\n',
      'opcua',
    );
    expect(read).toMatchObject({
      ok: true,
      tags: [{ key: 'temp', unit: 'degC', address: { kind: 'opcua', nodeId: 'ns=1;s=MotorTemperature' } }],
    });
  });

  it('names the row and field of every problem, as a spreadsheet numbers rows', () => {
    const csv = [
      'key,name,address,type,bit,scale,nodeId',
      'a,A,seven,uint16,,,',
      'b,B,7,uint16,3,,',
      'c,C,7,bool,3,0,',
      'd,D,7,bool,3,,ns=1;s=X',
      ',E,1,uint16,,,',
      'f,F,1,uint16,,,',
      'f,F again,2,uint16,,,',
      'g,G,3,,,,',
    ].join('\n');
    const read = tagsFromCsv(csv, 'modbus-tcp');
    expect(read).toEqual({
      ok: false,
      errors: [
        { row: 2, field: 'address', message: 'must be a number, not "seven"' },
        { row: 3, field: 'bit', message: 'bit is only for a bool inside a holding or input register' },
        { row: 4, field: 'scale', message: 'scale must not be 0' },
        { row: 5, field: 'nodeId', message: 'is not used by a modbus-tcp device; leave it empty' },
        { row: 6, field: 'key', message: 'required' },
        { row: 8, field: 'key', message: '"f" is already used on row 7' },
        { row: 9, field: 'type', message: 'required' },
      ],
    });
  });

  it('refuses unknown and missing columns before reading any row', () => {
    expect(tagsFromCsv('key,label\nx,y\n', 'opcua')).toEqual({
      ok: false,
      errors: [
        { row: 1, field: 'label', message: expect.stringContaining('unknown column; expected key, name') },
        { row: 1, field: 'name', message: 'missing column' },
      ],
    });
  });

  it('says where a broken quote is instead of guessing', () => {
    const read = tagsFromCsv('key,name\nx,"unfinished\n', 'opcua');
    expect(read.ok).toBe(false);
    if (!read.ok)
      expect(read.errors[0]).toMatchObject({ field: 'csv', message: expect.stringContaining('Quote') });
  });
});
