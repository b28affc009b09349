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

/** An empty throw-away database with a client on it. */
async function openThrowawayDatabase() {
  const dbName = `pw_tel_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${dbName}`);
  await admin.end();
  const url = new URL(adminUrl);
  url.pathname = `/${dbName}`;
  const sql = new pg.Client({ connectionString: url.toString() });
  await sql.connect();
  return {
    url: url.toString(),
    sql,
    async drop() {
      await sql.end();
      const dropper = new pg.Client({ connectionString: adminUrl });
      await dropper.connect();
      await dropper.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
      await dropper.end();
    },
  };
}

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

  it('drops raw partitions that ended before the cut-off and keeps the newer ones, the rollups and latest', async () => {
    const tenantId = randomUUID();
    const point = (ts: number) => ({
      tenantId,
      siteId: 's',
      gatewayId: 'g',
      deviceKey: 'plc-1',
      tagKey: 'retention',
      ts,
      value: ts % 1000,
      quality: 'good' as const,
    });
    const old = Date.UTC(2025, 0, 6, 12);
    const recent = Date.UTC(2025, 2, 3, 12);
    await store.write([point(old), point(recent)]);
    const ref = { gatewayId: 'g', deviceKey: 'plc-1', tagKey: 'retention' };

    const dropped = await store.dropRawBefore(Date.UTC(2025, 1, 1));

    expect(dropped).toContain(`points_${Math.floor(old / (7 * 86_400_000))}`);
    expect(dropped).not.toContain(`points_${Math.floor(recent / (7 * 86_400_000))}`);
    expect((await store.range(tenantId, ref, old - 1, recent + 1, 10)).map((p) => p.ts)).toEqual([recent]);
    const [hourly] = await store.series(tenantId, {
      tagRefs: [ref],
      from: Date.UTC(2025, 0, 1),
      to: Date.UTC(2025, 3, 1),
      maxPoints: 100,
      aggregates: ['avg'],
    });
    expect(hourly?.buckets.length).toBe(2);
    expect(await store.dropRawBefore(Date.UTC(2025, 1, 1))).toEqual([]);
  });

  it('runs no DDL when opened with ensureSchema false (the migrations resource made the schema)', async () => {
    const empty = await openThrowawayDatabase();
    try {
      const lambda = await openPostgresTelemetryStore({
        url: empty.url,
        maxConnections: 1,
        ensureSchema: false,
      });
      await lambda.close();
      const schema = await empty.sql.query("SELECT 1 FROM pg_namespace WHERE nspname = 'telemetry'");
      expect(schema.rowCount).toBe(0);
    } finally {
      await empty.drop();
    }
  });

  it('creates partitions as the role it is given, so they belong to it whichever login wrote', async () => {
    const role = `pw_owner_${randomBytes(4).toString('hex')}`;
    await sql.query(`CREATE ROLE ${role} NOLOGIN`);
    await sql.query(`GRANT ALL ON SCHEMA telemetry TO ${role}`);
    await sql.query(`GRANT ALL ON ALL TABLES IN SCHEMA telemetry TO ${role}`);
    await sql.query(`GRANT ALL ON ALL SEQUENCES IN SCHEMA telemetry TO ${role}`);
    await sql.query(`ALTER TABLE telemetry.points OWNER TO ${role}`);
    const lambda = await openPostgresTelemetryStore({
      url: store.url,
      maxConnections: 1,
      ensureSchema: false,
      role,
    });
    try {
      const ts = Date.UTC(2024, 5, 1);
      await lambda.write([
        {
          tenantId: randomUUID(),
          siteId: 's',
          gatewayId: 'g',
          deviceKey: 'plc-1',
          tagKey: 'x',
          ts,
          value: 1,
          quality: 'good',
        },
      ]);
      const owner = await sql.query(
        'SELECT pg_get_userbyid(relowner) AS owner FROM pg_class WHERE relname = $1',
        [`points_${Math.floor(ts / (7 * 86_400_000))}`],
      );
      expect(owner.rows).toEqual([{ owner: role }]);
    } finally {
      await lambda.close();
      await sql.query('ALTER TABLE telemetry.points OWNER TO CURRENT_USER');
      await sql.query(`DROP OWNED BY ${role}`);
      await sql.query(`DROP ROLE ${role}`);
    }
  });
});
