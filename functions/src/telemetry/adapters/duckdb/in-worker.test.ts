// The DuckDB store on its own thread (ADR 0055): the same contract as in process, and a thread that
// stops fails the calls waiting on it and is started again by the next one, on the same file.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Worker } from 'node:worker_threads';
import { afterAll, expect, it } from 'vitest';
import { describeTelemetryStoreContract } from '../../testing/telemetry-store-contract.ts';
import { openDuckDbTelemetryStoreInWorker } from './in-worker.ts';

describeTelemetryStoreContract('DuckDB in a worker thread', () =>
  openDuckDbTelemetryStoreInWorker({ path: ':memory:' }),
);

const dirs: string[] = [];
afterAll(async () => {
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

const T0 = Date.UTC(2026, 0, 5);
const point = (ts: number) => ({
  tenantId: 't1',
  siteId: 's1',
  gatewayId: 'g1',
  deviceKey: 'plc-1',
  tagKey: 'level',
  ts,
  value: ts - T0,
  quality: 'good' as const,
});
const ref = { gatewayId: 'g1', deviceKey: 'plc-1', tagKey: 'level' };

it('fails the calls of a thread that stops and starts a new one on the same file for the next call', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'pw-duck-worker-'));
  dirs.push(dir);
  const threads: Worker[] = [];
  const store = await openDuckDbTelemetryStoreInWorker({ path: join(dir, 't.duckdb') }, (worker) =>
    threads.push(worker),
  );
  try {
    expect(await store.write([point(T0), point(T0 + 1000)])).toEqual({ written: 2, duplicates: 0 });

    const waiting = store.range('t1', ref, T0, T0 + 10_000, 10);
    await (threads[0] as Worker).terminate();
    await expect(waiting).rejects.toThrow(/thread stopped/);

    // The next call starts a second thread, which opens the file with what was committed.
    const after = await store.range('t1', ref, T0, T0 + 10_000, 10);
    expect(threads).toHaveLength(2);
    expect(after.map((sample) => sample.value)).toEqual([0, 1000]);
    expect(await store.write([point(T0 + 1000), point(T0 + 2000)])).toEqual({ written: 1, duplicates: 1 });
  } finally {
    await store.close();
  }
  await expect(store.latest('t1', [ref])).rejects.toThrow(/closed/);
});

it('refuses to go on from an empty store when an in-memory store thread stops', async () => {
  const threads: Worker[] = [];
  const store = await openDuckDbTelemetryStoreInWorker({ path: ':memory:' }, (worker) =>
    threads.push(worker),
  );
  await store.write([point(T0)]);
  await (threads[0] as Worker).terminate();
  await expect(store.latest('t1', [ref])).rejects.toThrow(/in-memory telemetry store's thread stopped/);
  expect(threads).toHaveLength(1);
  await store.close();
});

it('says why when the store cannot open', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'pw-duck-worker-'));
  dirs.push(dir);
  // A folder where the file should be: DuckDB cannot open it.
  await expect(openDuckDbTelemetryStoreInWorker({ path: dir })).rejects.toThrow();
});
