// IEC 60870-5-104 APCI and ASDU codec, byte by byte: the U-format frames of IEC 60870-5-104 §5.3, the
// interrogation command and its confirmation as the standard's examples show them, measured values,
// single and double points with and without CP56Time2a, and what a broken frame is refused for.
import { describe, expect, it } from 'vitest';
import { acknowledged, decodeApdu, encodeI, encodeS, encodeU, FrameReader } from '../src/iec104/apci.ts';
import { COT, decodeAsdu, encodeInterrogation, encodeObjects, noQuality, TYPE } from '../src/iec104/asdu.ts';
import { cp56At, decodeCp56, encodeCp56, instantOf } from '../src/iec104/cp56.ts';
import { qualityOfObject } from '../src/iec104/driver.ts';

const hex = (text: string) => Buffer.from(text.replace(/\s+/g, ''), 'hex');
const bytes = (buffer: Buffer) => buffer.toString('hex').replace(/(..)(?!$)/g, '$1 ');

describe('IEC 104 APCI', () => {
  it('encodes and decodes the U-format frames', () => {
    expect(bytes(encodeU('STARTDT_ACT'))).toBe('68 04 07 00 00 00');
    expect(bytes(encodeU('STARTDT_CON'))).toBe('68 04 0b 00 00 00');
    expect(bytes(encodeU('STOPDT_ACT'))).toBe('68 04 13 00 00 00');
    expect(bytes(encodeU('STOPDT_CON'))).toBe('68 04 23 00 00 00');
    expect(bytes(encodeU('TESTFR_ACT'))).toBe('68 04 43 00 00 00');
    expect(bytes(encodeU('TESTFR_CON'))).toBe('68 04 83 00 00 00');
    expect(decodeApdu(hex('68 04 83 00 00 00'))).toEqual({ format: 'U', function: 'TESTFR_CON' });
  });

  it('carries the sequence numbers shifted by one in S- and I-format frames', () => {
    expect(bytes(encodeS(3))).toBe('68 04 01 00 06 00');
    expect(decodeApdu(hex('68 04 01 00 06 00'))).toEqual({ format: 'S', recvSeq: 3 });
    // 32767 is the last number before the counter wraps to 0.
    expect(bytes(encodeS(32_767))).toBe('68 04 01 00 fe ff');
    const frame = encodeI(300, 5, Buffer.from([TYPE.C_IC_NA_1, 1, 6, 0, 1, 0, 0, 0, 0, 20]));
    expect(bytes(frame.subarray(0, 6))).toBe('68 0e 58 02 0a 00');
    expect(decodeApdu(frame)).toMatchObject({ format: 'I', sendSeq: 300, recvSeq: 5 });
  });

  it('encodes the general interrogation as the standard shows it, and reads its confirmation', () => {
    const act = encodeI(0, 0, encodeInterrogation({ cause: COT.activation, commonAddress: 1 }));
    expect(bytes(act)).toBe('68 0e 00 00 00 00 64 01 06 00 01 00 00 00 00 14');
    const con = decodeApdu(hex('68 0e 00 00 02 00 64 01 07 00 01 00 00 00 00 14'));
    expect(con).toMatchObject({ format: 'I', sendSeq: 0, recvSeq: 1 });
    if (con.format !== 'I') throw new Error('an I-format frame');
    expect(decodeAsdu(con.asdu)).toMatchObject({
      typeId: 100,
      cause: 7,
      negative: false,
      commonAddress: 1,
      qualifier: 20,
    });
    // A negative confirmation: P/N set (0x47).
    expect(decodeAsdu(hex('64 01 47 00 01 00 00 00 00 14'))).toMatchObject({ cause: 7, negative: true });
  });

  it('refuses frames that break the format', () => {
    expect(() => decodeApdu(hex('69 04 07 00 00 00'))).toThrow('starts with 0x68, not 0x69');
    expect(() => decodeApdu(hex('68 03 07 00 00'))).toThrow('length 3 is outside 4-253');
    expect(() => decodeApdu(hex('68 04 07 00 00'))).toThrow('APDU of 5 octets where 6 are due');
    expect(() => decodeApdu(hex('68 04 0f 00 00 00'))).toThrow('unknown U-format control field');
    expect(() => decodeApdu(hex('68 05 01 00 02 00 00'))).toThrow('an S-format APDU of length 5');
    expect(() => decodeApdu(hex('68 06 00 00 00 00 01 01'))).toThrow('an I-format APDU without an ASDU');
  });

  it('cuts frames off a byte stream however TCP splits it, and stops at bytes out of step', () => {
    const reader = new FrameReader();
    const stream = Buffer.concat([encodeU('STARTDT_CON'), encodeS(1), encodeU('TESTFR_ACT')]);
    expect(reader.push(stream.subarray(0, 4))).toEqual([]);
    expect(reader.push(stream.subarray(4, 13)).map(bytes)).toEqual([
      '68 04 0b 00 00 00',
      '68 04 01 00 02 00',
    ]);
    expect(reader.push(stream.subarray(13)).map(bytes)).toEqual(['68 04 43 00 00 00']);
    expect(() => reader.push(hex('00 68 04'))).toThrow('out of step: 0x00');
  });

  it('tells how far an acknowledgement moves the window, across the wrap, and refuses one never sent', () => {
    expect(acknowledged(10, 14, 12)).toBe(2);
    expect(acknowledged(32_766, 2, 1)).toBe(3);
    expect(acknowledged(10, 14, 15)).toBeNull();
    expect(acknowledged(10, 14, 9)).toBeNull();
  });
});

