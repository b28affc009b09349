// Backtesting: the tally's arithmetic, the limits, and the proof that matters: stored data replayed
// through ingest raises in the live engine exactly what the backtest said (PGlite, DuckDB).
import { randomUUID } from 'node:crypto';
import {
  type AlarmBacktest,
  type AlarmRule,
  alarmRuleSchema,
  backtestAlarmRuleSchema,
  type CreateAlarmRule,
  NotFoundError,
  type TelemetryPointRecord,
} from '@plantwatch/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConfigStore } from '../compose/config-store.ts';
import type { Principal } from '../platform/principal.ts';
import type { TelemetrySample, TelemetryStore } from '../telemetry/ports.ts';
import { backtestAlarmRule, runBacktest } from './backtest.ts';
import { alarmIdOf } from './journal.ts';
import { type BacktestPlant, openBacktestPlant, replayThroughIngest } from './testing.ts';

const T0 = Date.UTC(2026, 5, 1, 0, 0, 0);
const NOW = T0 + 3 * 3_600_000;
const clock = { now: () => new Date(NOW) };
const at = new Date(T0).toISOString();

const comparison = (overrides: Partial<AlarmRule> = {}): AlarmRule =>
  alarmRuleSchema.parse({
    kind: 'comparison',
    id: randomUUID(),
    tenantId: randomUUID(),
    siteId: randomUUID(),
    tagId: randomUUID(),
    name: 'High',
    description: '',
    deadband: 0,
    onDelayMs: 0,
    offDelayMs: 0,
    enabled: true,
    escalationPolicyId: null,
    repageHoldOffMinutes: 15,
    severity: 'high',
    op: '>',
    value: 10,
    createdAt: at,
    updatedAt: at,
    ...overrides,
  });

/** Samples at 1 s from T0 with these values. */
const series = (values: number[]): TelemetrySample[] =>
  values.map((value, index) => ({ ts: T0 + index * 1000, value, quality: 'good' }));

const pagesOf = (samples: TelemetrySample[]) => async (from: number, to: number, limit: number) =>
  samples.filter((sample) => sample.ts >= from && sample.ts < to).slice(0, limit);

describe('runBacktest', () => {
  const range = { from: T0, to: T0 + 100_000 };
  const cases: {
    name: string;
    values: number[];
    rule?: Partial<AlarmRule>;
    raises: number;
    clears: number;
    timeInAlarmMs: number;
    chattering: number;
  }[] = [
    { name: 'never over', values: [1, 2, 3], raises: 0, clears: 0, timeInAlarmMs: 0, chattering: 0 },
    {
      name: 'one excursion',
      values: [1, 11, 12, 5],
      raises: 1,
      clears: 1,
      timeInAlarmMs: 2000,
      chattering: 0,
    },
    {
      name: 'still active at the end counts until `to`',
      values: [1, 11],
      raises: 1,
      clears: 0,
      timeInAlarmMs: 99_000,
      chattering: 0,
    },
    {
      name: 'three raises within a minute chatter',
      values: [11, 1, 11, 1, 11, 1],
      raises: 3,
      clears: 3,
      timeInAlarmMs: 3000,
      chattering: 1,
    },
    {
      name: 'four raises are still one episode',
      values: [11, 1, 11, 1, 11, 1, 11, 1],
      raises: 4,
      clears: 4,
      timeInAlarmMs: 4000,
      chattering: 1,
    },
    {
      name: 'an on-delay filters the chatter',
      values: [11, 1, 11, 1, 11, 11, 11, 1],
      rule: { onDelayMs: 2000 },
      raises: 1,
      clears: 1,
      timeInAlarmMs: 1000,
      chattering: 0,
    },
    {
      name: 'a deadband holds the alarm through the dips',
      values: [11, 9.5, 11, 9.5, 11, 5],
      rule: { deadband: 1 },
      raises: 1,
      clears: 1,
      timeInAlarmMs: 5000,
      chattering: 0,
    },
  ];
  it.each(cases)('$name', async ({ values, rule, raises, clears, timeInAlarmMs, chattering }) => {
    const result = await runBacktest(comparison(rule), range, pagesOf(series(values)));
    expect(result).toMatchObject({ samples: values.length, raises, clears, timeInAlarmMs });
    expect(result.chatteringEpisodes).toBe(chattering);
    expect(result.timeline.filter((entry) => entry.kind === 'raised')).toHaveLength(raises);
  });

  it('reads window by window, page by page, and keeps only the first 1000 transitions in the timeline', async () => {
    // 250 000 samples 100 ms apart: the first 6-hour window holds 216 000, more than one page
    const samples: TelemetrySample[] = Array.from({ length: 250_000 }, (_, index) => ({
      ts: T0 + index * 100,
      value: index % 2 === 0 ? 11 : 1,
      quality: 'good',
    }));
    const reads: [number, number][] = [];
    const read = pagesOf(samples);
    const result = await runBacktest(comparison(), { from: T0, to: T0 + 25_000_000 }, (from, to, limit) => {
      reads.push([from, to]);
      return read(from, to, limit);
    });
    const window = T0 + 6 * 3_600_000;
    expect(reads).toEqual([
      [T0, window],
      [T0 + 9_999_901, window],
      [T0 + 19_999_901, window],
      [window, T0 + 25_000_000],
    ]);
    expect(result).toMatchObject({
      samples: 250_000,
      raises: 125_000,
      clears: 125_000,
      timelineTruncated: true,
    });
    expect(result.timeline).toHaveLength(1000);
  });

  it('refuses a range longer than 31 days with 400 naming the limit, and a commLoss rule', () => {
    const rule = { kind: 'comparison', tagId: randomUUID(), name: 'x', severity: 'high', op: '>', value: 1 };
    const tooLong = backtestAlarmRuleSchema.safeParse({
      rule,
      from: '2026-01-01T00:00:00Z',
      to: '2026-02-01T00:00:01Z',
    });
    expect(tooLong.error?.issues[0]).toMatchObject({
      path: ['to'],
      message: expect.stringMatching(/limit of 31 days/),
    });
    expect(
      backtestAlarmRuleSchema.safeParse({ rule, from: '2026-01-01T00:00:00Z', to: '2026-02-01T00:00:00Z' })
        .success,
    ).toBe(true);
    const commLoss = backtestAlarmRuleSchema.safeParse({
      rule: {
        kind: 'commLoss',
        name: 'x',
        severity: 'high',
        afterSeconds: 60,
        scope: 'gateway',
        gatewayId: randomUUID(),
      },
      from: '2026-01-01T00:00:00Z',
      to: '2026-01-02T00:00:00Z',
    });
    expect(commLoss.error?.issues[0]?.path).toEqual(['rule', 'kind']);
  });
});

