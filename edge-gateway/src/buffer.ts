// The store-and-forward queue: every point is written to SQLite (WAL, synchronous=FULL) before it
// is published, in batches that get their `seq` once, when written. A batch is deleted as soon as the
// broker acknowledged it (before the next publish), and a replay sends the same bytes with the same
// seq, so ingest can drop it.
//
// Bounded on disk, not only in data: the database's pages in use stay under maxBytes less the room
// kept for the write-ahead log, which is checkpointed and truncated to that room. Pages freed by
// deletions are reused, and given back to the file system (incremental vacuum) once a quarter of the
// file is free. whenFull is applied exactly; dropped points are counted and reported (onDropped).
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

/** The disk budget: pages the queue may use, and the write-ahead log's share. */
export function diskBudget(maxBytes: number, pageSize = 4096) {
  const walBytes = Math.min(4 * 1024 * 1024, Math.max(64 * 1024, Math.floor(maxBytes / 20)));
  // The schema's own pages and the WAL index (-shm, 32 KB) come off the top as well.
  const dataBytes = Math.max(maxBytes / 2, maxBytes - walBytes - 64 * 1024);
  return {
    dataPages: Math.max(4, Math.floor(dataBytes / pageSize)),
    walPages: Math.max(8, Math.floor(walBytes / 2 / pageSize)),
    walBytes,
    /** Pending points are written in transactions of at most this many bytes, so the WAL stays small. */
    transactionBytes: Math.max(maxBatchBytes, Math.floor(walBytes / 2)),
  };
}

type Cut = { count: number; bytes: number; points: string };

export class DiskBuffer {
  readonly #db: DatabaseSync;
  #options: Required<Omit<BufferOptions, 'dir'>> & { dir: string };
  #budget: ReturnType<typeof diskBudget>;
  readonly #pageSize: number;
  readonly #rootPages: StatementSync;
  readonly #insert: StatementSync;
  readonly #selectAfter: StatementSync;
  readonly #deleteOne: StatementSync;
  readonly #updateOne: StatementSync;
  readonly #selectSizesAfter: StatementSync;
  readonly #newestSeq: StatementSync;
  readonly #selectPoints: StatementSync;
  readonly #deleteOldest: StatementSync;
  readonly #deleteNewest: StatementSync;
  readonly #setCounter: StatementSync;
  readonly #pageCount: StatementSync;
  readonly #freePages: StatementSync;
  readonly #envelopeStart: string;
  #pending: string[] = [];
  #acked: number[] = [];
  #timer: NodeJS.Timeout | null = null;
  #ackCommitQueued = false;
  #points = 0;
  #droppedPoints = 0;
  #lastDroppedTs: number | null = null;
  #incrementalVacuum = false;
  #closed = false;
  /** The first seq this process wrote: older batches may have been published before a restart. */
  #firstWrittenSeq = Number.POSITIVE_INFINITY;
  /** Called after new batches are written, so the publisher can wake up. */
  onWritten: () => void = () => {};
  /** Called when whenFull dropped points: the oldest stored ones, or new ones refused. */
  onDropped: (points: number, which: 'oldest' | 'newest') => void = () => {};

