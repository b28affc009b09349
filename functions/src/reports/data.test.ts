import type { AlarmEvent, AlarmRule } from '@plantwatch/shared';
import { describe, expect, it } from 'vitest';
import { summariseAlarms, toReportBuckets } from './data.ts';

const HOUR = 3_600_000;
const period = { from: Date.parse('2026-03-02T00:00:00Z'), to: Date.parse('2026-03-03T00:00:00Z') };

const rule = (id: string, name: string, extra: Partial<AlarmRule>): AlarmRule =>
  ({ id, name, kind: 'digital', severity: 'medium', ...extra }) as AlarmRule;
const rules = new Map<string, AlarmRule>([
  [
    'r-level',
    rule('r-level', 'Wet well', {
      kind: 'limit',
      levels: [
        { level: 'hihi', threshold: 4, severity: 'critical' },
        { level: 'hi', threshold: 3, severity: 'high' },
      ],
    } as Partial<AlarmRule>),
  ],
  ['r-trip', rule('r-trip', 'Pump trip', { severity: 'high' } as Partial<AlarmRule>)],
]);

let n = 0;
function event(
  alarmId: string,
  ruleId: string,
  at: string,
  kind: AlarmEvent['kind'],
  from: AlarmEvent['from'],
  to: AlarmEvent['to'],
): AlarmEvent {
  n += 1;
  return {
    id: `e${n}`,
    tenantId: 't',
    alarmId,
    ruleId,
    siteId: 's',
    at,
    from,
    to,
    kind,
    by: { type: 'system' },
    channel: 'system',
  };
}

describe('the alarm summary', () => {
  it('counts by severity, ranks by frequency, and measures time in alarm and time to acknowledge', () => {
    const events = [
      // Hi: raised twice, acknowledged after 10 and 20 minutes, active 30 + 60 minutes
      event('a-hi', 'r-level', '2026-03-02T01:00:00Z', 'raised', 'normal', 'active-unacked'),
      event('a-hi', 'r-level', '2026-03-02T01:10:00Z', 'acknowledged', 'active-unacked', 'active-acked'),
      event('a-hi', 'r-level', '2026-03-02T01:30:00Z', 'cleared', 'active-acked', 'normal'),
      event('a-hi', 'r-level', '2026-03-02T05:00:00Z', 'raised', 'normal', 'active-unacked'),
      event('a-hi', 'r-level', '2026-03-02T05:20:00Z', 'acknowledged', 'active-unacked', 'active-acked'),
      event('a-hi', 'r-level', '2026-03-02T06:00:00Z', 'cleared', 'active-acked', 'normal'),
      // HiHi: raised once at 23:00, still active at the end of the period, never acknowledged
      event('a-hihi', 'r-level', '2026-03-02T23:00:00Z', 'raised', 'normal', 'active-unacked'),
      // the trip was already active when the period started and cleared at 02:00 (cleared-unacked)
      event('a-trip', 'r-trip', '2026-03-02T02:00:00Z', 'cleared', 'active-unacked', 'cleared-unacked'),
    ];
    const keys = new Map<string, string | null>([
      ['a-hi', 'hi'],
      ['a-hihi', 'hihi'],
      ['a-trip', 'alarm'],
    ]);
    const summary = summariseAlarms(events, rules, keys, period, false);
    expect(summary.bySeverity).toEqual({ critical: 1, high: 2, medium: 0, low: 0 });
    expect(summary.total).toBe(3);
    expect(
      summary.top.map((row) => [
        row.name,
        row.severity,
        row.count,
        row.timeInAlarmMs / 60_000,
        row.meanTimeToAckMs,
      ]),
    ).toEqual([
      ['Wet well Hi', 'high', 2, 90, 15 * 60_000],
      ['Wet well HiHi', 'critical', 1, 60, null],
      ['Pump trip', 'high', 0, 120, null],
    ]);
    expect(summary.timeInAlarmMs).toBe((90 + 60 + 120) * 60_000);
    expect(summary.meanTimeToAckMs).toBe(15 * 60_000);
  });

  it('keeps the ten most frequent alarms', () => {
    const events = Array.from({ length: 12 }, (_, i) =>
      Array.from({ length: i + 1 }, (_, k) =>
        event(
          `a${i}`,
          'r-trip',
          new Date(period.from + (i * 13 + k) * 60_000).toISOString(),
          'raised',
          'normal',
          'active-unacked',
        ),
      ),
    ).flat();
    const summary = summariseAlarms(events, rules, new Map(), period, false);
    expect(summary.top).toHaveLength(10);
    expect(summary.top[0]?.count).toBe(12);
    expect(summary.top[9]?.count).toBe(3);
  });
});

describe('report buckets from hourly rollups', () => {
  const hour = (ts: number, avg: number, count: number, first: number, last: number) => ({
    ts,
    avg,
    min: avg - 1,
    max: avg + 1,
    first,
    last,
    count,
  });

  it('builds local days in the report zone, weighting averages by samples', () => {
    // Berlin, 29 March 2026: the clocks go forward, the day has 23 hours (22:00Z to 22:00Z next day is 2 days)
    const start = Date.parse('2026-03-28T23:00:00Z');
    const hours = Array.from({ length: 23 + 24 }, (_, i) =>
      hour(start + i * HOUR, i < 23 ? 10 : 20, i < 23 ? 60 : 30, i, i + 1),
    );
    const days = toReportBuckets(hours, 'day', 'Europe/Berlin');
    expect(days.map((d) => new Date(d.ts).toISOString())).toEqual([
      '2026-03-28T23:00:00.000Z',
      '2026-03-29T22:00:00.000Z',
    ]);
    expect(days.map((d) => d.count)).toEqual([23 * 60, 24 * 30]);
    expect(days.map((d) => d.avg)).toEqual([10, 20]);
    // a totaliser: consumption per day counts from the previous day's last value
    expect(days.map((d) => d.difference)).toEqual([23, 24]);
  });
});
