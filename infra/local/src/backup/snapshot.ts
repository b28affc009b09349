// What a backup holds, taken from a running (or stopped) local runtime: the config store (PGlite's
// own dump), the telemetry (DuckDB's EXPORT DATABASE, one transaction), and every other file under
// DATA_DIR that cannot be made again (report files, the local CA, keys and secrets, the demo
// gateway's bundle). Left out: what is rebuilt or resent on its own (the web app's builds, the demo
// gateway's disk buffer, the PLC simulators' certificates).
//
// The ingest log (ADR 0058): a running runtime first applies what it acknowledged before the backup
// began, so the telemetry export holds it and the log is left out; a stopped runtime's log (which
// may hold telemetry acknowledged before a crash and not applied yet) is copied as it is, and the
// restored runtime applies it at its start, as the stopped one would have.
import { copyFile, mkdir, readdir, writeFile } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import type { ConfigDatabase } from '@plantwatch/functions/platform/database/database';
import { logger } from '@plantwatch/functions/platform/observability';
import type { TelemetryStore } from '@plantwatch/functions/telemetry/ports';

/** Under DATA_DIR: taken by their stores' own dumps, or not worth keeping. */
const SKIPPED = [
  /^config-db(\/|$)/,
  /^telemetry(\/|$)/,
  /^web\/\.next/,
  /^gateway\/buffer(\/|$)/,
  /^sim-pki(\/|$)/,
  /^backups(\/|$)/,
];

export const SNAPSHOT_CONFIG_DB = 'config-db.tar.gz';
export const SNAPSHOT_TELEMETRY = 'telemetry-export';
export const SNAPSHOT_FILES = 'files';
export const SNAPSHOT_MANIFEST = 'manifest.json';

export interface SnapshotSources {
  dataDir: string;
  database: Pick<ConfigDatabase, 'kind' | 'dump'>;
  telemetry: Pick<TelemetryStore, 'kind' | 'exportSnapshot'>;
  /** The running runtime's ingest log; none: the runtime is stopped and its log is copied. */
  ingestLog?: { applied(): Promise<void> };
}

/** How long a backup waits for the ingest log to apply what it holds before copying the log instead. */
const SETTLE_MS = 60_000;
const INGEST_LOG = /^ingest-log(\/|$)/;

async function* filesUnder(root: string, dir = root): AsyncGenerator<string> {
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* filesUnder(root, path);
    else if (entry.isFile()) yield relative(root, path);
  }
}

/** Writes the snapshot into the empty folder `into`. */
export async function takeSnapshot(sources: SnapshotSources, into: string, takenAt: Date): Promise<void> {
  if (!sources.database.dump) {
    throw new Error('the config store is a PostgreSQL server (DATABASE_URL): back it up with pg_dump');
  }
  if (!sources.telemetry.exportSnapshot) {
    throw new Error(`the telemetry store is ${sources.telemetry.kind}: back it up with its own tools`);
  }
  await mkdir(into, { recursive: true, mode: 0o700 });
  const settled = sources.ingestLog
    ? await Promise.race([
        sources.ingestLog.applied().then(() => true),
        new Promise<false>((resolve) => setTimeout(() => resolve(false), SETTLE_MS).unref()),
      ])
    : false;
  if (sources.ingestLog && !settled) {
    logger.warn('the ingest log did not apply in time for the backup; the backup carries the log instead', {
      waitedMs: SETTLE_MS,
    });
  }
  const dump = await sources.database.dump();
  await writeFile(join(into, SNAPSHOT_CONFIG_DB), Buffer.from(await dump.arrayBuffer()), { mode: 0o600 });
  await sources.telemetry.exportSnapshot(join(into, SNAPSHOT_TELEMETRY));
  const files: string[] = [];
  for await (const name of filesUnder(sources.dataDir)) {
    const posix = name.split('\\').join('/');
    if (SKIPPED.some((pattern) => pattern.test(posix))) continue;
    if (settled && INGEST_LOG.test(posix)) continue;
    const target = join(into, SNAPSHOT_FILES, name);
    await mkdir(dirname(target), { recursive: true, mode: 0o700 });
    await copyFile(join(sources.dataDir, name), target);
    files.push(posix);
  }
  const manifest = { format: 1, takenAt: takenAt.toISOString(), files };
  await writeFile(join(into, SNAPSHOT_MANIFEST), JSON.stringify(manifest, null, 2), { mode: 0o600 });
}
