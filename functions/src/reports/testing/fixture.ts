// Report data for renderer tests: two devices, a totaliser, a boolean tag and an alarm summary,
// bucketed from hourly values the way collectReportData does it.
import { type ReportData, type ReportDevice, toReportBuckets } from '../data.ts';

const HOUR = 3_600_000;

export interface FixtureOptions {
  bucket: 'hour' | 'day';
  days: number;
  timeZone?: string;
  /** Local midnight the period starts at (UTC instant). Default 2026-03-01T23:00Z (Berlin, 2 March). */
  from?: number;
}

/** A pump's flow: a daily sine so charts have shape; the totaliser integrates it. */
export function hourlyFlow(hour: number): number {
  return 40 + 10 * Math.sin((2 * Math.PI * (hour % 24)) / 24);
}

export function reportFixture(options: FixtureOptions): ReportData {
  const timeZone = options.timeZone ?? 'Europe/Berlin';
  const from = options.from ?? Date.parse('2026-03-01T23:00:00Z');
  const to = from + options.days * 24 * HOUR;
  const hours = Array.from({ length: options.days * 24 }, (_, i) => i);
  let total = 1000;
  const flow = hours.map((i) => {
    const value = hourlyFlow(i);
    const first = total;
    total += value;
    return { i, value, first, last: total };
  });
  const make = (
    values: {
      ts: number;
      avg: number;
      min: number;
      max: number;
      first: number | boolean;
      last: number | boolean;
    }[],
  ) => values.map((v) => ({ ...v, count: 60 }));
  const tag = (id: string, name: string, unit: string, hourly: ReturnType<typeof make>) => {
    const buckets = toReportBuckets(hourly, options.bucket, timeZone);
    const first = hourly[0]?.first ?? null;
    const lastValue = buckets.at(-1)?.last ?? null;
    const numbers = buckets.filter((b) => typeof b.avg === 'number');
    return {
      id,
      key: id,
      name,
      unit,
      buckets,
      summary: {
        ts: from,
        avg:
          numbers.reduce((s, b) => s + (b.avg as number) * b.count, 0) /
            numbers.reduce((s, b) => s + b.count, 0) || null,
        min: numbers.length ? Math.min(...numbers.map((b) => b.min as number)) : null,
        max: numbers.length ? Math.max(...numbers.map((b) => b.max as number)) : null,
        last: lastValue,
        difference: typeof lastValue === 'number' && typeof first === 'number' ? lastValue - first : null,
        count: buckets.reduce((s, b) => s + b.count, 0),
      },
    };
  };
  const pump: ReportDevice = {
    id: '00000000-0000-7000-8000-0000000000d1',
    name: 'Pump station 1',
    siteName: 'North works',
    tags: [
      tag(
        'flow',
        'Inlet flow',
        'm³/h',
        make(
          flow.map((f) => ({
            ts: from + f.i * HOUR,
            avg: f.value,
            min: f.value - 2,
            max: f.value + 2,
            first: f.value,
            last: f.value,
          })),
        ),
      ),
      tag(
        'total',
        'Flow total',
        'm³',
        make(
          flow.map((f) => ({
            ts: from + f.i * HOUR,
            avg: (f.first + f.last) / 2,
            min: f.first,
            max: f.last,
            first: f.first,
            last: f.last,
          })),
        ),
      ),
    ],
  };
  const boiler: ReportDevice = {
    id: '00000000-0000-7000-8000-0000000000d2',
    name: 'Boiler house',
    siteName: 'North works',
    tags: [
      tag(
        'temp',
        'Flue temperature',
        '°C',
        make(
          hours.map((i) => ({
            ts: from + i * HOUR,
            avg: 180 + (i % 24),
            min: 175 + (i % 24),
            max: 185 + (i % 24),
            first: 180,
            last: 180 + (i % 24),
          })),
        ),
      ),
    ],
  };
  return {
    tenantName: 'Acme Water',
    reportName: 'Weekly operations',
    timeZone,
    period: { from, to },
    bucket: options.bucket,
    metrics: ['avg', 'min', 'max', 'difference'],
    sections: ['summary', 'trends', 'table', 'alarms'],
    generatedAt: to + 6 * HOUR,
    devices: [boiler, pump],
    alarms: {
      bySeverity: { critical: 1, high: 3, medium: 0, low: 0 },
      total: 4,
      top: [
        {
          alarmId: 'a1',
          name: 'Flue temperature Hi',
          severity: 'high',
          count: 3,
          timeInAlarmMs: 5_400_000,
          meanTimeToAckMs: 240_000,
        },
        {
          alarmId: 'a2',
          name: 'Inlet flow LoLo',
          severity: 'critical',
          count: 1,
          timeInAlarmMs: 600_000,
          meanTimeToAckMs: null,
        },
      ],
      timeInAlarmMs: 6_000_000,
      meanTimeToAckMs: 240_000,
      truncated: false,
    },
    alarmKpis: null,
  };
}
