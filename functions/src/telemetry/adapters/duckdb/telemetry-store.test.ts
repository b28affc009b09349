import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { describeTelemetryStoreContract } from '../../testing/telemetry-store-contract.ts';
import { openDuckDbTelemetryStore } from './telemetry-store.ts';

describeTelemetryStoreContract('DuckDB', () => openDuckDbTelemetryStore({ path: ':memory:' }));

describe('DuckDB group commit', () => {
  it('stores concurrent writes in one go and still tells each caller what it wrote', async () => {
    const store = await openDuckDbTelemetryStore({ path: ':memory:' });
    const at = (tagKey: string, ts: number) => ({
      tenantId: 't1',
      siteId: 's1',
      gatewayId: 'g1',
      deviceKey: 'plc-1',
      tagKey,
      ts,
      value: ts,
      quality: 'good' as const,
    });
    const t0 = Date.UTC(2026, 0, 1);
    const a = [at('level', t0), at('level', t0 + 1000)];

    const results = await Promise.all([store.write(a), store.write(a), store.write([at('flow', t0)])]);
    const stored = await store.range(
      't1',
      { gatewayId: 'g1', deviceKey: 'plc-1', tagKey: 'level' },
      t0,
      t0 + 5000,
      10,
    );
    await store.close();

    expect(results).toEqual([
      { written: 2, duplicates: 0 },
      { written: 0, duplicates: 2 },
      { written: 1, duplicates: 0 },
    ]);
    expect(stored).toHaveLength(2);
  });
});

describe('DuckDB replay check (only points not newer than the stored ones are looked up)', () => {
  it('writes new and late points once and drops copies, within one group and against the table', async () => {
    const store = await openDuckDbTelemetryStore({ path: ':memory:' });
    const t0 = Date.UTC(2026, 0, 1);
    const at = (ts: number, value: number) => ({
      tenantId: 't1',
      siteId: 's1',
      gatewayId: 'g1',
      deviceKey: 'plc-1',
      tagKey: 'level',
      ts,
      value,
      quality: 'good' as const,
    });
    await store.write([at(t0, 1), at(t0 + 2000, 1)]);

    // One group: a new point, a late one, a copy of a stored one, and copies of the first two.
    const results = await Promise.all([
      store.write([at(t0 + 3000, 2), at(t0 + 1000, 2)]),
      store.write([at(t0 + 2000, 3), at(t0 + 3000, 3), at(t0 + 1000, 3), at(t0 + 4000, 3)]),
    ]);
    const stored = await store.range(
      't1',
      { gatewayId: 'g1', deviceKey: 'plc-1', tagKey: 'level' },
      t0,
      t0 + 10_000,
      10,
    );
    const again = await store.write([at(t0 + 4000, 4), at(t0 + 5000, 4)]);
    const latest = await store.latest('t1', [{ gatewayId: 'g1', deviceKey: 'plc-1', tagKey: 'level' }]);
    await store.close();

    expect(results).toEqual([
      { written: 2, duplicates: 0 },
      { written: 1, duplicates: 3 },
    ]);
    expect(stored.map((s) => [s.ts - t0, s.value])).toEqual([
      [0, 1],
      [1000, 2],
      [2000, 1],
      [3000, 2],
      [4000, 3],
    ]);
    expect(again).toEqual({ written: 1, duplicates: 1 });
    expect(latest.map((s) => [s.ts - t0, s.value])).toEqual([[5000, 4]]);
  });
});

describe('DuckDB telemetry file', () => {
  const dirs: string[] = [];
  afterAll(async () => {
    for (const dir of dirs) await rm(dir, { recursive: true, force: true });
  });

  it('keeps points and tag numbering across a restart, so a replay after restart is still a duplicate', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'pw-duck-'));
    dirs.push(dir);
    const path = join(dir, 'telemetry', 'telemetry.duckdb');
    const point = {
      tenantId: 't1',
      siteId: 's1',
      gatewayId: 'g1',
      deviceKey: 'plc-1',
      tagKey: 'level',
      ts: Date.UTC(2026, 0, 1),
      value: 1.25,
      quality: 'good' as const,
    };
    const first = await openDuckDbTelemetryStore({ path });
    await first.write([point]);
    await first.close();

    const second = await openDuckDbTelemetryStore({ path });
    const replay = await second.write([point, { ...point, tagKey: 'flow' }]);
    const latest = await second.latest('t1', [
      { gatewayId: 'g1', deviceKey: 'plc-1', tagKey: 'level' },
      { gatewayId: 'g1', deviceKey: 'plc-1', tagKey: 'flow' },
    ]);
    await second.close();

    expect(replay).toEqual({ written: 1, duplicates: 1 });
    expect(latest.map((s) => s.tagRef.tagKey)).toEqual(['level', 'flow']);
    expect((await stat(path)).size).toBeGreaterThan(0);
  });
});
