import type { Alarm, Gateway, Site } from '@plantwatch/shared';
import { describe, expect, it } from 'vitest';
import { ONLINE_WINDOW_MS, siteStatus } from './fleet-status.ts';
import type { LatestValue } from './live-types.ts';
import { alignedColumns, maxPointsFor, trendCsv } from './trend-data.ts';

const tenantId = '01960000-0000-7000-8000-000000000000';
const siteId = '01960000-0000-7000-8000-000000000001';
const otherSiteId = '01960000-0000-7000-8000-000000000002';
const gatewayIds = ['01960000-0000-7000-8000-0000000000a1', '01960000-0000-7000-8000-0000000000a2'] as const;
const tagIds = ['01960000-0000-7000-8000-0000000000c1', '01960000-0000-7000-8000-0000000000c2'] as const;
const now = Date.parse('2026-11-22T12:00:00Z');
const iso = new Date(now).toISOString();

const site: Site = {
  id: siteId,
  tenantId,
  name: 'North Pumping Station',
  description: '',
  timeZone: 'Europe/London',
  location: null,
  createdAt: iso,
  updatedAt: iso,
};

const gateway = (id: string, onSite = siteId): Gateway => ({
  id,
  tenantId,
  siteId: onSite,
  name: id.slice(-2),
  description: '',
  configVersion: 1,
  createdAt: iso,
  updatedAt: iso,
});

const value = (gatewayId: string, ts: number): LatestValue => ({
  tagId: tagIds[0],
  siteId,
  gatewayId,
  deviceId: '01960000-0000-7000-8000-0000000000d1',
  name: 'Inflow',
  unit: 'L/s',
  ts,
  value: 42,
  quality: 'good',
});

const alarm = (fields: Partial<Alarm>): Alarm => ({
  id: '01960000-0000-7000-8000-0000000000e1',
  tenantId,
  ruleId: '01960000-0000-7000-8000-0000000000f1',
  siteId,
  tagId: tagIds[0],
  level: null,
  name: 'High level',
  severity: 'high',
  state: 'active-unacked',
  shelved: false,
  shelvedUntil: null,
  outOfService: false,
  value: 3.1,
  activeSince: iso,
  clearedAt: null,
  updatedAt: iso,
  ...fields,
});

describe('siteStatus', () => {
  it('counts a gateway online only while one of its tags reported within the window', () => {
    const status = siteStatus(site, {
      gateways: [
        gateway(gatewayIds[0]),
        gateway(gatewayIds[1]),
        gateway('01960000-0000-7000-8000-0000000000a3', otherSiteId),
      ],
      values: [
        value(gatewayIds[0], now - ONLINE_WINDOW_MS + 1000),
        value(gatewayIds[1], now - ONLINE_WINDOW_MS - 1000),
      ],
      alarms: [],
      now,
    });
    expect(status).toMatchObject({
      gateways: 2,
      gatewaysOnline: 1,
      lastDataTs: now - ONLINE_WINDOW_MS + 1000,
    });
  });

  it('has no last data and no gateway online when nothing has reported', () => {
    const status = siteStatus(site, { gateways: [gateway(gatewayIds[0])], values: [], alarms: [], now });
    expect(status).toMatchObject({ gateways: 1, gatewaysOnline: 0, lastDataTs: null, unacked: 0 });
  });

  it.each([
    { case: 'active and unacknowledged', fields: {}, active: 1, unacked: 1 },
    { case: 'active and acknowledged', fields: { state: 'active-acked' as const }, active: 1, unacked: 0 },
    {
      case: 'cleared but unacknowledged',
      fields: { state: 'cleared-unacked' as const },
      active: 0,
      unacked: 1,
    },
    { case: 'shelved', fields: { shelved: true }, active: 0, unacked: 0 },
    { case: 'out of service', fields: { outOfService: true }, active: 0, unacked: 0 },
    { case: "another site's", fields: { siteId: otherSiteId }, active: 0, unacked: 0 },
  ])(
    'counts an alarm that is $case: $active active, $unacked unacknowledged',
    ({ fields, active, unacked }) => {
      const status = siteStatus(site, { gateways: [], values: [], alarms: [alarm(fields)], now });
      expect(status.activeAlarms).toEqual({ critical: 0, high: active, medium: 0, low: 0 });
      expect(status.unacked).toBe(unacked);
    },
  );

  it('colours a site by its highest unacknowledged severity, even when that alarm has cleared', () => {
    const status = siteStatus(site, {
      gateways: [],
      values: [],
      alarms: [
        alarm({ severity: 'medium', state: 'active-unacked' }),
        alarm({ severity: 'critical', state: 'cleared-unacked', activeSince: null }),
        alarm({ severity: 'high', state: 'active-acked' }),
        alarm({ severity: 'critical', state: 'active-unacked', shelved: true }),
      ],
      now,
    });
    expect(status.worstUnacked).toBe('critical');
    expect(status.unackedAlarms).toEqual({ critical: 1, high: 0, medium: 1, low: 0 });
    expect(status.suppressed).toBe(1);
  });
});

