// biome-ignore-all lint/suspicious/noTemplateCurlyInString: formulas write their references as ${device:tag}
// Timer-based derived tags (ADR 0051): one site with 100 derived tags of a 1 s period, each the
// difference of two of the site's 101 tags, whose inputs reported once (report by exception) and then
// fell silent. `derived-timer`: ms for a run that catches up a minute, as the AWS function does every
// minute (6 000 points: read the inputs, compute, store, hand to the alarms). Baseline, same run:
// writing the same number of derived points to the same store alone, which any timer pays at least.
// `derived-timer-1s`: ms for a run of one boundary, as the local runtime does every second (100
// points); baseline: writing 100 points alone. Medians of 5 runs each (PGlite, DuckDB in memory).

import { createAlarmEvaluator } from '../../functions/src/alarms/evaluator.ts';
import { createPostgresConfigStore } from '../../functions/src/compose/config-store.ts';
import { createDerivedTag } from '../../functions/src/derived-tags/derived-tags.ts';
import { createPlant } from '../../functions/src/derived-tags/testing.ts';
import { createPeriodicDerivedTagRunner } from '../../functions/src/derived-tags/timer.ts';
import { openConfigDatabase } from '../../functions/src/platform/database/database.ts';
import { uuidV7Ids } from '../../functions/src/platform/ids.ts';
import { openDuckDbTelemetryStore } from '../../functions/src/telemetry/adapters/duckdb/telemetry-store.ts';
import { DERIVED_DEVICE_KEY, type TelemetryPointRecord } from '../../shared/src/index.ts';
import { type Benchmark, type BenchResult, median, progress, round, withBaseline } from '../harness.ts';

const DERIVED = 100;
const RUNS = 5;

async function measure(): Promise<{ minute: BenchResult; second: BenchResult }> {
  const database = await openConfigDatabase({ kind: 'pglite' });
  const store = createPostgresConfigStore(database.db, () => database.close());
  const telemetry = await openDuckDbTelemetryStore({ path: ':memory:', maxPointAgeMs: 30 * 86_400_000 });
  try {
    const devices = Array.from({ length: DERIVED + 1 }, (_, i) => `d${i}`);
    progress(`derived-timer: a site with ${devices.length} tags and ${DERIVED} derived tags of 1 s`);
    const plant = await createPlant(store, devices);
    const deps = { store, ids: uuidV7Ids, telemetry };
    for (let i = 0; i < DERIVED; i += 1) {
      await createDerivedTag(deps, plant.principal, {
        siteId: plant.siteId,
        key: `k${i}`,
        name: `k${i}`,
        description: '',
        formula: `\${d${i}:flow} - \${d${i + 1}:flow}`,
        unit: '',
        periodSeconds: 1,
      });
    }
    // the tags were created now: the clock starts a minute later, on a whole minute
    let now = Math.ceil(Date.now() / 60_000) * 60_000 + 60_000;
    const record = (deviceKey: string, tagKey: string, ts: number, value: number): TelemetryPointRecord => ({
      tenantId: plant.tenantId,
      siteId: plant.siteId,
      gatewayId: plant.gatewayId,
      deviceKey,
      tagKey,
      ts,
      value,
      quality: 'good',
    });
    await telemetry.write(devices.map((device, i) => record(device, 'flow', now - 30_000, 100 + i)));
    const clock = { now: () => new Date(now) };
    const runner = createPeriodicDerivedTagRunner(
      { store, telemetry, alarms: createAlarmEvaluator({ store, ids: uuidV7Ids, clock }), clock },
      { settleMs: 0, catchUpMs: 60_000 },
    );
    await runner.run(); // warm: the tenant's tags read, the first minute written

    const timed = async (step: () => Promise<unknown>) => {
      const began = performance.now();
      await step();
      return performance.now() - began;
    };
    const minuteRuns: number[] = [];
    const minuteWrites: number[] = [];
    const secondRuns: number[] = [];
    const secondWrites: number[] = [];
    // points the baseline writes: the same count, of the same derived series, an hour ahead of the timer
    let spare = now + 3_600_000;
    const derivedBatch = (count: number) =>
      Array.from({ length: count }, (_, i) => {
        if (i % DERIVED === 0) spare += 1_000;
        return record(DERIVED_DEVICE_KEY, `k${i % DERIVED}`, spare, i);
      }).map((point) => ({ ...point, gatewayId: plant.siteId }));
    for (let run = 0; run < RUNS; run += 1) {
      now += 60_000;
      let points = 0;
      minuteRuns.push(
        await timed(async () => {
          points = (await runner.run()).written;
        }),
      );
      if (points !== 60 * DERIVED)
        throw new Error(`a minute's run wrote ${points} points, not ${60 * DERIVED}`);
      minuteWrites.push(await timed(() => telemetry.write(derivedBatch(60 * DERIVED))));
    }
    for (let run = 0; run < RUNS; run += 1) {
      now += 1_000;
      let points = 0;
      secondRuns.push(
        await timed(async () => {
          points = (await runner.run()).written;
        }),
      );
      if (points !== DERIVED) throw new Error(`a second's run wrote ${points} points, not ${DERIVED}`);
      secondWrites.push(await timed(() => telemetry.write(derivedBatch(DERIVED))));
    }
    progress(
      `derived-timer: minute runs ${minuteRuns.map((ms) => round(ms, 0)).join(', ')} ms; writes alone ${minuteWrites.map((ms) => round(ms, 0)).join(', ')} ms`,
    );
    progress(
      `derived-timer: second runs ${secondRuns.map((ms) => round(ms, 1)).join(', ')} ms; writes alone ${secondWrites.map((ms) => round(ms, 1)).join(', ')} ms`,
    );
    return {
      minute: withBaseline(round(median(minuteRuns), 1), 'ms', round(median(minuteWrites), 1)),
      second: withBaseline(round(median(secondRuns), 1), 'ms', round(median(secondWrites), 1)),
    };
  } finally {
    await telemetry.close();
    await store.close();
  }
}

let measured: Promise<{ minute: BenchResult; second: BenchResult }> | undefined;
const once = () => {
  measured ??= measure();
  return measured;
};

export const derivedTimer: Benchmark = {
  name: 'derived-timer',
  description:
    'ms for a timer run catching up a minute of 100 derived tags of 1 s (6 000 points; baseline: writing them alone)',
  run: async () => (await once()).minute,
};

export const derivedTimerOneSecond: Benchmark = {
  name: 'derived-timer-1s',
  description: 'ms for a timer run of one boundary of 100 derived tags (baseline: writing 100 points alone)',
  partOf: 'derived-timer',
  run: async () => (await once()).second,
};