describe('backtest against the live engine', () => {
  let fixture: BacktestPlant;
  let store: ConfigStore;
  let telemetry: TelemetryStore;
  let principal: Principal;
  let plant: { tenantId: string; siteId: string; gatewayId: string; deviceId: string; tagId: string };

  beforeAll(async () => {
    fixture = await openBacktestPlant([{ key: 'level', name: 'Level', unit: 'm' }]);
    ({ store, telemetry, principal } = fixture);
    plant = { ...fixture, tagId: fixture.tagIds.level as string };
  });
  afterAll(async () => {
    await fixture?.close();
  });

  /**
   * Replays the tag's stored samples in [from, to) through ingest 50 at a time, and returns the
   * journal's raises and clears beside the backtest's timeline, both sorted.
   */
  async function replayBesideBacktest(
    body: CreateAlarmRule,
    tagKey: string,
    range: { from: number; to: number },
    backtest: AlarmBacktest,
  ) {
    const { rule, journal } = await replayThroughIngest(fixture, {
      rule: body,
      tagKey,
      ...range,
      batch: 50,
      clock,
    });
    const keys = ['hihi', 'hi', 'lo', 'lolo', 'alarm'] as const;
    const keyOf = new Map(keys.map((key) => [alarmIdOf(rule.id, key), key]));
    const byTime = (a: { at: string; key?: string }, b: { at: string; key?: string }) =>
      a.at.localeCompare(b.at) || String(a.key).localeCompare(String(b.key));
    const live = journal
      .filter((event) => event.kind === 'raised' || event.kind === 'cleared')
      .map((event) => ({ at: event.at, key: keyOf.get(event.alarmId), kind: event.kind }))
      .sort(byTime);
    const predicted = backtest.timeline.map(({ at, key, kind }) => ({ at, key, kind })).sort(byTime);
    return { live, predicted };
  }

  it('raises and clears what ingest raises when the stored data is replayed through it', async () => {
    // Two hours at 1 s: a slow wave crossing both limits, with noise that chatters near them.
    let seed = 17;
    const noise = () => {
      seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
      return seed / 2_147_483_648 - 0.5;
    };
    const records: TelemetryPointRecord[] = Array.from({ length: 7200 }, (_, index) => ({
      tenantId: plant.tenantId,
      siteId: plant.siteId,
      gatewayId: plant.gatewayId,
      deviceKey: 'plc-1',
      tagKey: 'level',
      ts: T0 + index * 1000,
      value: Math.round((5 + 4 * Math.sin(index / 300) + noise() * 0.8) * 1000) / 1000,
      quality: index % 997 === 0 ? 'bad' : 'good',
    }));
    await telemetry.write(records);
    const body: CreateAlarmRule = {
      kind: 'limit',
      tagId: plant.tagId,
      name: 'Level',
      description: '',
      deadband: 0.1,
      onDelayMs: 2000,
      offDelayMs: 1000,
      enabled: true,
      escalationPolicyId: null,
      repageHoldOffMinutes: 15,
      levels: [
        { level: 'hihi', threshold: 8.8, severity: 'critical' },
        { level: 'hi', threshold: 8, severity: 'high' },
        { level: 'lo', threshold: 1.5, severity: 'medium' },
      ],
    };
    const from = new Date(T0).toISOString();
    const to = new Date(T0 + 7200 * 1000).toISOString();
    const backtest = await backtestAlarmRule({ store, telemetry }, principal, { rule: body, from, to });
    expect(backtest.samples).toBe(7200);
    expect(backtest.raises).toBeGreaterThan(3);

    const { live, predicted } = await replayBesideBacktest(
      body,
      'level',
      { from: T0, to: T0 + 7200 * 1000 },
      backtest,
    );
    expect(live).toEqual(predicted);
    expect(live.filter((event) => event.kind === 'raised')).toHaveLength(backtest.raises);
  });

  it('on rollups, skipping quiet minutes, still raises and clears exactly what ingest raises (ADR 0052)', async () => {
    // Three hours of a motor temperature at 1 s: a slow rise over 85 °C and back, noise, a sensor
    // fault and a stretch of uncertain values; a hot alarm with a deadband and both delays.
    const tag = await store.inTenant(plant.tenantId, (repos) =>
      repos.tags.create({
        id: randomUUID(),
        deviceId: plant.deviceId,
        key: 'motor_temp',
        name: 'Motor temperature',
        description: '',
        address: { kind: 'modbus', area: 'holding', address: 2, type: 'uint16' },
        scale: 1,
        offset: 0,
        unit: '°C',
        deadband: 0,
      }),
    );
    let seed = 29;
    const noise = () => {
      seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
      return seed / 2_147_483_648 - 0.5;
    };
    const SECONDS = 3 * 3600;
    const records: TelemetryPointRecord[] = Array.from({ length: SECONDS }, (_, index) => {
      const phase = index % 3600;
      return {
        tenantId: plant.tenantId,
        siteId: plant.siteId,
        gatewayId: plant.gatewayId,
        deviceKey: 'plc-1',
        tagKey: 'motor_temp',
        ts: T0 + index * 1000,
        value:
          phase >= 2000 && phase < 2040
            ? 'open thermocouple'
            : Math.round((70 + 18 * Math.sin(index / 1200) + noise() * 2) * 100) / 100,
        quality: phase >= 2000 && phase < 2040 ? 'bad' : phase >= 2500 && phase < 2520 ? 'uncertain' : 'good',
      };
    });
    await telemetry.write(records);
    const body: CreateAlarmRule = {
      kind: 'comparison',
      tagId: tag.id,
      name: 'Motor hot',
      description: '',
      severity: 'high',
      op: '>',
      value: 85,
      deadband: 0.5,
      onDelayMs: 10_000,
      offDelayMs: 5000,
      enabled: true,
      escalationPolicyId: null,
      repageHoldOffMinutes: 15,
    };
    const range = { from: T0, to: T0 + SECONDS * 1000 };
    let rawRead = 0;
    const counting = {
      range: async (...args: Parameters<TelemetryStore['range']>) => {
        const samples = await telemetry.range(...args);
        rawRead += samples.length;
        return samples;
      },
      minuteExtremes: telemetry.minuteExtremes?.bind(telemetry),
    };
    const backtest = await backtestAlarmRule({ store, telemetry: counting }, principal, {
      rule: body,
      from: new Date(range.from).toISOString(),
      to: new Date(range.to).toISOString(),
    });
    expect(backtest.samples).toBe(SECONDS);
    expect(backtest.raises).toBeGreaterThan(1);
    expect(rawRead).toBeLessThan(SECONDS / 2);

    const { live, predicted } = await replayBesideBacktest(body, 'motor_temp', range, backtest);
    expect(live).toEqual(predicted);
    expect(live.filter((event) => event.kind === 'raised')).toHaveLength(backtest.raises);
  });

  it("answers not found for another tenant's tag", async () => {
    const stranger: Principal = { ...principal, tenantId: randomUUID() };
    const body = backtestAlarmRuleSchema.parse({
      rule: { kind: 'comparison', tagId: plant.tagId, name: 'x', severity: 'high', op: '>', value: 1 },
      from: new Date(T0).toISOString(),
      to: new Date(T0 + 60_000).toISOString(),
    });
    await expect(backtestAlarmRule({ store, telemetry }, stranger, body)).rejects.toBeInstanceOf(
      NotFoundError,
    );
  });
});
