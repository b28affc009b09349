import type { ReportScheduleTiming } from '@plantwatch/shared';
import { describe, expect, it } from 'vitest';
import { coveredPeriod } from './period.ts';
import { cronPattern, dueSlot, nextSlot } from './schedule.ts';
import { localParts, zonedTime } from './zone.ts';

const at = (iso: string) => new Date(iso);

describe('report schedules in the tenant time zone', () => {
  it.each([
    [{ kind: 'hourly', minute: 15 }, '15 * * * *'],
    [{ kind: 'daily', at: '06:30' }, '30 6 * * *'],
    [{ kind: 'weekly', at: '07:00', dayOfWeek: 1 }, '0 7 * * 1'],
    [{ kind: 'monthly', at: '05:00', dayOfMonth: 2 }, '0 5 2 * *'],
    [{ kind: 'cron', expression: ' 0 6 * * 1-5 ' }, '0 6 * * 1-5'],
  ] as [ReportScheduleTiming, string][])('turns %j into the cron pattern %s', (schedule, pattern) => {
    expect(cronPattern(schedule)).toBe(pattern);
  });

  it.each([
    // zone, after (UTC), next slot (UTC) for a daily 06:00 report
    ['Europe/Berlin', '2026-01-10T06:00:00Z', '2026-01-11T05:00:00Z'],
    ['America/New_York', '2026-01-10T12:00:00Z', '2026-01-11T11:00:00Z'],
    ['Asia/Kolkata', '2026-01-10T00:00:00Z', '2026-01-10T00:30:00Z'],
    // Berlin springs forward on 2026-03-29: 06:00 CEST is 04:00 UTC that day
    ['Europe/Berlin', '2026-03-28T05:00:00Z', '2026-03-29T04:00:00Z'],
    // and falls back on 2026-10-25: 06:00 CET is 05:00 UTC again
    ['Europe/Berlin', '2026-10-24T04:00:00Z', '2026-10-25T05:00:00Z'],
  ])('runs a daily 06:00 report in %s after %s at %s', (zone, after, expected) => {
    expect(nextSlot({ kind: 'daily', at: '06:00' }, zone, at(after))?.toISOString()).toBe(
      at(expected).toISOString(),
    );
  });

  it('runs a 02:30 report once on the night the clock jumps from 02:00 to 03:00, and once on the night 02:30 happens twice', () => {
    const schedule: ReportScheduleTiming = { kind: 'daily', at: '02:30' };
    const spring = [at('2026-03-28T12:00:00Z')];
    for (let i = 0; i < 2; i++)
      spring.push(nextSlot(schedule, 'Europe/Berlin', spring.at(-1) as Date) as Date);
    // 03-29 has no 02:30: one run that day (right after the jump), then 02:30 CEST on 03-30
    expect(spring.slice(1).map((d) => d.toISOString().slice(0, 10))).toEqual(['2026-03-29', '2026-03-30']);
    const autumn = [at('2026-10-24T12:00:00Z')];
    for (let i = 0; i < 2; i++)
      autumn.push(nextSlot(schedule, 'Europe/Berlin', autumn.at(-1) as Date) as Date);
    expect(autumn.slice(1).map((d) => d.toISOString().slice(0, 10))).toEqual(['2026-10-25', '2026-10-26']);
  });

  it('counts hourly slots by the real clock across a daylight-saving change', () => {
    const schedule: ReportScheduleTiming = { kind: 'hourly', minute: 0 };
    // 2026-10-25 in Berlin has 25 hours: 25 hourly slots between local midnights
    let cursor = at('2026-10-24T21:59:00Z');
    let slots = 0;
    for (;;) {
      const next = nextSlot(schedule, 'Europe/Berlin', cursor) as Date;
      if (next >= at('2026-10-25T23:00:00Z')) break;
      slots++;
      cursor = next;
    }
    expect(slots).toBe(25);
  });
});

describe('wall-clock times in the report zone', () => {
  it.each([
    ['an ordinary time', [2024, 6, 1, 6, 0], '2024-06-01T04:00:00.000Z'],
    [
      'a time that happens twice (fall back): its first occurrence',
      [2024, 10, 27, 2, 30],
      '2024-10-27T00:30:00.000Z',
    ],
    [
      'a skipped time (spring forward): read with the offset before the jump',
      [2024, 3, 31, 2, 30],
      '2024-03-31T01:30:00.000Z',
    ],
  ] as const)('places %s in Europe/Berlin', (_case, [year, month, day, hour, minute], iso) => {
    expect(new Date(zonedTime('Europe/Berlin', year, month, day, hour, minute)).toISOString()).toBe(iso);
  });

  it('reads the local date, time and ISO weekday of an instant', () => {
    expect(localParts(Date.parse('2024-10-27T00:30:00Z'), 'Europe/Berlin')).toEqual({
      year: 2024,
      month: 10,
      day: 27,
      hour: 2,
      minute: 30,
      second: 0,
      isoWeekday: 7,
    });
  });
});

describe('the missed-run rule', () => {
  const weekly: ReportScheduleTiming = { kind: 'weekly', at: '06:00', dayOfWeek: 1 };

  it('has nothing due before the next slot', () => {
    expect(
      dueSlot(weekly, 'Europe/Berlin', at('2026-01-05T05:00:00Z'), at('2026-01-12T04:59:00Z')),
    ).toBeNull();
  });

  it('runs once, for the newest slot, when the process was down for several slots', () => {
    // down from Monday 5 Jan to Wednesday 28 Jan: three Monday slots passed
    const due = dueSlot(weekly, 'Europe/Berlin', at('2026-01-05T05:00:00Z'), at('2026-01-28T09:00:00Z'));
    expect(due?.toISOString()).toBe('2026-01-26T05:00:00.000Z');
    // once that slot is recorded, nothing more is due until the next Monday
    expect(dueSlot(weekly, 'Europe/Berlin', due as Date, at('2026-01-28T09:00:00Z'))).toBeNull();
  });
});

describe('the period a run covers', () => {
  it.each([
    [
      'last-day',
      'Europe/Berlin',
      '2026-03-30T04:00:00Z',
      '2026-03-28T23:00:00.000Z',
      '2026-03-29T22:00:00.000Z',
    ],
    [
      'last-week',
      'Europe/Berlin',
      '2026-01-12T05:00:00Z',
      '2026-01-04T23:00:00.000Z',
      '2026-01-11T23:00:00.000Z',
    ],
    [
      'last-month',
      'America/New_York',
      '2026-03-02T11:00:00Z',
      '2026-02-01T05:00:00.000Z',
      '2026-03-01T05:00:00.000Z',
    ],
    [
      'last-month',
      'Europe/Berlin',
      '2026-01-01T05:00:00Z',
      '2025-11-30T23:00:00.000Z',
      '2025-12-31T23:00:00.000Z',
    ],
  ] as const)('covers %s in %s for a run at %s', (period, zone, runAt, from, to) => {
    const covered = coveredPeriod(period, Date.parse(runAt), zone);
    expect({ from: new Date(covered.from).toISOString(), to: new Date(covered.to).toISOString() }).toEqual({
      from,
      to,
    });
  });

  it('gives the day the clocks change its 23 hours', () => {
    const covered = coveredPeriod('last-day', Date.parse('2026-03-30T04:00:00Z'), 'Europe/Berlin');
    expect((covered.to - covered.from) / 3_600_000).toBe(23);
  });
});
