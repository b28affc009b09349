import type { Alarm } from '@plantwatch/shared';
import { describe, expect, it } from 'vitest';
import { type ConsoleRow, mergeInPlace } from './alarm-console-rows.ts';

const row = (id: string, state: Alarm['state'] = 'active-unacked'): ConsoleRow => ({
  alarm: { id, state, name: id } as Alarm,
  siteName: 'North',
  value: '1 L/s',
});
const ids = (rows: { alarm: { id: string } }[]) => rows.map((r) => r.alarm.id);

describe('mergeInPlace', () => {
  it('keeps an acknowledged row where it was, with its new state', () => {
    const shown = [row('a'), row('b'), row('c')];
    // The server now sorts the acknowledged "a" last.
    const merged = mergeInPlace(shown, [row('b'), row('c'), row('a', 'active-acked')]);
    expect(ids(merged)).toEqual(['a', 'b', 'c']);
    expect(merged[0]?.alarm.state).toBe('active-acked');
  });

  it('keeps a row that left the list, marked gone, and puts a new alarm on top, marked fresh', () => {
    const merged = mergeInPlace([row('a'), row('b')], [row('n'), row('b')]);
    expect(ids(merged)).toEqual(['n', 'a', 'b']);
    expect(merged.map((r) => [r.fresh ?? false, r.gone ?? false])).toEqual([
      [true, false],
      [false, true],
      [false, false],
    ]);
  });

  it('shows a row that left the list with its latest data when the server has it elsewhere', () => {
    const merged = mergeInPlace([row('a'), row('b')], [row('b')], [row('a', 'active-acked')]);
    expect(merged[0]).toMatchObject({ gone: true, alarm: { id: 'a', state: 'active-acked' } });
  });

  it('keeps a new row marked fresh across later refreshes until the list is refreshed by hand', () => {
    const once = mergeInPlace([row('a')], [row('n'), row('a')]);
    const twice = mergeInPlace(once, [row('n'), row('a')]);
    expect(twice.map((r) => r.fresh ?? false)).toEqual([true, false]);
  });
});