describe('IEC 104 ASDU', () => {
  it('reads a short floating point value (M_ME_NC_1) with its quality descriptor', () => {
    const apdu = decodeApdu(hex('68 12 02 00 02 00 0d 01 03 00 01 00 01 40 00 00 00 c0 3f 00'));
    if (apdu.format !== 'I') throw new Error('an I-format frame');
    expect(decodeAsdu(apdu.asdu)).toEqual({
      typeId: 13,
      sequence: false,
      cause: 3,
      negative: false,
      test: false,
      originator: 0,
      commonAddress: 1,
      objects: [{ ioa: 16_385, kind: 'float', value: 1.5, quality: noQuality }],
    });
  });

  it('reads scaled and normalized values, and the overflow, invalid, not topical, substituted and blocked bits', () => {
    const scaled = decodeAsdu(hex('0b 01 14 00 01 00 0a 00 00 9c ff 81'));
    expect(scaled.objects[0]).toMatchObject({ ioa: 10, kind: 'scaled', value: -100 });
    expect(scaled.objects[0]?.quality).toEqual({ ...noQuality, invalid: true, overflow: true });
    const normalized = decodeAsdu(hex('09 01 03 00 01 00 0b 00 00 00 40 70'));
    expect(normalized.objects[0]).toMatchObject({ kind: 'normalized', value: 0.5 });
    expect(normalized.objects[0]?.quality).toEqual({
      ...noQuality,
      notTopical: true,
      substituted: true,
      blocked: true,
    });
  });

  it('reads single and double points, a sequence of objects (SQ) and several objects with their own addresses', () => {
    // M_SP_NA_1, SQ=1, 3 objects from 100: on, off, on with IV.
    const sequence = decodeAsdu(hex('01 83 14 00 01 00 64 00 00 01 00 81'));
    expect(sequence.objects.map((o) => [o.ioa, o.value, o.quality.invalid])).toEqual([
      [100, 1, false],
      [101, 0, false],
      [102, 1, true],
    ]);
    // M_DP_NA_1, two objects: 200 ON (2), 201 indeterminate (3).
    const doubles = decodeAsdu(hex('03 02 03 00 01 00 c8 00 00 02 c9 00 00 03'));
    expect(doubles.objects.map((o) => [o.ioa, o.value])).toEqual([
      [200, 2],
      [201, 3],
    ]);
  });

  it('reads and writes a double point with CP56Time2a (M_DP_TB_1), day of week and summer time included', () => {
    // 2026-06-01 (a Monday) 12:34:56.789, SU set.
    const asdu = hex('1f 01 03 00 01 00 2c 01 00 02 d5 dd 22 8c 21 06 1a');
    const decoded = decodeAsdu(asdu);
    expect(decoded.objects[0]).toMatchObject({ ioa: 300, kind: 'double', value: 2 });
    expect(decoded.objects[0]?.time).toEqual({
      wallMs: Date.UTC(2026, 5, 1, 12, 34, 56, 789),
      invalid: false,
      summerTime: true,
      dayOfWeek: 1,
    });
    expect(bytes(encodeObjects({ cause: COT.spontaneous, commonAddress: 1 }, decoded.objects))).toBe(
      bytes(asdu),
    );
  });

  it('writes every measured type with and without a time tag, and reads back the same', () => {
    const time = {
      wallMs: Date.UTC(2026, 0, 2, 3, 4, 5, 6),
      invalid: false,
      summerTime: false,
      dayOfWeek: 5,
    };
    for (const [kind, value] of [
      ['float', 12.5],
      ['scaled', -32_768],
      ['normalized', -1],
      ['single', 1],
    ] as const) {
      for (const timed of [false, true]) {
        const object = {
          ioa: 0xabcdef,
          kind,
          value,
          quality: { ...noQuality, substituted: true },
          ...(timed ? { time } : {}),
        };
        const decoded = decodeAsdu(
          encodeObjects({ cause: COT.spontaneous, commonAddress: 65_534 }, [object]),
        );
        expect(decoded.objects).toEqual([object]);
        expect(decoded.commonAddress).toBe(65_534);
        expect(decoded.typeId).toBe(
          { float: [13, 36], scaled: [11, 35], normalized: [9, 34], single: [1, 30] }[kind][timed ? 1 : 0],
        );
      }
    }
  });

  it('refuses an ASDU whose length does not fit its type and count, and types it does not read', () => {
    expect(() => decodeAsdu(hex('0d 01 03 00 01'))).toThrow('no room for its header');
    expect(() => decodeAsdu(hex('0d 02 03 00 01 00 01 40 00 00 00 c0 3f 00'))).toThrow(
      'type 13 with 2 object(s) takes 22 octets, not 14',
    );
    expect(() => decodeAsdu(hex('0d 00 03 00 01 00'))).toThrow('type 13 with 0 object(s)');
    expect(() => decodeAsdu(hex('02 01 03 00 01 00 01 00 00 01 00 00 00'))).toThrow(
      'type 2 is not one the gateway reads',
    );
    expect(() => decodeAsdu(hex('1f 01 03 00 01 00 2c 01 00 02 d5 dd 22 8c 21 0d 1a'))).toThrow(
      'CP56Time2a out of range',
    );
  });
});

