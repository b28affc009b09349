import { describe, expect, it } from 'vitest';
import { parseCsv, parseTagCsv } from './tag-csv.ts';

const deviceId = '01960000-0000-7000-8000-000000000001';

describe('parseCsv', () => {
  it('reads quoted fields with commas, doubled quotes and CRLF line ends', () => {
    expect(parseCsv('a,"b, c","say ""hi"""\r\n1,2,3\n')).toEqual([
      ['a', 'b, c', 'say "hi"'],
      ['1', '2', '3'],
    ]);
  });
});

describe('parseTagCsv', () => {
  it('turns valid Modbus rows into tags with the schema defaults', () => {
    const result = parseTagCsv(
      'key,name,unit,area,address,type,scale\nlevel,Wet well level,m,holding,0,uint16,0.01\nrun,Pump running,,coil,3,bool,\n',
      deviceId,
      'modbus-tcp',
    );
    expect(result).toEqual({
      ok: true,
      tags: [
        expect.objectContaining({
          key: 'level',
          unit: 'm',
          scale: 0.01,
          offset: 0,
          address: { kind: 'modbus', area: 'holding', address: 0, type: 'uint16' },
        }),
        expect.objectContaining({ key: 'run', scale: 1, address: expect.objectContaining({ area: 'coil' }) }),
      ],
    });
  });

  it('points at the bad row and field, counting the header as row 1', () => {
    const result = parseTagCsv(
      'key,name,area,address,type\nok,Fine,holding,1,uint16\nbad key!,Broken,holding,70000,uint16\nc,Coil,coil,2,float32\n',
      deviceId,
      'modbus-tcp',
    );
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors).toEqual([
      expect.objectContaining({ row: 3, field: 'key' }),
      { row: 3, field: 'address', message: 'must be 0-65535' },
      { row: 4, field: 'type', message: 'a coil holds one bit: type must be bool' },
    ]);
  });

  it('reports a non-number, a missing OPC UA NodeId and a repeated key by row', () => {
    const opcua = parseTagCsv('key,name,nodeId,scale\nt,Temp,,x\nu,Other,bad,\n', deviceId, 'opcua');
    expect(opcua).toEqual({
      ok: false,
      errors: [
        { row: 2, field: 'scale', message: 'must be a number, not “x”' },
        expect.objectContaining({ row: 3, field: 'nodeId' }),
      ],
    });
    const repeated = parseTagCsv('key,name,nodeId\nt,A,ns=1;s=A\nt,B,ns=1;s=B\n', deviceId, 'opcua');
    expect(repeated).toEqual({
      ok: false,
      errors: [{ row: 3, field: 'key', message: '“t” is already used on row 2' }],
    });
  });

  it('refuses unknown or missing columns before reading any row', () => {
    expect(parseTagCsv('key,nmae\nx,y\n', deviceId, 'modbus-tcp')).toEqual({
      ok: false,
      errors: [
        expect.objectContaining({ row: 1, field: 'nmae' }),
        { row: 1, field: 'name', message: 'missing column' },
      ],
    });
  });
});
