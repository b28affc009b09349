// Backups of the local runtime: one encrypted file holding everything DATA_DIR needs to start again
// (snapshot.ts says what), written while the product runs; a restore into an empty DATA_DIR; and the
// nightly schedule that keeps the newest few.
import { randomUUID } from 'node:crypto';
import { cp, mkdir, mkdtemp, readdir, readFile, rm, unlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { restorePgliteDump } from '@plantwatch/functions/platform/database/database';
import type { HealthCheck } from '@plantwatch/functions/platform/health';
import { logger } from '@plantwatch/functions/platform/observability';
import { importDuckDbSnapshot } from '@plantwatch/functions/telemetry/adapters/duckdb/files';
import { Cron } from 'croner';
import { z } from 'zod';
import { duckDbPath } from '../telemetry-store.ts';
import { BackupFileError, packBackup, unpackBackup } from './archive.ts';
import {
  SNAPSHOT_CONFIG_DB,
  SNAPSHOT_FILES,
  SNAPSHOT_MANIFEST,
  SNAPSHOT_TELEMETRY,
  type SnapshotSources,
  takeSnapshot,
} from './snapshot.ts';

const manifestSchema = z.object({ format: z.literal(1), takenAt: z.string(), files: z.array(z.string()) });

/** Writes one backup file `to`; the snapshot is staged in a private temporary folder, removed after. */
export async function writeBackup(sources: SnapshotSources, to: string, passphrase: string, takenAt: Date) {
  const staging = await mkdtemp(join(tmpdir(), 'plantwatch-backup-'));
  try {
    await takeSnapshot(sources, join(staging, 'snapshot'), takenAt);
    // Written beside the target and renamed: a reader never sees half a backup.
    const partial = `${resolve(to)}.${randomUUID()}.partial`;
    await packBackup(join(staging, 'snapshot'), partial, passphrase);
    await cp(partial, resolve(to));
    await unlink(partial);
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}

/** Restores a backup file into `dataDir`, which must not exist or be empty (nothing is overwritten). */
export async function restoreBackup(
  from: string,
  dataDir: string,
  passphrase: string,
): Promise<{ takenAt: string }> {
  const target = resolve(dataDir);
  const existing = await readdir(target).catch(() => [] as string[]);
  if (existing.length > 0) {
    throw new BackupFileError(`${target} is not empty: restore into an empty DATA_DIR`);
  }
  const staging = await mkdtemp(join(tmpdir(), 'plantwatch-restore-'));
  try {
    // Decrypted and checked whole before anything goes into DATA_DIR.
    await unpackBackup(from, staging, passphrase);
    const manifest = manifestSchema.parse(
      JSON.parse(await readFile(join(staging, SNAPSHOT_MANIFEST), 'utf8')),
    );
    await mkdir(target, { recursive: true, mode: 0o700 });
    const dump = await readFile(join(staging, SNAPSHOT_CONFIG_DB));
    await restorePgliteDump(new Blob([dump]), join(target, 'config-db'));
    await importDuckDbSnapshot(join(staging, SNAPSHOT_TELEMETRY), duckDbPath({ DATA_DIR: target }));
    // The rest of DATA_DIR (config-db and telemetry, just written, are never among these files).
    await cp(join(staging, SNAPSHOT_FILES), target, { recursive: true, force: false }).catch(
      (error: NodeJS.ErrnoException) => {
        if (error.code !== 'ENOENT') throw error;
      },
    );
    return { takenAt: manifest.takenAt };
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}

export interface NightlyBackupOptions {
  dir: string;
  keep: number;
  passphrase: string;
  /** Cron pattern in the local time zone; default 02:00 every day. */
  pattern?: string;
}

const fileName = (at: Date) => `plantwatch-${at.toISOString().replaceAll(':', '-').slice(0, 19)}.pwbackup`;

/** Writes a backup into `dir` every night and keeps the newest `keep`. */
export function startNightlyBackups(
  sources: SnapshotSources,
  options: NightlyBackupOptions,
  now: () => Date = () => new Date(),
): { runNow(): Promise<string>; stop(): void; health: HealthCheck } {
  let last: { at: Date; error: string | null } | null = null;
  const runNow = async () => {
    try {
      const path = await backupNow();
      last = { at: now(), error: null };
      return path;
    } catch (error) {
      last = { at: now(), error: error instanceof Error ? error.message : String(error) };
      throw error;
    }
  };
  const backupNow = async () => {
    const at = now();
    await mkdir(options.dir, { recursive: true, mode: 0o700 });
    const path = join(options.dir, fileName(at));
    await writeBackup(sources, path, options.passphrase, at);
    const backups = (await readdir(options.dir))
      .filter((name) => /^plantwatch-.*\.pwbackup$/.test(name))
      .sort();
    for (const old of backups.slice(0, Math.max(0, backups.length - options.keep))) {
      await unlink(join(options.dir, old));
    }
    logger.info('backup written', { path, kept: Math.min(backups.length, options.keep) });
    return path;
  };
  const job = new Cron(options.pattern ?? '0 2 * * *', { protect: true }, () => {
    runNow().catch((error: unknown) => logger.error('nightly backup failed', { error }));
  });
  return {
    runNow,
    stop: () => job.stop(),
    // A failed nightly backup stays visible until the next one succeeds.
    health: async () =>
      last?.error
        ? {
            name: 'backups',
            status: 'degraded',
            detail: `the backup of ${last.at.toISOString()} failed: ${last.error}`,
          }
        : {
            name: 'backups',
            status: 'ok',
            detail: last
              ? `last backup ${last.at.toISOString()}, keeping ${options.keep}`
              : 'no backup yet tonight',
          },
  };
}