describe('CP56Time2a in a zone', () => {
  it('reads an RTU that sends local time in its IANA zone, the repeated hour settled by SU', () => {
    const zone = 'Europe/Berlin';
    const summer = decodeCp56(
      encodeCp56({
        wallMs: Date.UTC(2026, 6, 1, 14, 0, 0, 500),
        invalid: false,
        summerTime: true,
        dayOfWeek: 3,
      }),
    );
    expect(instantOf(summer, zone)).toBe(Date.UTC(2026, 6, 1, 12, 0, 0, 500));
    // 2026-10-25 02:30 happens twice in Berlin: first in summer time (00:30 UTC), then in winter (01:30 UTC).
    const wall = Date.UTC(2026, 9, 25, 2, 30);
    expect(instantOf({ wallMs: wall, invalid: false, summerTime: true, dayOfWeek: 7 }, zone)).toBe(
      Date.UTC(2026, 9, 25, 0, 30),
    );
    expect(instantOf({ wallMs: wall, invalid: false, summerTime: false, dayOfWeek: 7 }, zone)).toBe(
      Date.UTC(2026, 9, 25, 1, 30),
    );
    expect(instantOf({ wallMs: wall, invalid: false, summerTime: false, dayOfWeek: 7 }, 'UTC')).toBe(wall);
  });

  it('makes the time tag an RTU in a zone would send', () => {
    const instant = Date.UTC(2026, 9, 25, 0, 30, 0, 250);
    expect(cp56At(instant, 'Europe/Berlin')).toEqual({
      wallMs: Date.UTC(2026, 9, 25, 2, 30, 0, 250),
      invalid: false,
      summerTime: true,
      dayOfWeek: 7,
    });
    expect(cp56At(instant + 3_600_000, 'Europe/Berlin').summerTime).toBe(false);
  });

  it('turns the quality descriptor and an invalid time into a quality', () => {
    const object = { ioa: 1, kind: 'float' as const, value: 1, quality: noQuality };
    expect(qualityOfObject(object)).toBe('good');
    expect(qualityOfObject({ ...object, quality: { ...noQuality, overflow: true } })).toBe('bad');
    expect(qualityOfObject({ ...object, quality: { ...noQuality, blocked: true } })).toBe('uncertain');
    expect(
      qualityOfObject({ ...object, time: { wallMs: 0, invalid: true, summerTime: false, dayOfWeek: 0 } }),
    ).toBe('uncertain');
  });
});

describe('IEC 104 short floats', () => {
  it('reads a 32-bit float with the digits it has, not the binary tail', () => {
    const asdu = encodeObjects({ cause: COT.spontaneous, commonAddress: 1 }, [
      { ioa: 1, kind: 'float', value: 0.4, quality: noQuality },
    ]);
    expect(decodeAsdu(asdu).objects[0]?.value).toBe(0.4);
  });
});
