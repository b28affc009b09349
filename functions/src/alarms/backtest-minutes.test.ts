// Backtesting on rollups (ADR 0052): when a minute's extremes settle an alarm, and the proof that
// matters: over data with noise at the limits, gaps, uncertain, bad and text samples and ranges that
// start and end inside a minute, skipping minutes on a real store's rollups answers exactly what the
// live engine says over every raw sample, for every rule kind that skips and one that cannot.
import { randomUUID } from 'node:crypto';
import {
  type AlarmRule,
  alarmRuleSchema,
  InvalidInputError,
  MAX_BACKTEST_SAMPLES,
  type TelemetryPointRecord,
} from '@plantwatch/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDuckDbTelemetryStore } from '../telemetry/adapters/duckdb/telemetry-store.ts';
import type { MinuteExtremes, TagRef, TelemetrySample, TelemetryStore } from '../telemetry/ports.ts';
import { runBacktest, runBacktestOnRollups } from './backtest.ts';
import { quietTests } from './backtest-minutes.ts';

const T0 = Date.UTC(2026, 5, 1, 0, 0, 0);
const at = new Date(T0).toISOString();

const ruleOf = (body: Record<string, unknown>): AlarmRule =>
  alarmRuleSchema.parse({
    id: randomUUID(),
    tenantId: randomUUID(),
    siteId: randomUUID(),
    tagId: randomUUID(),
    name: 'Rule',
    description: '',
    deadband: 0,
    onDelayMs: 0,
    offDelayMs: 0,
    enabled: true,
    escalationPolicyId: null,
    repageHoldOffMinutes: 15,
    createdAt: at,
    updatedAt: at,
    ...body,
  });

const stack = (overrides: Record<string, unknown> = {}) =>
  ruleOf({
    kind: 'limit',
    deadband: 0.1,
    levels: [
      { level: 'hihi', threshold: 8.8, severity: 'critical', deadband: 0.3 },
      { level: 'hi', threshold: 8, severity: 'high' },
      { level: 'lo', threshold: 1.5, severity: 'medium' },
    ],
    ...overrides,
  });
const comparison = (op: string, overrides: Record<string, unknown> = {}) =>
  ruleOf({ kind: 'comparison', severity: 'high', op, value: 7, deadband: 0.2, ...overrides });

describe('quietTests', () => {
  const quiet = (rule: AlarmRule, key: string, active: boolean, min: number | null, max: number | null) =>
    quietTests(rule)
      ?.find((test) => test.key === key)
      ?.quiet(active, min, max);
  it.each([
    // a high level: inactive stays while nothing exceeds the threshold, active while all exceed it less the deadband
    { name: 'hi inactive, all at or under 8', key: 'hi', active: false, min: 5, max: 8, quiet: true },
    { name: 'hi inactive, one over 8', key: 'hi', active: false, min: 5, max: 8.01, quiet: false },
    { name: 'hi active, all over 7.9', key: 'hi', active: true, min: 7.91, max: 9, quiet: true },
    { name: 'hi active, one at 7.9', key: 'hi', active: true, min: 7.9, max: 9, quiet: false },
    {
      name: 'hihi active uses its own deadband 0.3',
      key: 'hihi',
      active: true,
      min: 8.55,
      max: 9,
      quiet: true,
    },
    { name: 'hihi active, one at 8.5', key: 'hihi', active: true, min: 8.5, max: 9, quiet: false },
    // a low level mirrors it
    { name: 'lo inactive, all at or over 1.5', key: 'lo', active: false, min: 1.5, max: 4, quiet: true },
    { name: 'lo inactive, one under 1.5', key: 'lo', active: false, min: 1.49, max: 4, quiet: false },
    { name: 'lo active, all under 1.6', key: 'lo', active: true, min: 0, max: 1.59, quiet: true },
    { name: 'lo active, one at 1.6', key: 'lo', active: true, min: 0, max: 1.6, quiet: false },
    { name: 'no numbers judge nothing', key: 'hi', active: false, min: null, max: null, quiet: true },
    { name: 'a NaN is read raw', key: 'hi', active: true, min: 8, max: Number.NaN, quiet: false },
  ])('limit stack: $name', ({ key, active, min, max, quiet: expected }) => {
    expect(quiet(stack(), key, active, min, max)).toBe(expected);
  });

  it.each([
    { op: '>', active: false, min: 1, max: 7, quiet: true },
    { op: '>', active: false, min: 1, max: 7.5, quiet: false },
    { op: '>', active: true, min: 6.9, max: 9, quiet: true },
    { op: '>', active: true, min: 6.8, max: 9, quiet: false },
    { op: '>=', active: false, min: 1, max: 6.99, quiet: true },
    { op: '>=', active: false, min: 1, max: 7, quiet: false },
    { op: '>=', active: true, min: 6.8, max: 9, quiet: true },
    { op: '<', active: false, min: 7, max: 9, quiet: true },
    { op: '<', active: false, min: 6.9, max: 9, quiet: false },
    { op: '<', active: true, min: 1, max: 7.19, quiet: true },
    { op: '<', active: true, min: 1, max: 7.2, quiet: false },
    { op: '<=', active: false, min: 7.01, max: 9, quiet: true },
    { op: '<=', active: false, min: 7, max: 9, quiet: false },
    { op: '<=', active: true, min: 1, max: 7.2, quiet: true },
    { op: '==', active: false, min: 7.5, max: 9, quiet: true },
    { op: '==', active: false, min: 6, max: 9, quiet: false },
    { op: '==', active: true, min: 7, max: 7, quiet: true },
    { op: '==', active: true, min: 7, max: 8, quiet: false },
    { op: '!=', active: true, min: 1, max: 6, quiet: true },
    { op: '!=', active: true, min: 1, max: 7, quiet: false },
    { op: '!=', active: false, min: 7, max: 7, quiet: true },
  ])(
    'comparison $op 7 (deadband 0.2), active $active, [$min, $max]: quiet $quiet',
    ({ op, active, min, max, quiet: expected }) => {
      expect(quiet(comparison(op), 'alarm', active, min, max)).toBe(expected);
    },
  );

  it('settles a bad-quality alarm on all-good minutes only while it is not active', () => {
    const rule = ruleOf({ kind: 'badQuality', severity: 'low' });
    expect(quiet(rule, 'alarm', false, 1, 2)).toBe(true);
    expect(quiet(rule, 'alarm', true, 1, 2)).toBe(false);
  });

  it('has no test for rules a minute cannot settle: they read every raw sample', () => {
    const tag = randomUUID();
    const unsettled = [
      ruleOf({ kind: 'rateOfChange', severity: 'high', perMinute: 1, direction: 'either' }),
      ruleOf({ kind: 'digital', severity: 'high', trigger: 'true' }),
      ruleOf({ kind: 'totalizer', severity: 'high', windowSeconds: 3600, threshold: 500, input: 'counter' }),
      ruleOf({ kind: 'counter', severity: 'high', windowSeconds: 3600, threshold: 4, state: true }),
      ruleOf({
        kind: 'curve',
        severity: 'high',
        xTagId: tag,
        curveId: null,
        points: [
          [0, 0],
          [10, 10],
        ],
        tolerance: 1,
        toleranceMode: 'absolute',
        side: 'either',
      }),
      comparison('==', { value: 'AUTO' }),
      comparison('==', { value: true }),
    ];
    expect(unsettled.map((rule) => quietTests(rule))).toEqual(unsettled.map(() => null));
  });
});