describe('alignedColumns', () => {
  it('puts every tag on one time axis in seconds, with null where a tag has no bucket', () => {
    const columns = alignedColumns({
      bucketMs: 5000,
      series: [
        {
          tagId: tagIds[0],
          unit: 'L/s',
          buckets: [
            { ts: 10_000, avg: 1 },
            { ts: 0, avg: 0.5 },
          ],
        },
        {
          tagId: tagIds[1],
          unit: 'm',
          buckets: [
            { ts: 5000, avg: 2 },
            { ts: 10_000, avg: null },
          ],
        },
      ],
    });
    expect(columns).toEqual([
      [0, 5, 10],
      [0.5, null, 1],
      [null, 2, null],
    ]);
  });

  it('gives an empty time axis when no tag has data', () => {
    expect(alignedColumns({ bucketMs: 0, series: [{ tagId: tagIds[0], unit: '', buckets: [] }] })).toEqual([
      [],
      [],
    ]);
  });
});

describe('maxPointsFor', () => {
  it.each([
    [30, 100],
    [900, 600],
    [4000, 1000],
  ])('asks a %i px wide chart for %i buckets', (width, points) => {
    expect(maxPointsFor(width)).toBe(points);
  });
});

describe('alignedColumns by aggregate and unit', () => {
  const series = {
    bucketMs: 60_000,
    series: [
      {
        tagId: tagIds[0],
        unit: 'm3',
        buckets: [
          { ts: 0, avg: 10, last: 12, difference: 4 },
          { ts: 60_000, avg: 14, last: 16, difference: 4 },
        ],
      },
      { tagId: tagIds[1], unit: 'degC', buckets: [{ ts: 60_000, avg: 100, last: true }] },
    ],
  };

  it('reads each tag by its own aggregate, converted to its display unit', () => {
    const [times, volume, temperature] = alignedColumns(series, (tagId) =>
      tagId === tagIds[0]
        ? { aggregate: 'difference', convert: (v) => v * 1000 }
        : { aggregate: 'avg', convert: (v) => (v * 9) / 5 + 32 },
    );
    expect(times).toEqual([0, 60]);
    expect(volume).toEqual([4000, 4000]);
    expect(temperature).toEqual([null, 212]);
  });

  it('leaves a bucket empty when its aggregate is not a number (last of a boolean tag)', () => {
    const [, , temperature] = alignedColumns(series, () => ({ aggregate: 'last', convert: (v) => v }));
    expect(temperature).toEqual([null, null]);
  });

  it('writes the chart as CSV: UTC times, a headed column per tag, empty cells for missing buckets', () => {
    const csv = trendCsv(
      series,
      [
        { tagId: tagIds[0], heading: 'Flow total (m³, difference)' },
        { tagId: tagIds[1], heading: 'Motor, "drive end" (°C, avg)' },
      ],
      (tagId) => ({ aggregate: tagId === tagIds[0] ? 'difference' : 'avg', convert: (v) => v }),
    );
    expect(csv).toBe(
      'time,"Flow total (m³, difference)","Motor, ""drive end"" (°C, avg)"\r\n' +
        '1970-01-01T00:00:00.000Z,4,\r\n' +
        '1970-01-01T00:01:00.000Z,4,100\r\n',
    );
  });
});
