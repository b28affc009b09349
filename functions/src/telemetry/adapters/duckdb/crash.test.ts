// A writer killed with SIGKILL before it compacted: its delta rows are merged when the file opens
// again, so the newest values, the minute buckets and the replay check see every acknowledged point.
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, expect, it } from 'vitest';
import { openDuckDbTelemetryStore } from './telemetry-store.ts';
import { CRASH_T0, crashPoints } from './testing/crash-points.ts';

const writer = fileURLToPath(new URL('./testing/crash-writer.ts', import.meta.url));
const dirs: string[] = [];
afterAll(async () => {
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

it('keeps every acknowledged point of a writer killed with SIGKILL before compaction', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'pw-duck-crash-'));
  dirs.push(dir);
  const path = join(dir, 'telemetry.duckdb');
  const groups = 25;
  const child = spawn(process.execPath, [writer, path, String(groups)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = new Promise<NodeJS.Signals | null>((resolve) =>
    child.once('exit', (_code, signal) => resolve(signal)),
  );
  await new Promise<void>((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (out.includes('written')) resolve();
    });
    child.once('exit', (code) => reject(new Error(`the writer exited with ${code} before writing`)));
  });
  child.kill('SIGKILL');
  expect(await exited).toBe('SIGKILL');

  const store = await openDuckDbTelemetryStore({ path });
  try {
    const all = Array.from({ length: groups }, (_, g) => crashPoints(g)).flat();
    const tagRefs = ['t0', 't199'].map((tagKey) => ({ gatewayId: 'g1', deviceKey: 'plc-1', tagKey }));
    const latest = await store.latest('t1', tagRefs);
    const newest = (tagKey: string) =>
      all.filter((p) => p.tagKey === tagKey).reduce((a, b) => (b.ts > a.ts ? b : a));
    expect(latest.map((s) => [s.ts, s.value])).toEqual(
      ['t0', 't199'].map((tagKey) => [newest(tagKey).ts, newest(tagKey).value]),
    );
    const [series] = await store.series('t1', {
      tagRefs: [tagRefs[0] as (typeof tagRefs)[number]],
      from: CRASH_T0,
      to: CRASH_T0 + 3_600_000,
      maxPoints: 60,
      aggregates: ['count'],
    });
    expect(series?.bucketMs).toBe(60_000);
    expect(series?.buckets.reduce((sum, b) => sum + (b.count ?? 0), 0)).toBe(
      all.filter((p) => p.tagKey === 't0').length,
    );
    // The last group again is a replay: the newest values came back from the file.
    expect(await store.write(crashPoints(groups - 1))).toEqual({ written: 0, duplicates: 240 });
  } finally {
    await store.close();
  }
});
