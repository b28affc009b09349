// Alarm-system KPIs (ADR 0049) from a seeded journal on PGlite and PostgreSQL: every figure is
// worked out by hand below from the events as written, and checked per caller and scope.
import { randomUUID } from 'node:crypto';
import {
  type AlarmEvent,
  type AlarmKpis,
  type AlarmKpisQuery,
  alarmKpisQuerySchema,
  ForbiddenError,
  NotFoundError,
} from '@plantwatch/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ConfigStore, createPostgresConfigStore } from '../compose/config-store.ts';
import { newTestPlant } from '../plant/testing/plant.ts';
import type { Principal } from '../platform/principal.ts';
import { configDatabaseTargets } from '../platform/testing/config-databases.ts';
import { collectReportData } from '../reports/data.ts';
import type { StoredReport } from '../reports/ports.ts';
import type { TelemetryStore } from '../telemetry/ports.ts';
import type { AlarmKey } from './engine.ts';
import { alarmIdOf } from './journal.ts';
import { getAlarmKpis } from './kpis.ts';
import type { AlarmRuleRecord } from './ports.ts';

const T0 = Date.parse('2026-03-02T00:00:00Z');
/** A time in the range as h:mm:ss after T0. */
const t = (hours: number, minutes: number, seconds = 0) =>
  T0 + ((hours * 60 + minutes) * 60 + seconds) * 1000;
const iso = (ms: number) => new Date(ms).toISOString();
// 2 hours: 12 ten-minute intervals
const range = { from: iso(T0), to: iso(t(2, 0)) };

describe('alarmKpisQuerySchema', () => {
  it.each([
    ['a range over 90 days', { from: '2026-01-01T00:00:00Z', to: '2026-04-02T00:00:00Z' }, 'to', '90 days'],
    ['to before from', { from: '2026-01-02T00:00:00Z', to: '2026-01-01T00:00:00Z' }, 'to', 'after from'],
    ['a site that is not an id', { ...range, siteId: 'north' }, 'siteId', 'UUID'],
    ['no from', { to: range.to }, 'from', ''],
  ])('refuses %s, naming the field', (_name, query, field, words) => {
    const result = alarmKpisQuerySchema.safeParse(query);
    expect(result.success).toBe(false);
    const issue = result.error?.issues[0];
    expect(issue?.path).toEqual([field]);
    expect(issue?.message).toContain(words);
  });

  it('takes exactly 90 days', () => {
    expect(
      alarmKpisQuerySchema.safeParse({ from: '2026-01-01T00:00:00Z', to: '2026-04-01T00:00:00Z' }).success,
    ).toBe(true);
  });
});

