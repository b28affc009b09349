// Alarm backtesting (issue 17, ADRs 0039 and 0052): a HiHi/Hi/Lo limit stack with delays and a
// deadband backtested as the API does over 30 days of one tag at 1 s (2 592 000 raw points in the
// embedded telemetry store): minutes that cannot change an alarm skipped on their 1-minute rollup,
// the others read raw, window by window, and run by the live engine. Aim ≤ 2 s. Baseline, same run:
// only reading all those raw points, window by window, doing nothing with them: what any backtest
// that looks at every sample pays at least, so a ratio under 1 is what the rollups save. The same run
// also reports the backtest that reads every raw sample (rules the rollups cannot settle).
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readInWindows, runBacktest, runBacktestOnRollups } from '../../functions/src/alarms/backtest.ts';
import { openDuckDbTelemetryStore } from '../../functions/src/telemetry/adapters/duckdb/telemetry-store.ts';
import type { TagRef } from '../../functions/src/telemetry/ports.ts';
import { alarmRuleSchema, type TelemetryPointRecord } from '../../shared/src/index.ts';
import { type Benchmark, median, progress, round } from '../harness.ts';

const DAYS = 30;
const STEP_MS = 1_000;
const RUNS = 3;

export const alarmBacktest: Benchmark = {
  name: 'alarm-backtest',
  description:
    'ms to backtest a limit rule over 30 days of one tag at 1 s, on rollups where they settle it (aim ≤ 2000; baseline: reading every raw point)',
  async run() {
    const dir = await mkdtemp(join(tmpdir(), 'plantwatch-bench-backtest-'));
    const store = await openDuckDbTelemetryStore({
      path: join(dir, 'telemetry.duckdb'),
      maxPointAgeMs: 400 * 86_400_000,
    });
    try {
      const ref: TagRef = { gatewayId: 'gw-1', deviceKey: 'plc-1', tagKey: 'level' };
      const from = Date.UTC(2026, 0, 1);
      const to = from + DAYS * 86_400_000;
      const points = (to - from) / STEP_MS;
      progress(
        `alarm-backtest: writing ${points} points (one tag, every ${STEP_MS / 1000} s for ${DAYS} days)`,
      );
      const began = performance.now();
      let seed = 7;
      for (let start = 0; start < points; start += 20_000) {
        const chunk: TelemetryPointRecord[] = [];
        for (let i = start; i < Math.min(start + 20_000, points); i += 1) {
          seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
          chunk.push({
            tenantId: 'tenant-1',
            siteId: 'site-1',
            ...ref,
            ts: from + i * STEP_MS,
            // a daily cycle between 1 and 9 m with noise: the stack's levels are crossed every day
            value: 5 + 4 * Math.sin((2 * Math.PI * i) / 86_400) + (seed / 2_147_483_648 - 0.5) * 0.6,
            quality: 'good',
          });
        }
        await store.write(chunk);
      }
      progress(`alarm-backtest: written in ${round((performance.now() - began) / 1000, 1)} s`);
      const at = new Date(from).toISOString();
      const rule = alarmRuleSchema.parse({
        kind: 'limit',
        id: '00000000-0000-4000-8000-000000000001',
        tenantId: '00000000-0000-4000-8000-000000000002',
        siteId: '00000000-0000-4000-8000-000000000003',
        tagId: '00000000-0000-4000-8000-000000000004',
        name: 'Level',
        description: '',
        deadband: 0.1,
        onDelayMs: 5_000,
        offDelayMs: 2_000,
        enabled: true,
        escalationPolicyId: null,
        repageHoldOffMinutes: 15,
        levels: [
          { level: 'hihi', threshold: 8.8, severity: 'critical' },
          { level: 'hi', threshold: 8, severity: 'high' },
          { level: 'lo', threshold: 1.5, severity: 'medium' },
        ],
        createdAt: at,
        updatedAt: at,
      });
      const read = (pageFrom: number, pageTo: number, limit: number) =>
        store.range('tenant-1', ref, pageFrom, pageTo, limit);
      // the baseline reads exactly as the backtest does, and only reads
      const readAll = async () => {
        let count = 0;
        for await (const page of readInWindows({ from, to }, read)) count += page.length;
        return count;
      };
      await readAll(); // warm-up
      const extremes = (pageFrom: number, pageTo: number) =>
        (store.minuteExtremes as NonNullable<typeof store.minuteExtremes>)('tenant-1', ref, pageFrom, pageTo);
      const reads: number[] = [];
      const backtests: number[] = [];
      const rawBacktests: number[] = [];
      let last: Awaited<ReturnType<typeof runBacktestOnRollups>> | undefined;
      for (let run = 0; run < RUNS; run += 1) {
        let t = performance.now();
        const count = await readAll();
        reads.push(performance.now() - t);
        if (count !== points) throw new Error(`read ${count} points, expected ${points}`);
        t = performance.now();
        last = await runBacktestOnRollups(rule, { from, to }, read, extremes);
        backtests.push(performance.now() - t);
        t = performance.now();
        const raw = await runBacktest(rule, { from, to }, read);
        rawBacktests.push(performance.now() - t);
        if (last.samples !== points || raw.samples !== points)
          throw new Error(`backtested ${last.samples} / ${raw.samples} samples, expected ${points}`);
        const { path: _path, ...onRollups } = last;
        if (JSON.stringify(onRollups) !== JSON.stringify(raw))
          throw new Error('the backtest on rollups differs from the one over every raw sample');
      }
      const value = round(median(backtests), 0);
      const baseline = round(median(reads), 0);
      progress(
        `alarm-backtest: ${value} ms on rollups [${backtests.map((ms) => round(ms, 0)).join(', ')}], every raw sample ${round(median(rawBacktests), 0)} ms [${rawBacktests.map((ms) => round(ms, 0)).join(', ')}], read alone ${baseline} ms [${reads.map((ms) => round(ms, 0)).join(', ')}] over ${points} samples; ${last?.path.skippedMinutes} of ${points / 60} minutes skipped, ${last?.path.rawReads} raw reads; ${last?.raises} raises, ${last?.chatteringEpisodes} chattering episodes`,
      );
      return { value, unit: 'ms', baseline, ratio: round(value / baseline, 3) };
    } finally {
      await store.close();
      await rm(dir, { recursive: true, force: true });
    }
  },
};