describe('backtest on rollups with a delay running', () => {
  /** What a store's minuteExtremes answers for samples in hand. */
  const extremesOf =
    (samples: readonly TelemetrySample[]) =>
    async (from: number, to: number): Promise<MinuteExtremes> => {
      const minutes = new Map<number, TelemetrySample[]>();
      for (const sample of samples.filter((s) => s.ts >= from && s.ts < to)) {
        const minute = Math.floor(sample.ts / 60_000) * 60_000;
        minutes.set(minute, [...(minutes.get(minute) ?? []), sample]);
      }
      const extremes: MinuteExtremes = { ts: [], samples: [], good: [], min: [], max: [] };
      for (const [minute, inMinute] of [...minutes].sort(([a], [b]) => a - b)) {
        const good = inMinute.filter((s) => s.quality === 'good');
        const numbers = good.flatMap((s) => (typeof s.value === 'number' ? [s.value] : []));
        extremes.ts.push(minute);
        extremes.samples.push(inMinute.length);
        extremes.good.push(good.length);
        extremes.min.push(numbers.length > 0 ? Math.min(...numbers) : null);
        extremes.max.push(numbers.length > 0 ? Math.max(...numbers) : null);
      }
      return extremes;
    };
  const pagesOf = (samples: readonly TelemetrySample[]) => async (from: number, to: number, limit: number) =>
    samples.filter((sample) => sample.ts >= from && sample.ts < to).slice(0, limit);

  it('never skips a minute while a delay runs, even one without numbers to judge', async () => {
    // over the limit for a minute, a minute of text (the PLC in calibration), over the limit again:
    // the 90 s on-delay runs out inside the text minute, and the raise carries the text seen then
    const samples: TelemetrySample[] = Array.from({ length: 180 }, (_, second) => ({
      ts: T0 + second * 1000,
      value: second >= 60 && second < 120 ? 'CAL' : 9,
      quality: 'good',
    }));
    const rule = stack({ onDelayMs: 90_000 });
    const range = { from: T0, to: T0 + 180_000 };

    const everySample = await runBacktest(rule, range, pagesOf(samples));
    const { path: _path, ...onRollups } = await runBacktestOnRollups(
      rule,
      range,
      pagesOf(samples),
      extremesOf(samples),
    );

    expect(everySample.timeline.filter((entry) => entry.kind === 'raised')).toEqual([
      { at: new Date(T0 + 90_000).toISOString(), key: 'hihi', kind: 'raised', value: 'CAL' },
      { at: new Date(T0 + 90_000).toISOString(), key: 'hi', kind: 'raised', value: 'CAL' },
    ]);
    expect(onRollups).toEqual(everySample);
  });
});

