// The ingest log (ADR 0058): a telemetry message is acknowledged (PUBACK) once it is in an
// append-only file on disk, fdatasync'd, instead of once DuckDB has committed it. Messages that
// arrive while one group is being written and synced go into the next group: one write and one sync
// for all of them, no SQL. Behind the log, the ingest use-case applies the messages (validation,
// dead letters, the telemetry store, alarms, derived tags) in large batches, so the store's fixed
// costs per commit are paid per few hundred messages, not per few.
//
// Nothing acknowledged is lost: after a crash or a power cut, the records not known to be applied
// are applied again at the next start. Applying twice is harmless (ADR 0034: the store skips points
// it has, the alarm engine samples at or before a rule's last); a message that cannot be applied now
// (the store is down) is tried again with a growing delay, for as long as it takes, and the wait is
// visible: /v1/health's "ingest log" check and the plantwatch_ingest_log_* metrics.
//
// Bounded: past maxPendingBytes of messages written but not applied, new ones wait before they are
// written (no PUBACK, so the gateway's own buffer holds them); applied segments are deleted.
//
// The files (segments of records, the checkpoint of how far they are applied) are
// ingest-log-segments.ts's.
import { mkdir, open, rm, stat } from 'node:fs/promises';
import type { IncomingTelemetry, IngestOutcome } from '@plantwatch/functions/ingest/ingest';
import type { HealthCheckResult } from '@plantwatch/functions/platform/health';
import type { Metrics } from '@plantwatch/functions/platform/metrics';
import { logger } from '@plantwatch/functions/platform/observability';
import {
  encodeRecord,
  readSegments,
  type Segment,
  segmentPath,
  writeCheckpoint,
} from './ingest-log-segments.ts';

/** The ingest use-case's batch entry: one settled result per message, in order. */
export type ApplyBatch = (
  messages: readonly IncomingTelemetry[],
) => Promise<PromiseSettledResult<IngestOutcome>[]>;

export interface IngestLogOptions {
  dir: string;
  apply: ApplyBatch;
  /** Messages handed to the ingest use-case at once (default 200). */
  maxBatch?: number;
  /**
   * Batches being applied at once (default 2: one is parsed and evaluated while the other waits for
   * the store's commit). Two at once may store a later message before an earlier one.
   */
  concurrency?: number;
  /** Past this many bytes written and not applied, new messages wait (default 16 MiB). */
  maxPendingBytes?: number;
  /** A segment is closed past this size and deleted once applied (default 32 MiB). */
  segmentBytes?: number;
  /** The first retry of a message that failed; doubled each time up to maxRetryDelayMs. */
  retryDelayMs?: number;
  maxRetryDelayMs?: number;
  metrics?: Metrics;
  /**
   * A batch smaller than maxBatch (and under 256 kB) waits until its oldest message has waited this
   * long (default 20 ms): the store's fixed cost per commit is then paid for more messages.
   */
  gatherMs?: number;
  /** How often DIR/applied is written (default 1 s). */
  checkpointMs?: number;
}

export interface IngestLogStatus {
  /** Messages acknowledged and not applied yet. */
  pending: number;
  pendingBytes: number;
  /** Age of the oldest of them, ms (null: none). */
  oldestPendingMs: number | null;
  /** Messages whose last attempt failed, and why the latest failure happened. */
  failing: number;
  lastError: string | null;
  /** Messages replayed from the log at start (acknowledged before, not known to be applied). */
  recovered: number;
  /** Bytes of damaged records found at start before a segment's end (a disk fault): lost. */
  damagedBytes: number;
  applied: number;
}

export interface IngestLog {
  /** Resolves once the message is on disk (then it is acknowledged); rejects when the log is closing. */
  submit(message: IncomingTelemetry): Promise<void>;
  /** Resolves when every message submitted so far has been applied (tests, backups, shutdown). */
  applied(): Promise<void>;
  status(): IngestLogStatus;
  /** /v1/health's check: degraded while messages fail or wait long. */
  health(): Promise<HealthCheckResult>;
  /** Stops taking messages, applies what it holds (up to graceMs), and records where it got to. */
  close(graceMs?: number): Promise<void>;
}

/** A message waiting longer than this makes the health check degraded. */
const HEALTH_LAG_MS = 30_000;
/** Messages of at least this many bytes together are applied without waiting for more. */
const GATHER_BYTES = 256 * 1024;

interface Entry {
  n: number;
  message: IncomingTelemetry;
  bytes: number;
  attempts: number;
  /** Set while its last attempt failed. */
  failing: boolean;
  /** performance.now() when it joined the queue to be applied. */
  queuedAt: number;
}