  constructor(options: BufferOptions) {
    this.#options = { maxBatchPoints: 1000, flushMs: 100, ...options };
    mkdirSync(options.dir, { recursive: true });
    this.#db = new DatabaseSync(join(options.dir, 'buffer.sqlite'));
    // On a new file this takes effect (it must come before the first table); an older file is
    // converted by vacuumWhenEmpty().
    this.#db.exec('PRAGMA auto_vacuum = INCREMENTAL');
    this.#pageSize = (this.#db.prepare('PRAGMA page_size').get() as { page_size: number }).page_size;
    this.#budget = diskBudget(options.maxBytes, this.#pageSize);
    this.#db.exec(`
      PRAGMA journal_mode = WAL;
      PRAGMA synchronous = FULL;
      PRAGMA wal_autocheckpoint = ${this.#budget.walPages};
      PRAGMA journal_size_limit = ${this.#budget.walBytes};
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
    this.#updateOne = this.#db.prepare('UPDATE batch SET count = ?, bytes = ?, points = ? WHERE seq = ?');
    this.#newestSeq = this.#db.prepare('SELECT MAX(seq) AS seq FROM batch');
    this.#selectPoints = this.#db.prepare('SELECT points FROM batch WHERE seq = ?');
    this.#selectSizesAfter = this.#db.prepare(
      'SELECT seq, count, bytes FROM batch WHERE seq > ? ORDER BY seq LIMIT ?',
    );
    this.#deleteOldest = this.#db.prepare(
      'DELETE FROM batch WHERE seq = (SELECT MIN(seq) FROM batch) RETURNING count, bytes',
    );
    this.#deleteNewest = this.#db.prepare(
      'DELETE FROM batch WHERE seq = (SELECT MAX(seq) FROM batch) RETURNING count, bytes',
    );
    this.#setCounter = this.#db.prepare(
      'INSERT INTO counter (name, value) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET value = excluded.value',
    );
    this.#pageCount = this.#db.prepare('PRAGMA page_count');
    this.#freePages = this.#db.prepare('PRAGMA freelist_count');
    this.#rootPages = this.#db.prepare('SELECT COUNT(*) AS n FROM sqlite_master WHERE rootpage > 0');
    const totals = this.#db.prepare('SELECT COALESCE(SUM(count), 0) AS points FROM batch').get() as {
      points: number;
    };
    this.#points = totals.points;
    const counter = (name: string) =>
      (
        this.#db.prepare('SELECT value FROM counter WHERE name = ?').get(name) as
          | { value: number }
          | undefined
      )?.value;
    this.#droppedPoints = counter('droppedPoints') ?? 0;
    this.#lastDroppedTs = counter('lastDroppedTs') ?? null;
    this.#envelopeStart = `{"v":1,"gw":${JSON.stringify(options.gatewayId)},"seq":`;
    this.#incrementalVacuum = this.#autoVacuumMode() === 2;
    this.#vacuumWhenEmpty();
  }

  /** Queues points; they reach the disk within flushMs (or at once, when a batch is full). */
  append(points: readonly TelemetryPoint[]): void {
    if (this.#closed) throw new Error('the buffer is closed');
    for (const point of points) {
      const json = JSON.stringify({ d: point.d, t: point.t, ts: point.ts, v: point.v, q: point.q });
      this.#pending.push(json);
    }
    if (this.#pending.length >= this.#options.maxBatchPoints * 10) this.flush();
    else if (!this.#timer && this.#pending.length > 0) {
      this.#timer = setTimeout(() => this.flush(), this.#options.flushMs);
    }
  }

  /** The broker acknowledged this batch: it is deleted before the next publish (commitAcks). */
  ack(seq: number): void {
    this.#acked.push(seq);
    if (this.#ackCommitQueued) return;
    this.#ackCommitQueued = true;
    setImmediate(() => {
      this.#ackCommitQueued = false;
      this.commitAcks();
    });
  }

  /** Deletes every acknowledged batch in one transaction (one fsync). */
  commitAcks(): void {
    if (this.#closed || this.#acked.length === 0) return;
    const acked = this.#acked;
    this.#acked = [];
    this.#transaction(() => {
      for (const seq of acked) {
        const row = this.#deleteOne.get(seq) as { count: number; bytes: number } | undefined;
        if (row) this.#forget(row);
      }
    });
    this.#releaseFreePages();
  }

  /** Writes pending points, a transaction per few batches so the write-ahead log stays within budget. */
  flush(): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
    if (this.#closed) return;
    this.commitAcks();
    if (this.#pending.length === 0) return;
    const batches = this.#cutBatches();
    let wrote = false;
    let chunk: Cut[] = [];
    let chunkBytes = 0;
    const writeChunk = () => {
      const these = chunk;
      chunk = [];
      chunkBytes = 0;
      this.#transaction(() => {
        for (const batch of these) wrote = this.#store(batch) || wrote;
        this.#setCounter.run('droppedPoints', this.#droppedPoints);
        if (this.#lastDroppedTs !== null) this.#setCounter.run('lastDroppedTs', this.#lastDroppedTs);
      });
    };
    for (const batch of batches) {
      if (chunk.length > 0 && chunkBytes + batch.bytes > this.#budget.transactionBytes) writeChunk();
      chunk.push(batch);
      chunkBytes += batch.bytes;
    }
    if (chunk.length > 0) writeChunk();
    if (wrote) this.onWritten();
  }

  #transaction(work: () => void): void {
    this.#db.exec('BEGIN IMMEDIATE');
    try {
      work();
      this.#db.exec('COMMIT');
    } catch (error) {
      this.#db.exec('ROLLBACK');
      throw error;
    }
  }

  #cutBatches(): Cut[] {
    const batches: Cut[] = [];
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

  /** Pages holding batches: in use, less SQLite's own (page 1, the pointer map, each table's root). */
  #usedPages(): number {
    const pages = (this.#pageCount.get() as { page_count: number }).page_count;
    const free = (this.#freePages.get() as { freelist_count: number }).freelist_count;
    const roots = (this.#rootPages.get() as { n: number }).n;
    return Math.max(0, pages - free - 2 - roots);
  }

  /**
   * Stores one batch inside the current transaction, applying whenFull by pages in use: drop-oldest
   * deletes the oldest batches until it fits; reject-new drops this one. False when it was dropped.
   */
  #store(batch: Cut): boolean {
    const { whenFull } = this.#options;
    const limit = this.#budget.dataPages;
    // Overflow pages of about 4 KB each, and the leaf that holds the row.
    const needed = Math.ceil(batch.bytes / (this.#pageSize - 8)) + 1;
    if (needed > limit || (whenFull === 'reject-new' && this.#usedPages() + needed > limit)) {
      this.#dropped(batch.count, 'newest');
      return false;
    }
    while (whenFull === 'drop-oldest' && this.#usedPages() + needed > limit && this.#points > 0) {
      this.#dropOne(this.#deleteOldest, 'oldest');
    }
    const { lastInsertRowid } = this.#insert.run(batch.count, batch.bytes, batch.points);
    this.#firstWrittenSeq = Math.min(this.#firstWrittenSeq, Number(lastInsertRowid));
    this.#points += batch.count;
    // The estimate was short (a fuller leaf split, say): settle it exactly.
    while (this.#usedPages() > limit && this.#points > 0) {
      this.#dropOne(
        whenFull === 'drop-oldest' ? this.#deleteOldest : this.#deleteNewest,
        whenFull === 'drop-oldest' ? 'oldest' : 'newest',
      );
    }
    return true;
  }

  #dropOne(statement: StatementSync, which: 'oldest' | 'newest'): void {
    const row = statement.get() as { count: number; bytes: number } | undefined;
    if (!row) return;
    this.#forget(row);
    this.#dropped(row.count, which);
  }

  #forget(row: { count: number; bytes: number }): void {
    this.#points -= row.count;
  }

  #dropped(points: number, which: 'oldest' | 'newest'): void {
    this.#droppedPoints += points;
    this.#lastDroppedTs = Date.now();
    this.onDropped(points, which);
  }

  #autoVacuumMode(): number {
    return (this.#db.prepare('PRAGMA auto_vacuum').get() as { auto_vacuum: number }).auto_vacuum;
  }

  /** A file made before incremental vacuum is converted once it holds nothing (VACUUM is then quick). */
  #vacuumWhenEmpty(): void {
    if (this.#incrementalVacuum || this.#points !== 0) return;
    this.#db.exec('PRAGMA auto_vacuum = INCREMENTAL; VACUUM');
    this.#incrementalVacuum = this.#autoVacuumMode() === 2;
  }

  /**
   * Free pages go back to the file system: all of them once the queue is empty (nothing to move, so
   * quick), otherwise a WAL's worth at a time while more than a quarter of the file is free.
   */
  #releaseFreePages(): void {
    if (this.#points === 0) this.#vacuumWhenEmpty();
    if (!this.#incrementalVacuum) return;
    const pages = (this.#pageCount.get() as { page_count: number }).page_count;
    const free = (this.#freePages.get() as { freelist_count: number }).freelist_count;
    if (free === 0 || (this.#points > 0 && free * 4 <= pages)) return;
    if (this.#points > 0) {
      this.#db.exec(`PRAGMA incremental_vacuum(${this.#budget.walPages})`);
      return;
    }
    // The file shrinks at a checkpoint; an empty queue's checkpoint is a few pages.
    this.#db.exec('PRAGMA incremental_vacuum(0); PRAGMA wal_checkpoint(TRUNCATE)');
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

  /**
   * Batches after `afterSeq` (at most `limit`): their seq, points and bytes, oldest first, and whether
   * this process wrote them (only those may be merged: an older one may have been published already).
   */
  unsent(afterSeq: number, limit: number): { seq: number; count: number; bytes: number; ours: boolean }[] {
    const rows = this.#selectSizesAfter.all(afterSeq, limit) as {
      seq: number;
      count: number;
      bytes: number;
    }[];
    return rows.map((row) => ({ ...row, ours: row.seq >= this.#firstWrittenSeq }));
  }

  /**
   * Merges consecutive batches written by this process after `afterSeq` (never published: the caller
   * says what it sent) into as few as fit a batch (maxBatchPoints, and the broker's message size). Each
   * merged batch keeps the seq of its first part, so the order stands; one transaction, at most `limit`
   * batches looked at. Returns how many batches went.
   */
  coalesce(afterSeq: number, limit = 2000): number {
    if (this.#closed) return 0;
    const from = Math.max(afterSeq, this.#firstWrittenSeq - 1);
    if (!Number.isFinite(from)) return 0;
    // Planned on sizes alone (a backlog's full batches are never read), then only merged parts are read.
    const rows = this.#selectSizesAfter.all(from, limit) as { seq: number; count: number; bytes: number }[];
    const groups: { count: number; bytes: number; seqs: number[] }[] = [];
    for (const row of rows) {
      const last = groups.at(-1);
      if (
        last &&
        last.count + row.count <= this.#options.maxBatchPoints &&
        last.bytes + row.bytes - 1 <= maxBatchBytes
      ) {
        last.count += row.count;
        last.bytes += row.bytes - 1;
        last.seqs.push(row.seq);
      } else {
        groups.push({ count: row.count, bytes: row.bytes, seqs: [row.seq] });
      }
    }
    const merged = groups.filter((group) => group.seqs.length > 1);
    if (merged.length === 0) return 0;
    let removed = 0;
    this.#transaction(() => {
      for (const group of merged) {
        const [first, ...rest] = group.seqs as [number, ...number[]];
        const parts = group.seqs.map((seq) =>
          (this.#selectPoints.get(seq) as { points: string }).points.slice(1, -1),
        );
        this.#updateOne.run(group.count, group.bytes, `[${parts.join(',')}]`, first);
        for (const seq of rest) this.#deleteOne.get(seq);
        removed += rest.length;
      }
    });
    this.#releaseFreePages();
    return removed;
  }

  /** `bytes`: what the stored batches take on disk (pages), the measure maxBytes bounds. */
  stats(): {
    bytes: number;
    points: number;
    droppedPoints: number;
    pendingPoints: number;
    lastDroppedTs: number | null;
  } {
    return {
      bytes: this.#closed ? 0 : this.#usedPages() * this.#pageSize,
      points: this.#points,
      droppedPoints: this.#droppedPoints,
      pendingPoints: this.#pending.length,
      lastDroppedTs: this.#lastDroppedTs,
    };
  }

  /** The newest stored batch's seq (0 when empty). */
  newestSeq(): number {
    if (this.#closed) return 0;
    return (this.#newestSeq.get() as { seq: number | null }).seq ?? 0;
  }

  /** A batch this full goes out without waiting for the publish interval: it cannot grow. */
  get fullBatch(): { points: number; bytes: number } {
    return { points: this.#options.maxBatchPoints, bytes: maxBatchBytes };
  }

  get maxBytes(): number {
    return this.#options.maxBytes;
  }

  get whenFull(): BufferSettings['whenFull'] {
    return this.#options.whenFull;
  }

  /**
   * A new bound or full policy (a config push): it holds from the next write on. A smaller bound
   * makes that write drop (or refuse) what no longer fits, as whenFull says.
   */
  setLimits(limits: Pick<BufferSettings, 'maxBytes' | 'whenFull'>): void {
    if (this.#closed) return;
    this.#options = { ...this.#options, ...limits };
    this.#budget = diskBudget(limits.maxBytes, this.#pageSize);
    this.#db.exec(`
      PRAGMA wal_autocheckpoint = ${this.#budget.walPages};
      PRAGMA journal_size_limit = ${this.#budget.walBytes};
    `);
  }

  close(): void {
    if (this.#closed) return;
    this.flush();
    this.commitAcks();
    this.#closed = true;
    this.#db.close();
  }
}
