// The store-and-forward queue: every point is written to SQLite (WAL, synchronous=FULL) before it
// is published, in batches that get their `seq` once, when written. A batch is deleted only after
// the broker acknowledged it, and a replay sends the same bytes with the same seq, so ingest can
// drop it. Bounded by maxBytes, with whenFull applied exactly and counted.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { DatabaseSync, type StatementSync } from 'node:sqlite';
import { type BufferSettings, MAX_TELEMETRY_BYTES, type TelemetryPoint } from '@plantwatch/shared';

export interface StoredBatch {
  seq: number;
  count: number;
  /** The telemetry message, exactly as published (and republished). */
  payload: string;
}

export interface BufferOptions extends BufferSettings {
  gatewayId: string;
  maxBatchPoints?: number;
  /** Points wait at most this long in memory before they are written (one fsync per write). */
  flushMs?: number;
}

/** Room for the envelope {"v":1,"gw":...,"seq":...,"points":[...]} under AWS IoT Core's 128 KB. */
const maxBatchBytes = MAX_TELEMETRY_BYTES - 2048;

export class DiskBuffer {
  readonly #db: DatabaseSync;
  readonly #options: Required<Omit<BufferOptions, 'dir'>> & { dir: string };
  readonly #insert: StatementSync;
  readonly #selectAfter: StatementSync;
  readonly #deleteOne: StatementSync;
  readonly #deleteOldest: StatementSync;
  readonly #setCounter: StatementSync;
  readonly #envelopeStart: string;
  #pending: string[] = [];
  #acked: number[] = [];
  #timer: NodeJS.Timeout | null = null;
  #bytes = 0;
  #points = 0;
  #droppedPoints = 0;
  #closed = false;
  /** Called after new batches are written, so the publisher can wake up. */
  onWritten: () => void = () => {};

