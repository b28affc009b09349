// Test helper: the config-store targets every repository test runs against — embedded PGlite and
// the real PostgreSQL server on 127.0.0.1:5432 (a throw-away database per suite, so suites can
// run in parallel).
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { type ConfigDatabase, openConfigDatabase } from '../database/database.ts';

// Tests read the server's URL here rather than through an env module: it is test wiring, not app config.
const adminUrl = process.env.TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

export interface ConfigDatabaseTarget {
  name: 'pglite' | 'postgres';
  open(options?: { maxConnections?: number }): Promise<ConfigDatabase & { url?: string }>;
}

async function openThrowawayPostgres(maxConnections?: number): Promise<ConfigDatabase & { url: string }> {
  const dbName = `pw_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${dbName}`);
  await admin.end();
  const url = new URL(adminUrl);
  url.pathname = `/${dbName}`;
  const database = await openConfigDatabase({ kind: 'postgres', url: url.toString(), maxConnections });
  return {
    ...database,
    url: url.toString(),
    async close() {
      await database.close();
      const dropper = new pg.Client({ connectionString: adminUrl });
      await dropper.connect();
      // pool.end() resolves before the closed connections' backends have gone; FORCE would then kill
      // one mid-goodbye, and its client reports that as an uncaught error. Give them a moment first.
      for (let waited = 0; waited < 5_000; waited += 50) {
        const { rows } = await dropper.query<{ n: number }>(
          'SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = $1',
          [dbName],
        );
        if (rows[0]?.n === 0) break;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      await dropper.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
      await dropper.end();
    },
  };
}

export const configDatabaseTargets: ConfigDatabaseTarget[] = [
  { name: 'pglite', open: () => openConfigDatabase({ kind: 'pglite' }) },
  { name: 'postgres', open: (options) => openThrowawayPostgres(options?.maxConnections) },
];
