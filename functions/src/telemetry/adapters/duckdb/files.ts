// What a DuckDB store file is opened with, and how one is built again from a snapshot (backup.ts).
import { mkdir } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { dirname } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';

export interface DuckDbTelemetryOptions {
  /** A file path, or ':memory:' for tests. */
  path: string;
  /** How far back a point may be written (default 400 days). */
  maxPointAgeMs?: number;
  /** How often delta rows are merged into the rollups and latest values (default 2 s). */
  compactEveryMs?: number;
  /**
   * DuckDB's buffer-manager cap (`memory_limit`, default 512MB). DuckDB's own default is 80% of the
   * machine's memory, which a small site's box shares with the broker, the web app and PGlite; above
   * the cap large queries spill to `<path>.tmp` instead of growing (ADR 0034).
   */
  memoryLimit?: string;
  /** DuckDB's worker threads (default: the cores Node sees, at most 4; ingest is latency-bound). */
  threads?: number;
}

/** The settings every store file is opened with (ADR 0034). */
export function duckDbSettings(options: Pick<DuckDbTelemetryOptions, 'memoryLimit' | 'threads'>) {
  const threads = options.threads ?? Math.min(4, availableParallelism());
  return { memory_limit: options.memoryLimit ?? '512MB', threads: String(threads) };
}

/** A string literal for DuckDB SQL (paths and ids in statements that take no parameters). */
export const sqlString = (text: string) => `'${text.replaceAll("'", "''")}'`;

/** Builds a store file at `path` (which must not exist) from a folder `exportSnapshot` wrote. */
export async function importDuckDbSnapshot(dir: string, path: string): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const instance = await DuckDBInstance.create(path);
  const connection = await instance.connect();
  try {
    await connection.run(`IMPORT DATABASE ${sqlString(dir)}`);
    await connection.run('CHECKPOINT');
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}
