// An encoder written separately from the decoder (Buffer's own writers), so tests do not check the
// decoder against itself.
type Order = 'BE' | 'LE';

export function encodeRegisters(
  type: string,
  value: number | string,
  byteOrder: Order,
  wordOrder: Order,
  length = 1,
): number[] {
  let bytes: Buffer;
  switch (type) {
    case 'int16':
      bytes = Buffer.alloc(2);
      bytes.writeInt16BE(Number(value));
      break;
    case 'uint16':
      bytes = Buffer.alloc(2);
      bytes.writeUInt16BE(Number(value));
      break;
    case 'int32':
      bytes = Buffer.alloc(4);
      bytes.writeInt32BE(Number(value));
      break;
    case 'uint32':
      bytes = Buffer.alloc(4);
      bytes.writeUInt32BE(Number(value));
      break;
    case 'float32':
      bytes = Buffer.alloc(4);
      bytes.writeFloatBE(Number(value));
      break;
    case 'float64':
      bytes = Buffer.alloc(8);
      bytes.writeDoubleBE(Number(value));
      break;
    case 'string':
      bytes = Buffer.alloc(length * 2);
      bytes.write(String(value), 'latin1');
      break;
    default:
      throw new Error(`cannot encode ${type}`);
  }
  const words: number[] = [];
  for (let i = 0; i < bytes.length; i += 2) {
    const high = bytes[i] ?? 0;
    const low = bytes[i + 1] ?? 0;
    words.push(byteOrder === 'BE' ? (high << 8) | low : (low << 8) | high);
  }
  return type !== 'string' && wordOrder === 'LE' ? words.reverse() : words;
}
