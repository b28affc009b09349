// The rollup scheduled queries' windows: what the SQL says, and what that means for late points and
// for how often a bucket is written (the cost). The window model and the SQL are checked against each
// other, so neither can change alone.
import { describe, expect, it } from 'vitest';
import {
  ROLLUP_CATCH_UP_EVERY_MS,
  ROLLUP_CATCH_UP_MAX_AGE_MS,
  ROLLUP_LATENESS_MS,
  ROLLUP_WIDTH_MS,
  type RollupSchedule,
  rollupLookbackMs,
  rollupWindowStartMs,
  timestreamRollupQueries,
} from './telemetry-store.ts';

const MINUTE = 60_000;
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const schedules: RollupSchedule[] = [
  { everyMs: 5 * MINUTE, memoryRetentionMs: DAY },
  { everyMs: 60 * MINUTE, memoryRetentionMs: 6 * HOUR },
  { everyMs: 15 * MINUTE, memoryRetentionMs: 365 * DAY },
];
const widths = Object.entries(ROLLUP_WIDTH_MS) as [keyof typeof ROLLUP_WIDTH_MS, number][];

/** The runs of a schedule at or after `fromMs`, as Timestream starts them (on multiples of the rate). */
const runsFrom = (fromMs: number, everyMs: number) => Math.ceil(fromMs / everyMs) * everyMs;

/** Does a run at `runtimeMs` looking back `lookbackMs` cover a point at `tsMs` for this width? */
const covers = (runtimeMs: number, lookbackMs: number, widthMs: number, tsMs: number) =>
  tsMs >= rollupWindowStartMs(runtimeMs, lookbackMs, widthMs) && tsMs < runtimeMs;

describe.each(schedules)(
  'rollup windows every $everyMs ms, memory retention $memoryRetentionMs ms',
  (schedule) => {
    const lookback = rollupLookbackMs(schedule);
    const sql = timestreamRollupQueries('db', 'raw', schedule);

    it.each(widths)(
      'writes the %s window the model describes, starting on a whole bucket',
      (width, widthMs) => {
        for (const [kind, lookbackMs] of [
          ['regular', lookback.regular],
          ['catchUp', lookback.catchUp],
        ] as const) {
          expect(sql[kind][width]).toContain(
            `time >= bin(@scheduled_runtime - ${lookbackMs}ms, ${widthMs}ms) AND time < @scheduled_runtime`,
          );
          expect(sql[kind][width]).toContain(
            `GROUP BY tenant_id, site_id, gateway_id, device_key, tag_key, bin(time, ${widthMs}ms)`,
          );
        }
        const runtime = Date.UTC(2026, 2, 10, 10, 5);
        expect(rollupWindowStartMs(runtime, lookback.regular, widthMs) % widthMs).toBe(0);
      },
    );

    it.each(widths)(
      'rolls up a %s point that arrives within the lateness margin in the next regular run',
      (_width, widthMs) => {
        const start = Date.UTC(2026, 2, 10);
        for (let ts = start; ts < start + 2 * HOUR; ts += 7 * 1000 + 13) {
          for (const delay of [0, 1000, ROLLUP_LATENESS_MS / 2, ROLLUP_LATENESS_MS]) {
            const arrival = ts + delay;
            // The first run that can see it: strictly after it arrived.
            const run = runsFrom(arrival + 1, schedule.everyMs);
            expect(covers(run, lookback.regular, widthMs, ts)).toBe(true);
          }
        }
      },
    );

    it.each(widths)(
      'rolls up a %s point of any age ingest accepts in the next daily catch-up run',
      (_width, widthMs) => {
        const start = Date.UTC(2026, 2, 10);
        for (let arrival = start; arrival < start + 2 * DAY; arrival += 37 * MINUTE + 11) {
          const oldest = Math.min(schedule.memoryRetentionMs, ROLLUP_CATCH_UP_MAX_AGE_MS);
          for (const age of [ROLLUP_LATENESS_MS + 1, HOUR, oldest]) {
            const run = runsFrom(arrival + 1, ROLLUP_CATCH_UP_EVERY_MS);
            expect(covers(run, lookback.catchUp, widthMs, arrival - age)).toBe(true);
          }
        }
      },
    );

    it('never looks back further than a week and a day, however long the memory retention', () => {
      expect(lookback.catchUp).toBeLessThanOrEqual(ROLLUP_CATCH_UP_MAX_AGE_MS + ROLLUP_CATCH_UP_EVERY_MS);
    });

    it('rewrites a minute bucket only while it can still get points, not 24 times', () => {
      const bucket = Date.UTC(2026, 2, 10, 10, 0);
      const writes = [];
      for (let run = bucket; run < bucket + 3 * HOUR; run += schedule.everyMs) {
        if (covers(run, lookback.regular, MINUTE, bucket)) writes.push(run);
      }
      expect(writes.length).toBe(Math.floor((schedule.everyMs + ROLLUP_LATENESS_MS) / schedule.everyMs));
      expect(writes.length).toBeLessThanOrEqual(4);
    });
  },
);