/** Opens (or creates) the log in `dir`; what it holds that was not applied is applied again first. */
export async function openIngestLog(options: IngestLogOptions): Promise<IngestLog> {
  const { dir, apply, metrics } = options;
  const maxBatch = options.maxBatch ?? 200;
  const concurrency = options.concurrency ?? 2;
  const maxPendingBytes = options.maxPendingBytes ?? 16 * 1024 * 1024;
  const segmentBytes = options.segmentBytes ?? 32 * 1024 * 1024;
  const retryDelayMs = options.retryDelayMs ?? 200;
  const maxRetryDelayMs = options.maxRetryDelayMs ?? 30_000;
  const checkpointMs = options.checkpointMs ?? 1000;
  const gatherMs = options.gatherMs ?? 20;
  await mkdir(dir, { recursive: true, mode: 0o700 });

  // Recovery: every segment, in order; records below the checkpoint were applied.
  const found = await readSegments(dir);
  const { segments, damagedBytes } = found;
  let next = found.next;
  const recoveredEntries: Entry[] = found.records.map(({ n, message }) => ({
    n,
    message,
    bytes: message.payload.length,
    attempts: 0,
    failing: false,
    queuedAt: 0,
  }));

  // Written from here on into a segment of its own.
  let current: Segment = { first: next, end: next, path: segmentPath(dir, next) };
  let handle = await open(current.path, 'a', 0o600);
  let currentSize = 0;
  segments.push(current);

  /** Acknowledged and not applied, in record order (a Map keeps insertion order). */
  const unapplied = new Map<number, Entry>();
  const queue: Entry[] = [];
  let pendingBytes = 0;
  let failing = 0;
  let lastError: string | null = null;
  /** Set while writing the log fails (nothing is acknowledged then), cleared by the next write. */
  let writeError: string | null = null;
  let appliedCount = 0;
  const recovered = recoveredEntries.length;
  for (const entry of recoveredEntries) {
    unapplied.set(entry.n, entry);
    queue.push(entry);
    pendingBytes += entry.bytes;
  }
  if (recovered > 0)
    logger.info('applying telemetry the ingest log holds from before', { messages: recovered });

  let closed = false;
  /** Set when close() gave up waiting: nothing more is applied in this process. */
  let stopped = false;
  let writing: Promise<void> | null = null;
  let toWrite: { message: IncomingTelemetry; record: Buffer; settle: (error?: Error) => void }[] = [];
  let waitingForRoom: (() => void)[] = [];
  let running = 0;
  let scheduled = false;
  const retries = new Set<NodeJS.Timeout>();
  /** applied() callers: each waits until every record below its target is applied. */
  let idleWaiters: { target: number; resolve: () => void }[] = [];
  /** Records in the group being written (numbered when it is on disk). */
  let inWriting = 0;
  let checkpointed = found.checkpoint;

  const lowestUnapplied = () => {
    for (const n of unapplied.keys()) return n;
    return next;
  };

  function settleIdle(): void {
    if (idleWaiters.length === 0) return;
    const below = lowestUnapplied();
    const waiters = idleWaiters;
    idleWaiters = waiters.filter((waiter) => waiter.target > below);
    for (const waiter of waiters) if (waiter.target <= below) waiter.resolve();
  }

  function releaseRoom(): void {
    while (waitingForRoom.length > 0 && pendingBytes < maxPendingBytes) waitingForRoom.shift()?.();
  }

  async function writeGroup(): Promise<void> {
    const group = toWrite;
    toWrite = [];
    inWriting = group.length;
    try {
      const records = group.map((item) => item.record);
      await handle.writev(records);
      await handle.datasync();
      const first = next;
      for (const [index, item] of group.entries()) {
        const entry: Entry = {
          n: first + index,
          message: item.message,
          bytes: item.message.payload.length,
          attempts: 0,
          failing: false,
          queuedAt: performance.now(),
        };
        unapplied.set(entry.n, entry);
        queue.push(entry);
      }
      next += group.length;
      inWriting = 0;
      writeError = null;
      current.end = next;
      currentSize += records.reduce((sum, record) => sum + record.length, 0);
      for (const item of group) item.settle();
      kick();
      if (currentSize >= segmentBytes) await rotate();
    } catch (error) {
      // Not on disk, or not known to be: not acknowledged (the gateway sends it again). Their room goes back.
      inWriting = 0;
      // Those waiting for them to be applied wait only for what is on disk.
      for (const waiter of idleWaiters) waiter.target = Math.min(waiter.target, next);
      settleIdle();
      for (const item of group) {
        pendingBytes -= item.message.payload.length;
        item.settle(new Error(`the ingest log could not be written: ${(error as Error).message}`));
      }
      lastError = `writing the ingest log: ${(error as Error).message}`;
      logger.error('the ingest log could not be written; messages were not acknowledged', { error });
      releaseRoom();
      // Part of the group may be in the file: cut it off, so the records acknowledged after it are
      // not behind a torn one; failing that, the next group goes into a segment of its own.
      writeError = lastError;
      await handle
        .truncate(currentSize)
        .catch(() =>
          rotate().catch((rotateError) =>
            logger.error('the ingest log cannot open a new segment', { error: rotateError }),
          ),
        );
    }
  }

  function startWriting(): void {
    if (writing || toWrite.length === 0) return;
    writing = writeGroup().finally(() => {
      writing = null;
      if (toWrite.length > 0) startWriting();
      else settleIdle();
    });
  }

  async function rotate(): Promise<void> {
    await handle.close();
    current = { first: next, end: next, path: segmentPath(dir, next) };
    handle = await open(current.path, 'a', 0o600);
    currentSize = 0;
    segments.push(current);
  }

  async function checkpoint(): Promise<void> {
    const below = lowestUnapplied();
    if (below !== checkpointed) {
      await writeCheckpoint(dir, below);
      checkpointed = below;
    }
    // Segments wholly below it (never the one being written) are done with.
    while (segments.length > 1 && segments[0] && segments[0].end <= checkpointed) {
      const done = segments.shift();
      if (done) await rm(done.path, { force: true });
    }
  }

  let checkpointing: Promise<void> | null = null;
  /** Set while recording the checkpoint (and deleting applied segments) fails. */
  let checkpointError: string | null = null;
  const checkpointTimer = setInterval(() => {
    if (checkpointing) return;
    checkpointing = checkpoint()
      .then(() => {
        checkpointError = null;
      })
      .catch((error) => {
        // Not lost (a stale checkpoint means records applied twice), but applied segments stay on disk.
        checkpointError = (error as Error).message;
        logger.warn('could not record how far the ingest log is applied', { error });
      })
      .finally(() => {
        checkpointing = null;
      });
  }, checkpointMs);
  checkpointTimer.unref();

  function applied(entry: Entry): void {
    unapplied.delete(entry.n);
    if (idleWaiters.length > 0) queueMicrotask(settleIdle);
    pendingBytes -= entry.bytes;
    appliedCount += 1;
    if (entry.failing) failing -= 1;
    releaseRoom();
  }

  function retryLater(entry: Entry, error: unknown): void {
    if (stopped) return; // left in the log for the next start
    if (!entry.failing) failing += 1;
    entry.failing = true;
    entry.attempts += 1;
    lastError = error instanceof Error ? error.message : String(error);
    metrics?.increment('ingest_log_apply_failures');
    const delay = Math.min(maxRetryDelayMs, retryDelayMs * 2 ** Math.min(entry.attempts - 1, 20));
    if (entry.attempts === 1 || entry.attempts % 10 === 0) {
      logger.error('telemetry in the ingest log could not be applied; it will be tried again', {
        error,
        attempts: entry.attempts,
        retryInMs: delay,
      });
    }
    const timer = setTimeout(() => {
      retries.delete(timer);
      entry.queuedAt = performance.now();
      queue.push(entry);
      kick();
    }, delay);
    retries.add(timer);
  }

  async function applyBatch(batch: Entry[]): Promise<void> {
    let settled: PromiseSettledResult<IngestOutcome>[];
    try {
      settled = await apply(batch.map((entry) => entry.message));
    } catch (error) {
      for (const entry of batch) retryLater(entry, error);
      return;
    }
    for (const [index, entry] of batch.entries()) {
      const result = settled[index];
      if (result?.status === 'fulfilled') applied(entry);
      else retryLater(entry, result?.reason ?? new Error('no result'));
    }
  }

  let gathering: NodeJS.Timeout | null = null;
  function kick(): void {
    if (stopped || scheduled || queue.length === 0 || running >= concurrency) return;
    // Fewer than a batch: wait until the oldest has waited gatherMs, so that what arrives meanwhile
    // is applied with it (each store commit has a fixed cost; small batches made many).
    const small =
      queue.length < maxBatch && queue.reduce((bytes, entry) => bytes + entry.bytes, 0) < GATHER_BYTES;
    if (gathering) {
      if (small) return; // the timer comes back
      clearTimeout(gathering); // a whole batch is there: no reason to wait
      gathering = null;
    }
    const wait = small ? gatherMs - (performance.now() - (queue[0]?.queuedAt ?? 0)) : 0;
    if (wait > 0) {
      gathering = setTimeout(() => {
        gathering = null;
        kick();
      }, wait);
      return;
    }
    // On the next turn of the event loop, so what arrives together is applied together.
    scheduled = true;
    setImmediate(() => {
      scheduled = false;
      if (stopped || queue.length === 0 || running >= concurrency) return;
      running += 1;
      void applyBatch(queue.splice(0, maxBatch)).finally(() => {
        running -= 1;
        kick();
        settleIdle();
      });
      kick();
    });
  }
  kick();

  /** Resolves once every message submitted (and not refused) before the call has been applied. */
  function whenApplied(): Promise<void> {
    const target = next + inWriting + toWrite.length;
    if (lowestUnapplied() >= target) return Promise.resolve();
    return new Promise<void>((resolve) => idleWaiters.push({ target, resolve }));
  }

  function status(): IngestLogStatus {
    const oldest = unapplied.values().next().value;
    return {
      pending: unapplied.size,
      pendingBytes,
      oldestPendingMs: oldest ? Date.now() - oldest.message.receivedAt : null,
      failing,
      lastError,
      recovered,
      damagedBytes,
      applied: appliedCount,
    };
  }

  return {
    async submit(message) {
      if (closed) throw new Error('ingest is shutting down; the gateway will resend');
      const bytes = message.payload.length;
      while (pendingBytes + bytes > maxPendingBytes && pendingBytes > 0) {
        await new Promise<void>((resolve) => waitingForRoom.push(resolve));
        if (closed) throw new Error('ingest is shutting down; the gateway will resend');
      }
      pendingBytes += bytes;
      const record = encodeRecord(message);
      return new Promise<void>((resolve, reject) => {
        toWrite.push({ message, record, settle: (error) => (error ? reject(error) : resolve()) });
        startWriting();
      });
    },
    applied: whenApplied,
    status,
    async health() {
      const now = status();
      // The first problem found, most serious first.
      const problem = writeError
        ? `telemetry is not being acknowledged: ${writeError} (gateways keep it in their buffers)`
        : now.damagedBytes > 0
          ? `${now.damagedBytes} bytes of the ingest log were damaged on disk at start and could not be read (check the disk); what follows them in their segment is lost`
          : now.failing > 0
            ? `${now.failing} acknowledged message(s) could not be stored yet and are being retried: ${now.lastError}`
            : checkpointError
              ? `applied segments cannot be recorded or deleted, so they stay on disk: ${checkpointError}`
              : null;
      const late = now.oldestPendingMs !== null && now.oldestPendingMs > HEALTH_LAG_MS;
      const waiting = `${now.pending} acknowledged message(s) being stored, the oldest ${Math.round((now.oldestPendingMs ?? 0) / 1000)} s old`;
      return {
        name: 'ingest-log',
        status: problem || late ? 'degraded' : 'ok',
        detail:
          problem ??
          (now.pending > 0
            ? waiting
            : `everything acknowledged is stored (${now.applied} message(s) since start, ${now.recovered} from before it)`),
      };
    },
    async close(graceMs = 10_000) {
      if (closed) return;
      closed = true;
      const deadline = Date.now() + graceMs;
      const waiting = waitingForRoom;
      waitingForRoom = [];
      for (const wake of waiting) wake();
      while (writing) await writing;
      const drained = await Promise.race([
        whenApplied().then(() => true),
        new Promise<false>((resolve) => setTimeout(() => resolve(false), graceMs).unref()),
      ]);
      stopped = true;
      if (gathering) clearTimeout(gathering);
      for (const timer of retries) clearTimeout(timer);
      retries.clear();
      queue.length = 0;
      // Batches being applied may finish (until the deadline); what is left stays in the log.
      while (running > 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
      clearInterval(checkpointTimer);
      await checkpointing;
      await checkpoint();
      await handle.close();
      if (!drained) {
        logger.warn('the ingest log closed with telemetry not applied yet; it is applied at the next start', {
          messages: unapplied.size,
        });
      }
      // An empty segment left from this run is removed (the next start opens its own).
      if (current.end === current.first && (await stat(current.path)).size === 0) {
        await rm(current.path, { force: true });
      }
    },
  };
}
