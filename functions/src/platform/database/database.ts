// Opens the config database: PGlite (embedded, a directory under DATA_DIR) by default, or any
// PostgreSQL server by URL. Migrations run as the connecting (owner) login; application queries
// then run as plantwatch_app, a role that row-level security applies to.
import { mkdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { PGlite } from '@electric-sql/pglite';
import { drizzle as drizzleNodePg } from 'drizzle-orm/node-postgres';
import { migrate as migrateNodePg } from 'drizzle-orm/node-postgres/migrator';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import pg from 'pg';
import { logger } from '../observability.ts';

export const APP_ROLE = 'plantwatch_app';
const migrationsFolder = fileURLToPath(new URL('../../../drizzle', import.meta.url));

export type ConfigDb = PgDatabase<PgQueryResultHKT, Record<string, never>>;

/**
 * PostgreSQL's buffer cache inside PGlite. The postgresql.conf initdb writes says 128MB, and PGlite's
 * WebAssembly memory holds it resident whether used or not: a process with the demo's config store
 * open and queried is 375–386 MB at 128MB and 228–253 MB at 16MB (ADR 0054). The config store is
 * tens of MB; a page not cached here is a read of a file the kernel caches anyway.
 */
export const PGLITE_SHARED_BUFFERS = '16MB';

/** PGlite's own start parameters plus the buffer cache above (a -c here overrides postgresql.conf). */
export const pgliteStartParams = (): string[] => [
  ...PGlite.defaultStartParams,
  '-c',
  `shared_buffers=${PGLITE_SHARED_BUFFERS}`,
];

export interface ConfigDatabase {
  readonly kind: 'pglite' | 'postgres';
  readonly db: ConfigDb;
  /**
   * Embedded PGlite only (the local runtime's backup): its data folder as a gzipped tar, consistent
   * (PGlite runs one statement at a time). A PostgreSQL server is backed up by its own tools.
   */
  dump?(): Promise<Blob>;
  close(): Promise<void>;
}

export type ConfigDatabaseOptions =
  | { kind: 'pglite'; dataDir?: string }
  | {
      kind: 'postgres';
      url: string;
      maxConnections?: number;
      /** false: the schema is migrated elsewhere (on AWS, once per deploy by the migrations resource). */
      migrate?: boolean;
    };

/** Opens the database, applies pending migrations and returns a handle that runs as plantwatch_app. */
export async function openConfigDatabase(options: ConfigDatabaseOptions): Promise<ConfigDatabase> {
  if (options.kind === 'pglite') {
    if (options.dataDir) await mkdir(options.dataDir, { recursive: true });
    const client = new PGlite(options.dataDir, { startParams: pgliteStartParams() });
    const db = drizzlePglite({ client });
    await migratePglite(db, { migrationsFolder });
    // PGlite has one connection: switch it for good to the role RLS applies to.
    await client.exec(`SET ROLE ${APP_ROLE}`);
    return {
      kind: 'pglite',
      db: db as unknown as ConfigDb,
      dump: () => client.dumpDataDir('gzip'),
      close: () => client.close(),
    };
  }

  if (options.migrate !== false) {
    const owner = new pg.Client({ connectionString: options.url });
    await owner.connect();
    try {
      // Several processes (tests, Lambda cold starts) may migrate at once: serialise them.
      await owner.query('SELECT pg_advisory_lock(7428190531)');
      await migrateNodePg(drizzleNodePg({ client: owner }), { migrationsFolder });
    } finally {
      await owner.end();
    }
  }
  const pool = new pg.Pool({
    connectionString: options.url,
    max: options.maxConnections ?? 10,
    // Every pooled connection starts as the application role, before any query of ours runs.
    options: `-c role=${APP_ROLE}`,
  });
  // An idle connection the server dropped (a failover, a restart) must not crash the process: the next
  // query opens a new one.
  pool.on('error', (error) => logger.warn('config database connection lost', { error }));
  return {
    kind: 'postgres',
    db: drizzleNodePg({ client: pool }) as unknown as ConfigDb,
    close: () => pool.end(),
  };
}

/** Writes a PGlite data folder at `dataDir` (which must not exist yet) from a `dump()` of another. */
export async function restorePgliteDump(dump: Blob, dataDir: string): Promise<void> {
  await mkdir(dataDir, { recursive: true });
  const client = new PGlite({ dataDir, loadDataDir: dump, startParams: pgliteStartParams() });
  await client.waitReady;
  await client.close();
}
