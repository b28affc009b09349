import type { HomePin } from '@plantwatch/shared';
import { describe, expect, it } from 'vitest';
import { samePin, withPin } from './home-pins.ts';

const level = '01960000-0000-7000-8000-000000000001';
const inflow = '01960000-0000-7000-8000-000000000002';
const tagPin = (tagId: string): HomePin => ({ kind: 'tag', tagId });
const chart = (tagIds: string[], range: '1h' | '24h'): HomePin => ({ kind: 'chart', tagIds, range });

describe('home pins', () => {
  it.each([
    ['the same tag', tagPin(level), tagPin(level), true],
    ['another tag', tagPin(level), tagPin(inflow), false],
    ['a tag and a chart of that tag', tagPin(level), chart([level], '1h'), false],
    [
      'a chart of the same tags in another order',
      chart([level, inflow], '1h'),
      chart([inflow, level], '1h'),
      true,
    ],
    ['a chart over another range', chart([level], '1h'), chart([level], '24h'), false],
    ['a chart with one tag more', chart([level], '1h'), chart([level, inflow], '1h'), false],
  ] as const)('tells whether two pins are the same: %s', (_, a, b, same) => {
    expect(samePin(a, b)).toBe(same);
    expect(samePin(b, a)).toBe(same);
  });

  it('adds a pin at the end, and pinning it again keeps one', () => {
    const pins = withPin([tagPin(level)], chart([inflow], '24h'), true);
    expect(pins).toEqual([tagPin(level), chart([inflow], '24h')]);
    expect(withPin(pins, chart([inflow], '24h'), true)).toEqual(pins);
  });

  it('removes only the pin named, leaving the others in order', () => {
    const pins = [tagPin(level), chart([level, inflow], '1h'), tagPin(inflow)];
    expect(withPin(pins, chart([inflow, level], '1h'), false)).toEqual([tagPin(level), tagPin(inflow)]);
    expect(withPin(pins, chart([level], '1h'), false)).toEqual(pins);
  });
});