describe('backtest on rollups against every raw sample (DuckDB)', () => {
  let telemetry: TelemetryStore;
  const tenantId = randomUUID();
  const ref: TagRef = { gatewayId: 'gw-1', deviceKey: 'plc-1', tagKey: 'level' };
  const SECONDS = 8 * 3600;

  beforeAll(async () => {
    telemetry = await openDuckDbTelemetryStore({ path: ':memory:', maxPointAgeMs: 30 * 86_400_000 });
    let seed = 23;
    const random = () => {
      seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
      return seed / 2_147_483_648;
    };
    const points: TelemetryPointRecord[] = [];
    for (let second = 0; second < SECONDS; second += 1) {
      // a silent quarter of an hour every two hours: gaps between the minutes listed
      if (second % 7200 >= 3600 && second % 7200 < 4500) continue;
      const level = 5 + 4.2 * Math.sin(second / 1800) + (random() - 0.5) * 0.8;
      // a sensor fault, a stretch of uncertain values and a text now and then, as plants have them
      const phase = second % 7200;
      const [value, quality] =
        phase >= 5000 && phase < 5090
          ? ['sensor fault', 'bad' as const]
          : phase >= 6000 && phase < 6030
            ? [Math.round(level * 100) / 100, 'uncertain' as const]
            : second % 3600 === 1234
              ? ['CAL', 'good' as const]
              : [Math.round(level * 100) / 100, 'good' as const];
      points.push({ tenantId, siteId: 'site-1', ...ref, ts: T0 + second * 1000 + 250, value, quality });
    }
    for (let start = 0; start < points.length; start += 5000)
      await telemetry.write(points.slice(start, start + 5000));
  });
  afterAll(async () => {
    await telemetry?.close();
  });

  const read = (from: number, to: number, limit: number) => telemetry.range(tenantId, ref, from, to, limit);
  const extremes = (from: number, to: number) =>
    (telemetry.minuteExtremes as NonNullable<TelemetryStore['minuteExtremes']>)(tenantId, ref, from, to);
  // starts and ends inside a minute
  const range = { from: T0 + 17_345, to: T0 + SECONDS * 1000 - 41_000 };

  it.each([
    {
      name: 'a limit stack with delays and per-level deadbands',
      rule: stack({ onDelayMs: 5000, offDelayMs: 2000 }),
    },
    { name: 'a limit stack with a 3-minute on-delay', rule: stack({ onDelayMs: 180_000 }) },
    { name: 'a limit stack with a 90 s off-delay', rule: stack({ offDelayMs: 90_000 }) },
    {
      name: 'a limit stack without deadband or delays',
      rule: stack({ deadband: 0, levels: [{ level: 'hi', threshold: 8, severity: 'high' }] }),
    },
    ...['>', '>=', '<', '<=', '==', '!='].map((op) => ({
      name: `comparison ${op} 7 with a deadband and an on-delay`,
      rule: comparison(op, { onDelayMs: 3000 }),
    })),
    { name: 'bad quality', rule: ruleOf({ kind: 'badQuality', severity: 'low', offDelayMs: 1000 }) },
    {
      name: 'a rate of change (reads every raw sample)',
      rule: ruleOf({ kind: 'rateOfChange', severity: 'high', perMinute: 20, direction: 'either' }),
    },
  ])('$name', async ({ rule }) => {
    const everySample = await runBacktest(rule, range, read);
    const { path, ...onRollups } = await runBacktestOnRollups(rule, range, read, extremes);

    expect(onRollups).toEqual(everySample);
    expect(everySample.samples).toBeGreaterThan(SECONDS * 0.85);
    if (quietTests(rule) === null) expect(path).toEqual({ skippedMinutes: 0, rawReads: 1 });
    else expect(path.skippedMinutes).toBeGreaterThan(0);
  });

  it('skips most minutes of a limit stack and reads the crossings in few queries', async () => {
    const { path, raises } = await runBacktestOnRollups(stack({ onDelayMs: 5000 }), range, read, extremes);
    expect(raises).toBeGreaterThan(10);
    expect(path.skippedMinutes).toBeGreaterThan((SECONDS / 60) * 0.4);
    expect(path.rawReads).toBeLessThan(raises * 2);
  });

  it('counts skipped samples against the limit of one backtest', async () => {
    const huge = async (from: number) => ({
      ts: [from],
      samples: [MAX_BACKTEST_SAMPLES + 1],
      good: [MAX_BACKTEST_SAMPLES + 1],
      min: [3],
      max: [4],
    });
    const run = runBacktestOnRollups(stack(), { from: T0, to: T0 + 60_000 }, read, huge);
    await expect(run).rejects.toBeInstanceOf(InvalidInputError);
    await expect(run).rejects.toThrow(/3000000 raw samples/);
  });
});