  constructor(options: BufferOptions) {
    this.#options = { maxBatchPoints: 1000, flushMs: 100, ...options };
    mkdirSync(options.dir, { recursive: true });
    this.#db = new DatabaseSync(join(options.dir, 'buffer.sqlite'));
    this.#db.exec(`
      PRAGMA journal_mode = WAL;
      PRAGMA synchronous = FULL;
      CREATE TABLE IF NOT EXISTS batch (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        count INTEGER NOT NULL,
        bytes INTEGER NOT NULL,
        points TEXT NOT NULL
      );
      CREATE TABLE IF NOT EXISTS counter (name TEXT PRIMARY KEY, value INTEGER NOT NULL);
    `);
    this.#insert = this.#db.prepare('INSERT INTO batch (count, bytes, points) VALUES (?, ?, ?)');
    this.#selectAfter = this.#db.prepare(
      'SELECT seq, count, points FROM batch WHERE seq > ? ORDER BY seq LIMIT ?',
    );
    this.#deleteOne = this.#db.prepare('DELETE FROM batch WHERE seq = ? RETURNING count, bytes');
    this.#deleteOldest = this.#db.prepare(
      'DELETE FROM batch WHERE seq IN (SELECT seq FROM batch ORDER BY seq LIMIT ?) RETURNING count, bytes',
    );
    this.#setCounter = this.#db.prepare(
      'INSERT INTO counter (name, value) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET value = excluded.value',
    );
    const totals = this.#db
      .prepare('SELECT COALESCE(SUM(bytes), 0) AS bytes, COALESCE(SUM(count), 0) AS points FROM batch')
      .get() as {
      bytes: number;
      points: number;
    };
    this.#bytes = totals.bytes;
    this.#points = totals.points;
    const dropped = this.#db.prepare("SELECT value FROM counter WHERE name = 'droppedPoints'").get() as
      | { value: number }
      | undefined;
    this.#droppedPoints = dropped?.value ?? 0;
    this.#envelopeStart = `{"v":1,"gw":${JSON.stringify(options.gatewayId)},"seq":`;
  }

  /** Queues points; they reach the disk within flushMs (or at once, when a batch is full). */
  append(points: readonly TelemetryPoint[]): void {
    if (this.#closed) throw new Error('the buffer is closed');
    for (const point of points) {
      const json = JSON.stringify({ d: point.d, t: point.t, ts: point.ts, v: point.v, q: point.q });
      this.#pending.push(json);
    }
    if (this.#pending.length >= this.#options.maxBatchPoints * 10) this.flush();
    else if (!this.#timer && (this.#pending.length > 0 || this.#acked.length > 0)) {
      this.#timer = setTimeout(() => this.flush(), this.#options.flushMs);
    }
  }

  /** The broker acknowledged this batch: it goes with the next write. */
  ack(seq: number): void {
    this.#acked.push(seq);
    if (!this.#timer) this.#timer = setTimeout(() => this.flush(), this.#options.flushMs);
  }

  /** Writes pending points and acknowledged deletions in one transaction (one fsync). */
  flush(): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
    if (this.#closed || (this.#pending.length === 0 && this.#acked.length === 0)) return;
    const batches = this.#cutBatches();
    const acked = this.#acked;
    this.#acked = [];
    let wrote = false;
    this.#db.exec('BEGIN IMMEDIATE');
    try {
      for (const seq of acked) {
        const row = this.#deleteOne.get(seq) as { count: number; bytes: number } | undefined;
        if (row) {
          this.#bytes -= row.bytes;
          this.#points -= row.count;
        }
      }
      for (const batch of batches) {
        if (!this.#makeRoom(batch.bytes, batch.count)) continue;
        this.#insert.run(batch.count, batch.bytes, batch.points);
        this.#bytes += batch.bytes;
        this.#points += batch.count;
        wrote = true;
      }
      this.#setCounter.run('droppedPoints', this.#droppedPoints);
      this.#db.exec('COMMIT');
    } catch (error) {
      this.#db.exec('ROLLBACK');
      throw error;
    }
    if (wrote) this.onWritten();
  }

  #cutBatches(): { count: number; bytes: number; points: string }[] {
    const batches: { count: number; bytes: number; points: string }[] = [];
    let current: string[] = [];
    let currentBytes = 2;
    for (const json of this.#pending) {
      if (
        current.length > 0 &&
        (current.length >= this.#options.maxBatchPoints || currentBytes + json.length + 1 > maxBatchBytes)
      ) {
        batches.push({ count: current.length, bytes: currentBytes, points: `[${current.join(',')}]` });
        current = [];
        currentBytes = 2;
      }
      current.push(json);
      currentBytes += json.length + 1;
    }
    if (current.length > 0)
      batches.push({ count: current.length, bytes: currentBytes, points: `[${current.join(',')}]` });
    this.#pending = [];
    return batches;
  }

  /** whenFull: drop-oldest deletes the oldest batches until this one fits; reject-new drops this one. */
  #makeRoom(bytes: number, count: number): boolean {
    const { maxBytes, whenFull } = this.#options;
    if (this.#bytes + bytes <= maxBytes) return true;
    if (whenFull === 'reject-new' || bytes > maxBytes) {
      this.#droppedPoints += count;
      return false;
    }
    while (this.#bytes + bytes > maxBytes) {
      const rows = this.#deleteOldest.all(1) as { count: number; bytes: number }[];
      if (rows.length === 0) break;
      for (const row of rows) {
        this.#bytes -= row.bytes;
        this.#points -= row.count;
        this.#droppedPoints += row.count;
      }
    }
    return true;
  }

  /** Up to `limit` stored batches after `afterSeq`, oldest first. */
  batchesAfter(afterSeq: number, limit: number): StoredBatch[] {
    const rows = this.#selectAfter.all(afterSeq, limit) as { seq: number; count: number; points: string }[];
    return rows.map((row) => ({
      seq: row.seq,
      count: row.count,
      payload: `${this.#envelopeStart}${row.seq},"points":${row.points}}`,
    }));
  }

  stats(): { bytes: number; points: number; droppedPoints: number; pendingPoints: number } {
    return {
      bytes: this.#bytes,
      points: this.#points,
      droppedPoints: this.#droppedPoints,
      pendingPoints: this.#pending.length,
    };
  }

  get whenFull(): BufferSettings['whenFull'] {
    return this.#options.whenFull;
  }

  close(): void {
    if (this.#closed) return;
    this.flush();
    this.#closed = true;
    this.#db.close();
  }
}
