import { randomBytes, randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeTelemetryStoreContract } from '../../testing/telemetry-store-contract.ts';
import { openPostgresTelemetryStore } from './telemetry-store.ts';

// Tests read the server's URL here rather than through an env module: it is test wiring, not app config.
const adminUrl = process.env.TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

/** A throw-away database on the real server, dropped when the store closes. */
async function openThrowawayStore() {
  const dbName = `pw_tel_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${dbName}`);
  await admin.end();
  const url = new URL(adminUrl);
  url.pathname = `/${dbName}`;
  const store = await openPostgresTelemetryStore({ url: url.toString(), maxConnections: 4 });
  return {
    ...store,
    url: url.toString(),
    async close() {
      await store.close();
      const dropper = new pg.Client({ connectionString: adminUrl });
      await dropper.connect();
      await dropper.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
      await dropper.end();
    },
  };
}

describeTelemetryStoreContract('PostgreSQL', openThrowawayStore);

describe('PostgreSQL telemetry layout', () => {
  let store: Awaited<ReturnType<typeof openThrowawayStore>>;
  let sql: pg.Client;
  beforeAll(async () => {
    store = await openThrowawayStore();
    sql = new pg.Client({ connectionString: store.url });
    await sql.connect();
  });
  afterAll(async () => {
    await sql?.end();
    await store?.close();
  });

  it('keeps raw points in weekly time partitions with a BRIN index on time, unless TimescaleDB is there', async () => {
    const at = (ts: number) => ({
      tenantId: randomUUID(),
      siteId: 's',
      gatewayId: 'g',
      deviceKey: 'plc-1',
      tagKey: 'level',
      ts,
      value: 1,
      quality: 'good' as const,
    });
    await store.write([at(Date.UTC(2026, 0, 1)), at(Date.UTC(2026, 0, 20))]);

    const timescale = await sql.query("SELECT 1 FROM pg_extension WHERE extname = 'timescaledb'");
    const partitions = await sql.query(
      "SELECT count(*)::int AS n FROM pg_inherits WHERE inhparent = 'telemetry.points'::regclass",
    );
    const brin = await sql.query(
      "SELECT 1 FROM pg_indexes WHERE schemaname = 'telemetry' AND tablename = 'points' AND indexdef ILIKE '%USING brin%'",
    );

    if (timescale.rowCount) {
      expect(partitions.rows[0].n).toBeGreaterThanOrEqual(2); // hypertable chunks
    } else {
      expect({ partitions: partitions.rows[0].n, brin: brin.rowCount }).toEqual({ partitions: 2, brin: 1 });
    }
  });

  it('opens again on an existing schema, as a second Lambda or a restart does', async () => {
    const again = await openPostgresTelemetryStore({ url: store.url, maxConnections: 1 });
    await again.close();
    expect(again.kind).toBe('postgres');
  });
});
