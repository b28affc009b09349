// The CSV folder driver: a data logger drops files into a folder; each complete file is read once,
// its rows become points, and it moves to done/ (or failed/ with a .reason.txt saying why). A file is
// complete when its size and time have not changed for settleMs (loggers write in pieces). Node's
// fs.watch wakes the driver at once; a scan every scanMs is the truth (network shares and some
// container mounts report nothing). Files are ingested once: the SHA-256 of each file and how many
// rows of it went out are kept in .plantwatch/ledger.jsonl, so a file dropped twice, or a crash between
// sending and moving, never sends a row twice.
import { createHash } from 'node:crypto';
import { type FSWatcher, watch } from 'node:fs';
import { appendFile, mkdir, readdir, readFile, rename, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { CsvFolderConfigDevice, TelemetryPoint } from '@plantwatch/shared';
import { Backoff } from '../backoff.ts';
import { describeFileError } from '../config.ts';
import { type DeviceDriver, HealthTracker, type PointSink } from '../driver.ts';
import { errorMessage, type Logger, throttle } from '../log.ts';
import { MalformedCounter } from '../malformed.ts';
import { CsvFileError, parseCsvFile } from './parse.ts';

/** Larger files are refused (a logger's file is a day or so of rows, not gigabytes). */
export const MAX_FILE_BYTES = 64 * 1024 * 1024;
const ROWS_PER_BATCH = 500;
const RETENTION_EVERY_MS = 3_600_000;

/** "*.csv" → a regex over the file name ("*" any characters, "?" one). */
export function nameMatcher(pattern: string): RegExp {
  const source = pattern
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${source}$`, 'i');
}

interface Seen {
  size: number;
  mtimeMs: number;
  since: number;
}

export class CsvFolderDriver implements DeviceDriver {
  readonly deviceId: string;
  readonly #device: CsvFolderConfigDevice;
  readonly #folder: string;
  readonly #log: Logger;
  readonly #health: HealthTracker;
  readonly #malformed: MalformedCounter;
  readonly #abort = new AbortController();
  readonly #matches: RegExp;
  readonly #seen = new Map<string, Seen>();
  readonly #warnDue = throttle(60_000);
  #ledger: Map<string, number> | null = null;
  #watcher: FSWatcher | null = null;
  #wake: (() => void) | null = null;
  #loop: Promise<void> | null = null;
  #lastRetention = 0;
  /** Files moved to done/ and failed/ since start (for tests and logs). */
  filesDone = 0;
  filesFailed = 0;

  constructor(device: CsvFolderConfigDevice, log: Logger) {
    this.deviceId = device.id;
    this.#device = device;
    this.#folder = resolve(device.folder);
    this.#log = log.child({ device: device.id });
    this.#health = new HealthTracker(device.id, new Backoff());
    this.#malformed = new MalformedCounter(this.#log);
    this.#matches = nameMatcher(device.pattern);
  }

  health() {
    return { ...this.#health.snapshot(), ...this.#malformed.snapshot() };
  }

  start(sink: PointSink): void {
    if (this.#loop) return;
    this.#loop = this.#run(sink);
  }

  async stop(): Promise<void> {
    this.#abort.abort();
    this.#wake?.();
    this.#watcher?.close();
    await this.#loop;
  }

  /** The last row of the newest file waiting or done, without moving anything (test connection). */
  async readOnce(): Promise<TelemetryPoint[]> {
    const candidates: { path: string; mtimeMs: number }[] = [];
    for (const dir of [this.#folder, join(this.#folder, 'done')]) {
      const names = await readdir(dir).catch((error: unknown) => {
        if (dir === this.#folder) throw new Error(`folder ${this.#folder}: ${describeFileError(error)}`);
        return [] as string[];
      });
      for (const name of names.filter((n) => this.#matches.test(n))) {
        const info = await stat(join(dir, name)).catch(() => null);
        if (info?.isFile()) candidates.push({ path: join(dir, name), mtimeMs: info.mtimeMs });
      }
    }
    const newest = candidates.sort((a, b) => b.mtimeMs - a.mtimeMs)[0];
    if (!newest) return [];
    const parsed = parseCsvFile(await readFile(newest.path, 'utf8'), this.#device);
    return parsed.rows.findLast((row) => row.length > 0) ?? [];
  }

  async #run(sink: PointSink): Promise<void> {
    const signal = this.#abort.signal;
    while (!signal.aborted) {
      try {
        if (!this.#watcher) this.#startWatching();
        await this.#scan(sink);
        this.#health.connected(true);
        await this.#retention();
      } catch (error) {
        this.#health.failure(errorMessage(error));
        this.#health.connected(false);
        if (this.#warnDue()) this.#log.warn('cannot read the folder', { error, folder: this.#folder });
      }
      await this.#nextTurn();
    }
  }

  /** Until the next scan, or sooner when the folder reports a change (then after a short pause). */
  async #nextTurn(): Promise<void> {
    await new Promise<void>((resolveTurn) => {
      const timer = setTimeout(done, this.#nearestDue());
      this.#wake = done;
      function done() {
        clearTimeout(timer);
        resolveTurn();
      }
    });
    this.#wake = null;
  }

  /** The scan interval, or the moment a file seen growing may have settled. */
  #nearestDue(): number {
    let due = this.#device.scanMs;
    const now = Date.now();
    for (const seen of this.#seen.values())
      due = Math.min(due, Math.max(50, seen.since + this.#device.settleMs - now));
    return due;
  }

  #startWatching(): void {
    try {
      this.#watcher = watch(this.#folder, { persistent: false }, () => {
        // Debounced by the settle check: the next turn only looks.
        setTimeout(() => this.#wake?.(), 50);
      });
      this.#watcher.on('error', () => {
        this.#watcher?.close();
        this.#watcher = null;
      });
    } catch (error) {
      this.#watcher = null;
      this.#log.debug('cannot watch the folder; scanning only', { error });
    }
  }

  async #scan(sink: PointSink): Promise<void> {
    const names = await readdir(this.#folder).catch((error: unknown) => {
      throw new Error(`folder ${this.#folder}: ${describeFileError(error)}`);
    });
    const now = Date.now();
    const present = new Set<string>();
    for (const name of names.sort()) {
      if (this.#abort.signal.aborted) return;
      if (name.startsWith('.') || /\.(tmp|part|partial)$|~$/i.test(name) || !this.#matches.test(name))
        continue;
      const path = join(this.#folder, name);
      const info = await stat(path).catch(() => null);
      if (!info?.isFile()) continue;
      present.add(name);
      const seen = this.#seen.get(name);
      if (!seen || seen.size !== info.size || seen.mtimeMs !== info.mtimeMs) {
        this.#seen.set(name, { size: info.size, mtimeMs: info.mtimeMs, since: now });
        continue;
      }
      // Still being written while it keeps changing; also wait out files touched a moment ago.
      if (now - seen.since < this.#device.settleMs || now - info.mtimeMs < this.#device.settleMs) continue;
      this.#seen.delete(name);
      await this.#ingest(name, sink);
    }
    for (const name of this.#seen.keys()) if (!present.has(name)) this.#seen.delete(name);
  }

  async #loadLedger(): Promise<Map<string, number>> {
    if (this.#ledger) return this.#ledger;
    const ledger = new Map<string, number>();
    const text = await readFile(join(this.#folder, '.plantwatch', 'ledger.jsonl'), 'utf8').catch(() => '');
    for (const line of text.split('\n')) {
      try {
        const entry = JSON.parse(line) as { hash?: unknown; rows?: unknown };
        if (typeof entry.hash === 'string' && typeof entry.rows === 'number')
          ledger.set(entry.hash, entry.rows);
      } catch {
        // a line cut short by a crash: the rows after the last whole line go again
      }
    }
    this.#ledger = ledger;
    return ledger;
  }

  async #record(hash: string, rows: number): Promise<void> {
    const ledger = await this.#loadLedger();
    ledger.set(hash, rows);
    await mkdir(join(this.#folder, '.plantwatch'), { recursive: true });
    await appendFile(
      join(this.#folder, '.plantwatch', 'ledger.jsonl'),
      `${JSON.stringify({ hash, rows, at: Date.now() })}\n`,
    );
  }

  async #ingest(name: string, sink: PointSink): Promise<void> {
    const path = join(this.#folder, name);
    let bytes: Buffer;
    try {
      const info = await stat(path);
      if (info.size > MAX_FILE_BYTES)
        return await this.#fail(name, `the file is ${info.size} bytes, more than ${MAX_FILE_BYTES}`);
      bytes = await readFile(path);
    } catch (error) {
      this.#log.warn('cannot read a file; trying again at the next scan', { file: name, error });
      return;
    }
    const hash = createHash('sha256').update(bytes).digest('hex');
    const ledger = await this.#loadLedger();
    const already = ledger.get(hash) ?? 0;
    let parsed: ReturnType<typeof parseCsvFile>;
    try {
      parsed = parseCsvFile(bytes.toString('utf8'), this.#device);
    } catch (error) {
      const reason = error instanceof CsvFileError ? error.message : `cannot read it: ${errorMessage(error)}`;
      return await this.#fail(name, reason);
    }
    const usable = parsed.rows.filter((row) => row.length > 0).length;
    if (usable === 0) {
      const first = parsed.problems[0];
      return await this.#fail(
        name,
        `no usable row${first ? `; line ${first.line}: ${first.message}` : ''}`,
        parsed.problems,
      );
    }
    for (const problem of parsed.problems)
      this.#malformed.record(`${name} line ${problem.line}: ${problem.message}`);
    // Rows in batches; the ledger says how far a file got, so a crash re-sends no row it recorded.
    for (let from = already; from < parsed.rows.length; from += ROWS_PER_BATCH) {
      const batch = parsed.rows.slice(from, from + ROWS_PER_BATCH).flat();
      if (batch.length > 0) sink(batch);
      await this.#record(hash, Math.min(parsed.rows.length, from + ROWS_PER_BATCH));
    }
    if (already >= parsed.rows.length)
      this.#log.info('a file already ingested came again; moved to done/', { file: name });
    await this.#move(name, 'done', parsed.problems.length > 0 ? problemsText(parsed.problems) : null);
    this.filesDone += 1;
    this.#health.success(Date.now());
    this.#log.info('file ingested', { file: name, rows: usable, badRows: parsed.problems.length });
  }

  async #fail(
    name: string,
    reason: string,
    problems: readonly { line: number; message: string }[] = [],
  ): Promise<void> {
    this.#malformed.record(`${name}: ${reason}`);
    await this.#move(name, 'failed', `${reason}\n${problems.length > 0 ? problemsText(problems) : ''}`);
    this.filesFailed += 1;
  }

  /** Into done/ or failed/ (a name taken there gets a suffix), with a note beside it when there is one. */
  async #move(name: string, to: 'done' | 'failed', note: string | null): Promise<void> {
    const dir = join(this.#folder, to);
    await mkdir(dir, { recursive: true });
    let target = name;
    for (
      let n = 1;
      await stat(join(dir, target)).then(
        () => true,
        () => false,
      );
      n++
    ) {
      target = name.replace(/(\.[^.]*)?$/, (ext) => `-${n}${ext}`);
    }
    await rename(join(this.#folder, name), join(dir, target));
    const now = new Date();
    // Retention counts from the move, not from when the logger wrote the file.
    await utimes(join(dir, target), now, now).catch(() => {});
    if (note !== null)
      await writeFile(join(dir, `${target}.${to === 'failed' ? 'reason' : 'errors'}.txt`), note);
  }

  async #retention(): Promise<void> {
    const days = this.#device.keepDoneDays;
    const now = Date.now();
    if (days === 0 || now - this.#lastRetention < Math.min(RETENTION_EVERY_MS, days * 86_400_000)) return;
    this.#lastRetention = now;
    const dir = join(this.#folder, 'done');
    const names = await readdir(dir).catch(() => [] as string[]);
    for (const name of names) {
      const info = await stat(join(dir, name)).catch(() => null);
      if (info?.isFile() && now - info.mtimeMs > days * 86_400_000)
        await rm(join(dir, name), { force: true });
    }
  }
}

function problemsText(problems: readonly { line: number; message: string }[]): string {
  return `${problems.map((p) => `line ${p.line}: ${p.message}`).join('\n')}\n`;
}