describe.each(configDatabaseTargets)('alarm KPIs on $name', (target) => {
  let store: ConfigStore;
  let tenantId: string;
  let other: string;
  const ids = { north: '', south: '', level: '', pump: '', southTemp: '', staleValve: '' };
  const alarm = { levelHi: '', overflow: '', pump: '', southTemp: '', staleValve: '' };

  beforeAll(async () => {
    const database = await target.open();
    store = createPostgresConfigStore(database.db, () => database.close());
    const plant = await newTestPlant(store, { label: 'kpis' });
    tenantId = plant.tenantId;
    other = (await newTestPlant(store, { label: 'kpis-other' })).tenantId;
    ids.north = plant.siteId;
    const tagId = plant.tags[0]?.tagId ?? null;
    const common = {
      tagId,
      description: '',
      deadband: 0,
      onDelayMs: 0,
      offDelayMs: 0,
      enabled: true,
      escalationPolicyId: null,
      repageHoldOffMinutes: 15,
    };
    const comparison = (siteId: string, name: string) =>
      ({
        ...common,
        siteId,
        id: randomUUID(),
        kind: 'comparison',
        name,
        severity: 'high',
        op: '>',
        value: 1,
      }) as AlarmRuleRecord;
    await store.inTenant(tenantId, async (repos) => {
      const south = await repos.sites.create({
        id: randomUUID(),
        name: 'South',
        description: '',
        timeZone: 'UTC',
        location: null,
      });
      ids.south = south.id;
      ids.level = (
        await repos.alarmRules.create({
          ...common,
          siteId: ids.north,
          id: randomUUID(),
          kind: 'limit',
          name: 'Level',
          levels: [
            { level: 'hihi', threshold: 9, severity: 'critical', name: 'Overflow' },
            { level: 'hi', threshold: 8, severity: 'high' },
          ],
        } as AlarmRuleRecord)
      ).id;
      ids.pump = (await repos.alarmRules.create(comparison(ids.north, 'Pump trip'))).id;
      ids.southTemp = (await repos.alarmRules.create(comparison(ids.south, 'South temp'))).id;
      ids.staleValve = (await repos.alarmRules.create(comparison(ids.south, 'Stale valve'))).id;
    });
    alarm.levelHi = alarmIdOf(ids.level, 'hi');
    alarm.overflow = alarmIdOf(ids.level, 'hihi');
    alarm.pump = alarmIdOf(ids.pump, 'alarm');
    alarm.southTemp = alarmIdOf(ids.southTemp, 'alarm');
    alarm.staleValve = alarmIdOf(ids.staleValve, 'alarm');

    // The journal, alarm by alarm; states follow ISA-18.2 as the engine writes them.
    const journal: [ruleId: string, key: AlarmKey, siteId: string, kind: AlarmEvent['kind'], at: number][] =
      [];
    const add = (
      ruleId: string,
      key: AlarmKey,
      siteId: string,
      kind: AlarmEvent['kind'],
      ...times: number[]
    ) => {
      for (const at of times) journal.push([ruleId, key, siteId, kind, at]);
    };
    // Level Hi chatters: a run of 3 within 20 s and 30 s, a lone raise 70 s later, a run of 4 at 0:30.
    add(ids.level, 'hi', ids.north, 'raised', t(0, 10), t(0, 10, 20), t(0, 10, 50), t(0, 12));
    add(ids.level, 'hi', ids.north, 'raised', t(0, 30), t(0, 30, 30), t(0, 31), t(0, 31, 59));
    add(ids.level, 'hi', ids.north, 'acknowledged', t(0, 32, 9)); // 10 s
    add(ids.level, 'hi', ids.north, 'cleared', t(0, 40));
    // A flood at 0:50-1:00: Pump trip 6 raises and Overflow 5, each 100 s apart (not chattering).
    add(ids.pump, 'alarm', ids.north, 'raised', ...[0, 1, 2, 3, 4, 5].map((k) => t(0, 50, k * 100)));
    add(ids.pump, 'alarm', ids.north, 'acknowledged', t(1, 1, 20)); // 180 s after 0:58:20
    add(ids.level, 'hihi', ids.north, 'raised', ...[0, 1, 2, 3, 4].map((k) => t(0, 50, 30 + k * 100)));
    add(ids.level, 'hihi', ids.north, 'acknowledged', t(0, 57, 40)); // 30 s after 0:57:10
    // South temp: raised twice, acknowledged after 120 s and 600 s, still active at the end.
    add(ids.southTemp, 'alarm', ids.south, 'raised', t(0, 55));
    add(ids.southTemp, 'alarm', ids.south, 'acknowledged', t(0, 57));
    add(ids.southTemp, 'alarm', ids.south, 'cleared', t(1, 0));
    add(ids.southTemp, 'alarm', ids.south, 'raised', t(1, 5));
    add(ids.southTemp, 'alarm', ids.south, 'acknowledged', t(1, 15));
    // Before the range: Stale valve raised 30 h before T0 and never cleared; Pump trip raised and cleared.
    add(ids.staleValve, 'alarm', ids.south, 'raised', T0 - 30 * 3_600_000);
    add(ids.staleValve, 'alarm', ids.south, 'acknowledged', T0 - 29 * 3_600_000);
    add(ids.pump, 'alarm', ids.north, 'raised', T0 - 26 * 3_600_000);
    add(ids.pump, 'alarm', ids.north, 'cleared', T0 - 3_600_000);
    // After the range: counts for nothing.
    add(ids.southTemp, 'alarm', ids.south, 'raised', t(2, 0), t(2, 0, 10), t(2, 0, 20));

    journal.sort((a, b) => a[4] - b[4]);
    const states = new Map<string, AlarmEvent['to']>();
    const events = journal.map(([ruleId, key, siteId, kind, at]) => {
      const alarmId = alarmIdOf(ruleId, key);
      const from = states.get(alarmId) ?? 'normal';
      const to: AlarmEvent['to'] =
        kind === 'raised'
          ? 'active-unacked'
          : kind === 'acknowledged'
            ? from === 'active-unacked'
              ? 'active-acked'
              : 'normal'
            : from === 'active-unacked'
              ? 'cleared-unacked'
              : 'normal';
      states.set(alarmId, to);
      return {
        id: randomUUID(),
        tenantId,
        alarmId,
        ruleId,
        siteId,
        alarmKey: key,
        at: iso(at),
        from,
        to,
        kind,
        by: kind === 'acknowledged' ? { type: 'user' as const, name: 'Op' } : { type: 'system' as const },
        channel: kind === 'acknowledged' ? ('web' as const) : ('system' as const),
      };
    });
    await store.inTenant(tenantId, (repos) => repos.alarmEvents.insert(events));
  });
  afterAll(async () => {
    await store?.close();
  });

  const principal = (overrides: Partial<Principal> = {}): Principal => ({
    tenantId,
    role: 'viewer',
    siteIds: null,
    userId: null,
    apiKeyId: null,
    sessionId: null,
    ...overrides,
  });
  const kpis = (query: Partial<AlarmKpisQuery> = {}, who: Partial<Principal> = {}) =>
    getAlarmKpis({ store }, principal(who), { ...range, ...query });
  const rate = (raises: number, peak: number, peakAt: number | null, floods: number) => ({
    raises,
    averagePer10Min: Math.round((raises / 12) * 100) / 100,
    peakPer10Min: peak,
    peakAt: peakAt === null ? null : iso(peakAt),
    floodIntervals: floods,
    floodPercent: Math.round((floods / 12) * 10_000) / 100,
  });

  it('sums up the whole tenant: each site its own operator position, all of them together', async () => {
    const result = await kpis();
    expect(result.intervals).toBe(12);
    // 0:50-1:00 holds Pump trip 6 + Overflow 5 (North) and South temp 1: 12 > 10, a flood
    expect(result.total).toEqual(rate(21, 12, t(0, 50), 1));
    expect(result.total.averagePer10Min).toBe(1.75);
    expect(result.sites).toEqual([
      { siteId: ids.north, name: 'North', ...rate(19, 11, t(0, 50), 1) },
      { siteId: ids.south, name: 'South', ...rate(2, 1, t(0, 50), 0) },
    ]);
    expect(result.sites[0]?.floodPercent).toBe(8.33);
  });

  it('lists the ten most frequent alarms with their share of all raises', async () => {
    const result = await kpis();
    const top = result.topAlarms.map((entry) => [entry.name, entry.raises, entry.percentOfRaises]);
    expect(top).toEqual([
      ['Level Hi', 8, 38.1],
      ['Pump trip', 6, 28.57],
      ['Overflow', 5, 23.81],
      ['South temp', 2, 9.52],
    ]);
    expect(result.topAlarms[0]).toMatchObject({ alarmId: alarm.levelHi, ruleId: ids.level, key: 'hi' });
    expect(result.topTenPercent).toBe(100);
  });

  it('finds chattering runs (3 raises each within 60 s of the one before), stale alarms and ack times', async () => {
    const result = await kpis();
    expect(result.chattering).toEqual([
      {
        alarmId: alarm.levelHi,
        ruleId: ids.level,
        siteId: ids.north,
        key: 'hi',
        name: 'Level Hi',
        episodes: 2,
        raises: 7,
      },
    ]);
    // South temp and Pump trip are active at the end but were raised less than 24 h before it
    expect(result.stale).toEqual([
      {
        alarmId: alarm.staleValve,
        ruleId: ids.staleValve,
        siteId: ids.south,
        key: 'alarm',
        name: 'Stale valve',
        activeSince: iso(T0 - 30 * 3_600_000),
        hours: 32,
      },
    ]);
    // 10, 30, 120, 180, 600 s: median 120; p90 at rank 0.9 × 4 = 3.6: 180 + 0.6 × 420
    expect(result.acknowledge).toEqual({ raises: 21, acknowledged: 5, medianSeconds: 120, p90Seconds: 432 });
  });

  it.each([
    {
      name: 'one site asked for',
      query: () => ({ siteId: ids.north }),
      who: () => ({}),
      expected: () => ({
        raises: 19,
        sites: [ids.north],
        top: ['Level Hi', 'Pump trip', 'Overflow'],
        stale: [] as string[],
        acknowledge: { raises: 19, acknowledged: 3, medianSeconds: 30, p90Seconds: 150 },
      }),
    },
    {
      name: 'a caller limited to the South site',
      query: () => ({}),
      who: () => ({ siteIds: [ids.south] }),
      expected: () => ({
        raises: 2,
        sites: [ids.south],
        top: ['South temp'],
        stale: ['Stale valve'],
        acknowledge: { raises: 2, acknowledged: 2, medianSeconds: 360, p90Seconds: 552 },
      }),
    },
    {
      name: 'a caller limited to areas (no whole site)',
      query: () => ({}),
      who: () => ({ siteIds: [ids.north], areas: { wholeSiteIds: [], assetIds: [randomUUID()] } }),
      expected: () => ({
        raises: 0,
        sites: [] as string[],
        top: [] as string[],
        stale: [] as string[],
        acknowledge: { raises: 0, acknowledged: 0, medianSeconds: null, p90Seconds: null },
      }),
    },
  ])('covers only the sites of $name', async ({ query, who, expected }) => {
    const result: AlarmKpis = await kpis(query(), who());
    const want = expected();
    expect(result.total.raises).toBe(want.raises);
    expect(result.sites.map((site) => site.siteId)).toEqual(want.sites);
    expect(result.topAlarms.map((entry) => entry.name)).toEqual(want.top);
    expect(result.stale.map((entry) => entry.name)).toEqual(want.stale);
    expect(result.acknowledge).toEqual(want.acknowledge);
  });

  it('answers another tenant with nothing of this one, and a site of this one as not found', async () => {
    const empty = await kpis({}, { tenantId: other });
    expect(empty.total.raises).toBe(0);
    expect(empty.sites.map((site) => site.name)).toEqual(['North']);
    expect(empty.sites[0]?.siteId).not.toBe(ids.north);
    expect(empty.topAlarms).toEqual([]);
    expect(empty.stale).toEqual([]);
    await expect(kpis({ siteId: ids.north }, { tenantId: other })).rejects.toBeInstanceOf(NotFoundError);
  });

  it("gives a scheduled report's alarmKpis section the same figures for the sites it names", async () => {
    const report: StoredReport = {
      id: randomUUID(),
      tenantId,
      name: 'South weekly',
      scope: { siteIds: [ids.south], deviceIds: [], tagIds: [], assetIds: [] },
      period: 'last-week',
      bucket: 'hour',
      metrics: ['avg'],
      sections: ['alarmKpis'],
      formats: ['pdf'],
      recipients: ['ops@example.com'],
      schedule: { kind: 'daily', at: '06:00' },
      timeZone: 'UTC',
      enabled: true,
      ownerUserId: null,
      createdBy: { type: 'system' },
      ownerSiteIds: null,
      scopeSiteIds: [ids.south],
      lastSlotAt: new Date(T0),
      createdAt: new Date(T0),
      updatedAt: new Date(T0),
    };
    // the South site has no tags: the report reads no telemetry
    const telemetry = {} as TelemetryStore;
    const data = await collectReportData(
      { store, telemetry },
      tenantId,
      report,
      { from: T0, to: t(2, 0) },
      t(3, 0),
    );
    // the report names its sites rather than one site: everything but siteId as the API answers
    expect(data.alarmKpis).toEqual({ ...(await kpis({ siteId: ids.south })), siteId: null });
  });

  it('refuses a site the caller may not see (404) or sees only areas of (403)', async () => {
    await expect(kpis({ siteId: ids.north }, { siteIds: [ids.south] })).rejects.toBeInstanceOf(NotFoundError);
    await expect(
      kpis({ siteId: ids.north }, { siteIds: [ids.north], areas: { wholeSiteIds: [], assetIds: [] } }),
    ).rejects.toBeInstanceOf(ForbiddenError);
  });
});
