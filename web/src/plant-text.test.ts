import { describe, expect, it } from 'vitest';
import { describeTagAddress } from './plant-text.ts';

describe('tag addresses as the tags list shows them', () => {
  it.each([
    [{ kind: 'modbus', area: 'holding', address: 7, type: 'bool', bit: 3 }, 'holding 7 bit 3 (bool)'],
    [{ kind: 'modbus', area: 'holding', address: 7, type: 'bool', bit: 0 }, 'holding 7 bit 0 (bool)'],
    [{ kind: 'modbus', area: 'coil', address: 12, type: 'bool' }, 'coil 12 (bool)'],
    [{ kind: 'modbus', area: 'input', address: 30, type: 'float32' }, 'input 30 (float32)'],
    [{ kind: 'iec104', ioa: 4001 }, 'IOA 4001'],
  ] as const)('%o reads %s', (address, text) => {
    expect(describeTagAddress(address as Parameters<typeof describeTagAddress>[0])).toBe(text);
  });
});
