import { modbusConfigTagSchema } from '@plantwatch/shared';
import { describe, expect, it } from 'vitest';
import { planBlocks } from '../src/modbus/plan.ts';

const tag = (
  id: string,
  area: string,
  address: number,
  type = 'uint16',
  extra: Record<string, unknown> = {},
) => modbusConfigTagSchema.parse({ id, area, address, type, ...extra });

const spans = (blocks: ReturnType<typeof planBlocks>) => blocks.map((b) => [b.area, b.start, b.count]);

describe('planBlocks', () => {
  it('reads contiguous and nearby registers in one block', () => {
    const tags = [
      tag('a', 'holding', 0),
      tag('b', 'holding', 1, 'float32'),
      tag('c', 'holding', 7, 'bool', { bit: 3 }),
    ];
    expect(spans(planBlocks(tags, 8))).toEqual([['holding', 0, 8]]);
  });

  it('splits where the gap is wider than maxGap', () => {
    const tags = [tag('a', 'holding', 0), tag('b', 'holding', 20)];
    expect(spans(planBlocks(tags, 8))).toEqual([
      ['holding', 0, 1],
      ['holding', 20, 1],
    ]);
  });

  it('never reads more than 125 registers at once', () => {
    const tags = Array.from({ length: 300 }, (_, i) => tag(`r${i}`, 'holding', i));
    const blocks = planBlocks(tags, 0);
    expect(spans(blocks)).toEqual([
      ['holding', 0, 125],
      ['holding', 125, 125],
      ['holding', 250, 50],
    ]);
    expect(blocks.flatMap((b) => b.tags)).toHaveLength(300);
  });

  it('never reads more than 2,000 coils at once', () => {
    const tags = Array.from({ length: 2500 }, (_, i) => tag(`c${i}`, 'coil', i, 'bool'));
    expect(spans(planBlocks(tags, 0))).toEqual([
      ['coil', 0, 2000],
      ['coil', 2000, 500],
    ]);
  });

  it('keeps a 32-bit value whole instead of splitting it across two reads', () => {
    const tags = [tag('a', 'holding', 0), tag('b', 'holding', 124, 'float32')];
    expect(spans(planBlocks(tags, 8))).toEqual([
      ['holding', 0, 1],
      ['holding', 124, 2],
    ]);
  });

  it('keeps the four areas apart', () => {
    const tags = [
      tag('h', 'holding', 5),
      tag('i', 'input', 5),
      tag('c', 'coil', 5, 'bool'),
      tag('d', 'discrete', 5, 'bool'),
    ];
    expect(
      planBlocks(tags, 8)
        .map((b) => b.area)
        .sort(),
    ).toEqual(['coil', 'discrete', 'holding', 'input']);
  });
});
