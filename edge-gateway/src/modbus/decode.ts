// Turning Modbus registers and bits into tag values: data types, byte and word order, scaling.
import type { ModbusConfigTag, Quality } from '@plantwatch/shared';

export type Order = 'BE' | 'LE';
export type DecodedValue = { value: number | boolean | string; quality: Quality };

/** Registers (or bits) a tag spans. */
export function tagWidth(tag: Pick<ModbusConfigTag, 'area' | 'type' | 'length'>): number {
  if (tag.area === 'coil' || tag.area === 'discrete') return 1;
  switch (tag.type) {
    case 'int32':
    case 'uint32':
    case 'float32':
      return 2;
    case 'float64':
      return 4;
    case 'string':
      return tag.length ?? 1;
    default:
      return 1;
  }
}

/**
 * The registers as big-endian bytes, most significant word first. `byteOrder` is the order of the
 * two bytes inside each register, `wordOrder` the order of the registers inside a 32/64-bit value.
 */
export function registerBytes(registers: readonly number[], byteOrder: Order, wordOrder: Order): Buffer {
  const words = wordOrder === 'LE' ? [...registers].reverse() : registers;
  const bytes = Buffer.alloc(words.length * 2);
  words.forEach((word, i) => {
    if (byteOrder === 'BE') bytes.writeUInt16BE(word & 0xffff, i * 2);
    else bytes.writeUInt16LE(word & 0xffff, i * 2);
  });
  return bytes;
}

function scaled(raw: number, tag: Pick<ModbusConfigTag, 'scale' | 'offset'>): number {
  if (tag.scale === 1 && tag.offset === 0) return raw;
  // 12 significant digits: 123 * 0.01 is 1.23, not 1.2300000000000002.
  return Number((raw * tag.scale + tag.offset).toPrecision(12));
}

/** A tag's value from the registers it spans (exactly `tagWidth(tag)` of them). */
export function decodeRegisters(
  registers: readonly number[],
  tag: ModbusConfigTag,
  byteOrder: Order,
  wordOrder: Order,
): DecodedValue {
  if (tag.type === 'string') {
    // Characters run in register order; only the byte order inside a register applies.
    const text = registerBytes(registers, byteOrder, 'BE')
      .toString('latin1')
      .replace(/[\0\s]+$/u, '');
    return { value: text, quality: 'good' };
  }
  const bytes = registerBytes(registers, byteOrder, wordOrder);
  let raw: number;
  switch (tag.type) {
    case 'bool': {
      const word = bytes.readUInt16BE(0);
      const on = tag.bit === undefined ? word !== 0 : ((word >> tag.bit) & 1) === 1;
      return { value: on, quality: 'good' };
    }
    case 'int16':
      raw = bytes.readInt16BE(0);
      break;
    case 'uint16':
      raw = bytes.readUInt16BE(0);
      break;
    case 'int32':
      raw = bytes.readInt32BE(0);
      break;
    case 'uint32':
      raw = bytes.readUInt32BE(0);
      break;
    case 'float32':
      // A float32 holds about 7 significant digits; the rest of the double is noise (40.478023529052734).
      raw = Number(bytes.readFloatBE(0).toPrecision(7));
      break;
    case 'float64':
      raw = bytes.readDoubleBE(0);
      break;
  }
  const value = scaled(raw, tag);
  // NaN and infinities are what a PLC shows for a broken sensor; JSON cannot carry them.
  if (!Number.isFinite(value)) return { value: 0, quality: 'bad' };
  return { value, quality: 'good' };
}

/** A coil or discrete input. */
export function decodeBit(bit: boolean): DecodedValue {
  return { value: bit, quality: 'good' };
}
