import type { TelemetryPoint } from '@plantwatch/shared';
import { telemetryMessageSchema } from '@plantwatch/shared';
import { describe, expect, it } from 'vitest';
import { DiskBuffer } from '../src/buffer.ts';
import { tempDir } from './support/temp.ts';

const t0 = 1_800_000_000_000;
const points = (n: number, from = 0): TelemetryPoint[] =>
  Array.from({ length: n }, (_, i) => ({
    d: 'plc-1',
    t: 'level',
    ts: t0 + from + i,
    v: from + i,
    q: 'good',
  }));

const open = (dir: string, extra: Partial<ConstructorParameters<typeof DiskBuffer>[0]> = {}) =>
  new DiskBuffer({
    dir,
    maxBytes: 1024 * 1024,
    whenFull: 'drop-oldest',
    gatewayId: 'gw-1',
    flushMs: 10_000,
    ...extra,
  });

describe('DiskBuffer', () => {
  it('stores points as valid telemetry batches with increasing seq, oldest first', async () => {
    const buffer = open(await tempDir(), { maxBatchPoints: 100 });
    buffer.append(points(250));
    buffer.flush();
    const batches = buffer.batchesAfter(0, 10);
    expect(batches.map((b) => b.count)).toEqual([100, 100, 50]);
    expect(batches.map((b) => b.seq)).toEqual([1, 2, 3]);
    const first = telemetryMessageSchema.parse(JSON.parse(batches[0]?.payload ?? ''));
    expect(first).toMatchObject({ v: 1, gw: 'gw-1', seq: 1 });
    expect(first.points[0]).toEqual(points(1)[0]);
    buffer.close();
  });

  it('deletes a batch only once it is acknowledged, and replays the same bytes until then', async () => {
    const dir = await tempDir();
    const buffer = open(dir, { maxBatchPoints: 10 });
    buffer.append(points(20));
    buffer.flush();
    const [first, second] = buffer.batchesAfter(0, 2);
    buffer.ack(first?.seq ?? -1);
    buffer.close();

    const reopened = open(dir);
    const left = reopened.batchesAfter(0, 10);
    expect(left).toEqual([second]);
    expect(reopened.stats()).toMatchObject({ points: 10 });
    reopened.close();
  });

  it('never reuses a seq, even after every batch was acknowledged and the buffer reopened', async () => {
    const dir = await tempDir();
    const buffer = open(dir);
    buffer.append(points(5));
    buffer.flush();
    buffer.ack(1);
    buffer.close();
    const reopened = open(dir);
    reopened.append(points(5, 5));
    reopened.flush();
    expect(reopened.batchesAfter(0, 10).map((b) => b.seq)).toEqual([2]);
    reopened.close();
  });

  it('drop-oldest: a full buffer deletes the oldest batches and counts their points', async () => {
    const buffer = open(await tempDir(), { maxBytes: 20_000, maxBatchPoints: 50 });
    for (let i = 0; i < 20; i += 1) {
      buffer.append(points(50, i * 50));
      buffer.flush();
    }
    const stats = buffer.stats();
    expect(stats.bytes).toBeLessThanOrEqual(20_000);
    expect(stats.droppedPoints).toBeGreaterThan(0);
    expect(stats.points + stats.droppedPoints).toBe(1000);
    const kept = buffer.batchesAfter(0, 100);
    expect(kept.at(-1)?.payload).toContain(`"v":999`);
    expect(kept[0]?.payload).not.toContain(`"v":0,`);
    buffer.close();
  });

  it('reject-new: a full buffer keeps what it has and counts the points it refuses', async () => {
    const buffer = open(await tempDir(), { maxBytes: 20_000, maxBatchPoints: 50, whenFull: 'reject-new' });
    for (let i = 0; i < 20; i += 1) {
      buffer.append(points(50, i * 50));
      buffer.flush();
    }
    const stats = buffer.stats();
    expect(stats.points + stats.droppedPoints).toBe(1000);
    expect(stats.droppedPoints).toBeGreaterThan(0);
    const kept = buffer.batchesAfter(0, 100);
    expect(kept[0]?.payload).toContain(`"v":0,`);
    expect(kept.at(-1)?.payload).not.toContain(`"v":999`);
    buffer.close();
  });

  it('keeps the dropped count across a restart', async () => {
    const dir = await tempDir();
    const buffer = open(dir, { maxBytes: 16_384, maxBatchPoints: 100, whenFull: 'reject-new' });
    for (let i = 0; i < 10; i += 1) {
      buffer.append(points(100, i * 100));
      buffer.flush();
    }
    const dropped = buffer.stats().droppedPoints;
    buffer.close();
    const reopened = open(dir, { maxBytes: 16_384, whenFull: 'reject-new' });
    expect(dropped).toBeGreaterThan(0);
    expect(reopened.stats().droppedPoints).toBe(dropped);
    reopened.close();
  });

  it('keeps every batch under the 128 KB message limit', async () => {
    const buffer = open(await tempDir(), { maxBatchPoints: 10_000 });
    const long: TelemetryPoint[] = Array.from({ length: 400 }, (_, i) => ({
      d: 'plc-1',
      t: `tag-${i}`,
      ts: t0,
      v: 'x'.repeat(900),
      q: 'good',
    }));
    buffer.append(long);
    buffer.flush();
    const batches = buffer.batchesAfter(0, 100);
    expect(batches.length).toBeGreaterThan(1);
    for (const batch of batches) expect(Buffer.byteLength(batch.payload)).toBeLessThanOrEqual(128 * 1024);
    expect(batches.reduce((sum, b) => sum + b.count, 0)).toBe(400);
    buffer.close();
  });
});
