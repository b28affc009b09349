import { type ModbusConfigTag, modbusConfigTagSchema } from '@plantwatch/shared';
import { describe, expect, it } from 'vitest';
import { decodeRegisters, tagWidth } from '../src/modbus/decode.ts';
import { encodeRegisters } from './support/encode.ts';

const tag = (fields: Record<string, unknown>): ModbusConfigTag =>
  modbusConfigTagSchema.parse({ id: 'x', area: 'holding', address: 0, ...fields });

const orders = [
  ['BE', 'BE'],
  ['BE', 'LE'],
  ['LE', 'BE'],
  ['LE', 'LE'],
] as const;

const cases = [
  ['int16', -1234],
  ['uint16', 54_321],
  ['int32', -123_456_789],
  ['uint32', 4_000_000_123],
  ['float32', 273.1562],
  ['float64', -12_345.678_901_234_5],
] as const;

describe('decodeRegisters', () => {
  for (const [byteOrder, wordOrder] of orders) {
    it.each(cases)(`decodes %s = %d with bytes ${byteOrder} and words ${wordOrder}`, (type, value) => {
      const t = tag({ type });
      const words = encodeRegisters(type, value, byteOrder, wordOrder);
      expect(words).toHaveLength(tagWidth(t));
      expect(decodeRegisters(words, t, byteOrder, wordOrder)).toEqual({ value, quality: 'good' });
    });
  }

  it('applies scale and offset without floating-point noise', () => {
    const level = tag({ type: 'uint16', scale: 0.01, offset: -1 });
    expect(decodeRegisters([123], level, 'BE', 'BE').value).toBe(0.23);
  });

  it('reads a bool from one bit of a register', () => {
    const bit3 = tag({ type: 'bool', bit: 3 });
    const bit0 = tag({ type: 'bool', bit: 0 });
    expect(decodeRegisters([0b1000], bit3, 'BE', 'BE').value).toBe(true);
    expect(decodeRegisters([0b1000], bit0, 'BE', 'BE').value).toBe(false);
  });

  it('reads a bool register without a bit as "not zero"', () => {
    expect(decodeRegisters([0x0100], tag({ type: 'bool' }), 'BE', 'BE').value).toBe(true);
    expect(decodeRegisters([0], tag({ type: 'bool' }), 'BE', 'BE').value).toBe(false);
  });

  it.each(['BE', 'LE'] as const)('reads a string with bytes %s and trims the padding', (byteOrder) => {
    const name = tag({ type: 'string', length: 4 });
    const words = encodeRegisters('string', 'PUMP-1', byteOrder, 'BE', 4);
    expect(decodeRegisters(words, name, byteOrder, 'BE')).toEqual({ value: 'PUMP-1', quality: 'good' });
  });

  it('marks a NaN float as bad quality instead of sending a number JSON cannot carry', () => {
    expect(decodeRegisters([0x7fc0, 0], tag({ type: 'float32' }), 'BE', 'BE')).toEqual({
      value: 0,
      quality: 'bad',
    });
  });
});
