// Coalescing: the fewest block reads that cover every tag of a device, at most 125 registers or
// 2,000 bits each (the Modbus limits), joining tags at most `maxGap` registers apart.
import type { ModbusConfigTag } from '@plantwatch/shared';
import { tagWidth } from './decode.ts';

export type ModbusArea = ModbusConfigTag['area'];

export interface ReadBlock {
  area: ModbusArea;
  start: number;
  count: number;
  tags: ModbusConfigTag[];
}

export const MAX_REGISTERS_PER_READ = 125;
export const MAX_BITS_PER_READ = 2000;

export function maxPerRead(area: ModbusArea): number {
  return area === 'coil' || area === 'discrete' ? MAX_BITS_PER_READ : MAX_REGISTERS_PER_READ;
}

export function planBlocks(tags: readonly ModbusConfigTag[], maxGap: number): ReadBlock[] {
  const blocks: ReadBlock[] = [];
  const areas: ModbusArea[] = ['coil', 'discrete', 'holding', 'input'];
  for (const area of areas) {
    const inArea = tags
      .filter((tag) => tag.area === area)
      .sort((a, b) => a.address - b.address || tagWidth(b) - tagWidth(a));
    const limit = maxPerRead(area);
    let block: ReadBlock | null = null;
    for (const tag of inArea) {
      const end = Math.min(tag.address + tagWidth(tag), 65_536);
      if (block !== null) {
        const blockEnd = block.start + block.count;
        const fits = end - block.start <= limit && tag.address - blockEnd <= maxGap;
        if (fits) {
          block.count = Math.max(blockEnd, end) - block.start;
          block.tags.push(tag);
          continue;
        }
      }
      block = { area, start: tag.address, count: end - tag.address, tags: [tag] };
      blocks.push(block);
    }
  }
  return blocks;
}
