import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
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

/** What the queue takes on disk: the database, its write-ahead log and the log's index. */
const diskBytes = (dir: string) =>
  ['buffer.sqlite', 'buffer.sqlite-wal', 'buffer.sqlite-shm']
    .map((name) => join(dir, name))
    .reduce((sum, file) => sum + (existsSync(file) ? statSync(file).size : 0), 0);

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

  it('deletes an acknowledged batch on disk at once, before anything else is written', async () => {
    const dir = await tempDir();
    const buffer = open(dir, { maxBatchPoints: 10 });
    buffer.append(points(30));
    buffer.flush();
    buffer.ack(1);
    buffer.ack(2);
    buffer.commitAcks();

    // Another connection (as after a kill -9) sees only what is left.
    const reader = new DatabaseSync(join(dir, 'buffer.sqlite'), { readOnly: true });
    const left = (reader.prepare('SELECT seq FROM batch ORDER BY seq').all() as { seq: number }[]).map(
      (r) => r.seq,
    );
    reader.close();
    expect(left).toEqual([3]);
    buffer.close();
  });

  it('calls onDropped with the points whenFull dropped, and remembers when', async () => {
    const buffer = open(await tempDir(), { maxBytes: 20_000, maxBatchPoints: 50 });
    const dropped: [number, string][] = [];
    buffer.onDropped = (count, which) => dropped.push([count, which]);
    for (let i = 0; i < 20; i += 1) {
      buffer.append(points(50, i * 50));
      buffer.flush();
    }
    const total = dropped.reduce((sum, [count]) => sum + count, 0);
    expect(total).toBe(buffer.stats().droppedPoints);
    expect(dropped.every(([, which]) => which === 'oldest')).toBe(true);
    expect(buffer.stats().lastDroppedTs).toBeGreaterThan(Date.now() - 60_000);
    buffer.close();
  });

  // Rows of 30 points (~2.1 KB) fit one to a 4 KB page, the worst case; 1,000 points span many pages.
  it.each([
    ['drop-oldest', 30],
    ['drop-oldest', 1000],
    ['reject-new', 30],
    ['reject-new', 1000],
  ] as const)(
    '%s with batches of %i points stays within maxBytes and a tenth on disk',
    async (whenFull, perBatch) => {
      const dir = await tempDir();
      const maxBytes = 1024 * 1024;
      const buffer = open(dir, { maxBytes, whenFull, maxBatchPoints: perBatch });
      let largest = 0;
      let written = 0;
      // Three times the room, with a small drain now and then as after a short reconnect.
      for (let i = 0; written < 3 * maxBytes; i += 1) {
        const batch = points(perBatch, i * perBatch);
        written += JSON.stringify(batch).length;
        buffer.append(batch);
        buffer.flush();
        if (i % 25 === 24) for (const b of buffer.batchesAfter(0, 3)) buffer.ack(b.seq);
        largest = Math.max(largest, diskBytes(dir));
      }
      const stats = buffer.stats();
      expect(stats.droppedPoints).toBeGreaterThan(0);
      expect(stats.bytes).toBeLessThanOrEqual(maxBytes);
      // Full means full: at least 80 % of the room holds batches when it starts dropping.
      expect(stats.bytes).toBeGreaterThan(0.8 * maxBytes);
      expect(largest).toBeLessThanOrEqual(1.1 * maxBytes);

      // Everything acknowledged: the file gives its pages back.
      for (const b of buffer.batchesAfter(0, 10_000)) buffer.ack(b.seq);
      buffer.commitAcks();
      expect(buffer.stats()).toMatchObject({ points: 0, bytes: 0 });
      expect(statSync(join(dir, 'buffer.sqlite')).size).toBeLessThan(0.1 * maxBytes);
      buffer.close();
    },
  );

  it('merges the batches it wrote since start into as few as fit, each keeping its first seq, in order', async () => {
    const buffer = open(await tempDir(), { maxBatchPoints: 100 });
    for (let write = 0; write < 5; write += 1) {
      buffer.append(points(30, write * 30));
      buffer.flush();
    }
    expect(buffer.batchesAfter(0, 10).map((b) => b.count)).toEqual([30, 30, 30, 30, 30]);

    const removed = buffer.coalesce(0);

    const merged = buffer.batchesAfter(0, 10);
    expect(removed).toBe(3);
    expect(merged.map((b) => [b.seq, b.count])).toEqual([
      [1, 90],
      [4, 60],
    ]);
    const values = merged.flatMap((b) => telemetryMessageSchema.parse(JSON.parse(b.payload)).points);
    expect(values).toEqual(points(150));
    expect(buffer.stats().points).toBe(150);
    buffer.close();
  });

  it('leaves alone what was published (at or before the seq given) and what an earlier run wrote', async () => {
    const dir = await tempDir();
    const earlier = open(dir, { maxBatchPoints: 100 });
    earlier.append(points(10));
    earlier.flush();
    earlier.append(points(10, 10));
    earlier.flush();
    earlier.close();
    const buffer = open(dir, { maxBatchPoints: 100 });
    for (let write = 2; write < 5; write += 1) {
      buffer.append(points(10, write * 10));
      buffer.flush();
    }
    expect(buffer.unsent(0, 10).map((b) => [b.seq, b.ours])).toEqual([
      [1, false],
      [2, false],
      [3, true],
      [4, true],
      [5, true],
    ]);

    // seq 3 is in flight: only 4 and 5 may merge.
    expect(buffer.coalesce(3)).toBe(1);

    expect(buffer.batchesAfter(0, 10).map((b) => [b.seq, b.count])).toEqual([
      [1, 10],
      [2, 10],
      [3, 10],
      [4, 20],
    ]);
    buffer.close();
  });
});
