import type { AlarmBacktest } from '@plantwatch/shared';
import { describe, expect, it } from 'vitest';
import { activeStretches, backtestBody, durationUnit, UNNAMED_RULE } from './backtest-view.ts';
import { englishTranslator } from './i18n/translator.ts';

const result = (timeline: AlarmBacktest['timeline']): AlarmBacktest => ({
  from: '2026-12-01T00:00:00.000Z',
  to: '2026-12-01T10:00:00.000Z',
  samples: 10,
  raises: 0,
  clears: 0,
  timeInAlarmMs: 0,
  chatteringEpisodes: 0,
  alarms: [],
  timeline,
  timelineTruncated: false,
});
const at = (hour: number) => `2026-12-01T${String(hour).padStart(2, '0')}:00:00.000Z`;

describe('activeStretches', () => {
  it('pairs raises with clears per alarm and leaves the last one open to the end', () => {
    expect(
      activeStretches(
        result([
          { at: at(1), key: 'hi', kind: 'raised', value: 5 },
          { at: at(2), key: 'hihi', kind: 'raised', value: 9 },
          { at: at(3), key: 'hihi', kind: 'cleared', value: 6 },
          { at: at(4), key: 'hi', kind: 'cleared', value: 1 },
          { at: at(8), key: 'hi', kind: 'raised', value: 5 },
        ]),
      ),
    ).toEqual([
      { key: 'hi', start: 0.1, end: 0.4, open: false },
      { key: 'hihi', start: 0.2, end: 0.3, open: false },
      { key: 'hi', start: 0.8, end: 1, open: true },
    ]);
  });
  it('ignores a clear with no raise before it in the range', () => {
    expect(activeStretches(result([{ at: at(1), key: 'alarm', kind: 'cleared', value: 0 }]))).toEqual([]);
  });
});

describe('durationUnit', () => {
  it.each([
    [45_000, { amount: 45, unit: 'second' }],
    [90_000, { amount: 1.5, unit: 'minute' }],
    [5_400_000, { amount: 1.5, unit: 'hour' }],
    [3 * 86_400_000, { amount: 3, unit: 'day' }],
  ])('%d ms', (ms, expected) => expect(durationUnit(ms)).toEqual(expected));
});

describe('backtestBody', () => {
  const t = englishTranslator();
  const range = { from: new Date('2026-12-01T00:00:00Z'), to: new Date('2026-12-08T00:00:00Z') };
  it('sends the new rule as typed, named for the API when unnamed', () => {
    const { body } = backtestBody(
      {
        kind: 'comparison',
        tagId: 't1',
        name: '',
        op: '>',
        value: '5',
        valueType: 'number',
        severity: 'high',
      },
      undefined,
      range,
      t,
    );
    expect(body).toMatchObject({
      from: '2026-12-01T00:00:00.000Z',
      to: '2026-12-08T00:00:00.000Z',
      rule: { kind: 'comparison', tagId: 't1', name: UNNAMED_RULE, op: '>', value: 5, severity: 'high' },
    });
  });
  it("takes an edited rule's fixed kind and tag from the saved rule", () => {
    const { body } = backtestBody(
      { name: 'Pump hot', severity: 'low' },
      { kind: 'badQuality', tagId: 't2' },
      range,
      t,
    );
    expect(body.rule).toMatchObject({ kind: 'badQuality', tagId: 't2', name: 'Pump hot', severity: 'low' });
  });
});
