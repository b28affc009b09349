// Retention on each store pair the runtimes use (PGlite + DuckDB locally, PostgreSQL + PostgreSQL
// telemetry): one tenant's run deletes exactly what is older than each of its settings — raw points
// (a partition of its own dropped whole, the edge deleted), minute and hour rollups, messages, dead
// letters — records it, and leaves the newer rows and the other tenant alone.
import { randomUUID } from 'node:crypto';
import type { RetentionSettings } from '@plantwatch/shared';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ConfigStore, createPostgresConfigStore } from '../../../compose/config-store.ts';
import { ingestDeadLetters } from '../../../ingest/adapters/postgres/schema.ts';
import { notifications } from '../../../notify/adapters/postgres/schema.ts';
import type { ConfigDatabase } from '../../../platform/database/database.ts';
import { uuidV7Ids } from '../../../platform/ids.ts';
import type { Principal } from '../../../platform/principal.ts';
import { configDatabaseTargets } from '../../../platform/testing/config-databases.ts';
import { newTestTenant } from '../../../platform/testing/tenants.ts';
import { openDuckDbTelemetryStore } from '../../../telemetry/adapters/duckdb/telemetry-store.ts';
import { openPostgresTelemetryStore } from '../../../telemetry/adapters/postgres/telemetry-store.ts';
import type { TelemetryStore } from '../../../telemetry/ports.ts';
import { applyRetention, putRetention, type RetentionRunDeps } from '../../retention.ts';

const DAY = 86_400_000;
const now = new Date('2026-03-10T12:00:00Z');
const ago = (days: number) => now.getTime() - days * DAY;
const tag = { gatewayId: 'gw-1', deviceKey: 'plc-1', tagKey: 'level' };

const settingsOfA: RetentionSettings = {
  rawPoints: 10,
  rollupsMinute: 20,
  rollupsHour: 30,
  alarmJournal: 30,
  messageLog: 5,
  reportFiles: 30,
  deadLetters: 3,
};

describe.each(configDatabaseTargets)('retention on $name', (target) => {
  let database: ConfigDatabase & { url?: string };
  let store: ConfigStore;
  let telemetry: TelemetryStore;
  let a: { tenantId: string; ownerId: string };
  let b: { tenantId: string; ownerId: string };

  beforeAll(async () => {
    database = await target.open();
    store = createPostgresConfigStore(database.db, async () => undefined);
    telemetry = database.url
      ? await openPostgresTelemetryStore({ url: database.url, maxConnections: 2 })
      : await openDuckDbTelemetryStore({ path: ':memory:' });
    a = await newTestTenant(store, 'retention-a');
    b = await newTestTenant(store, 'retention-b');
  }, 60_000);

  afterAll(async () => {
    await telemetry?.close();
    await database?.close();
  });

  async function seed(tenantId: string, pointAges: number[]) {
    await telemetry.write(
      pointAges.map((days) => ({
        tenantId,
        siteId: randomUUID(),
        ...tag,
        ts: ago(days),
        value: days,
        quality: 'good' as const,
      })),
    );
    await database.db.transaction(async (tx) => {
      await tx.execute(sql`select set_config('app.tenant_id', ${tenantId}, true)`);
      for (const days of [6, 4]) {
        await tx.insert(notifications).values({
          id: randomUUID(),
          tenantId,
          channel: 'email',
          recipient: 'ops@example.com',
          body: `message ${days} days old`,
          status: 'sent',
          provider: 'outbox',
          idempotencyKey: randomUUID(),
          createdAt: new Date(ago(days)),
        });
      }
      for (const days of [4, 2]) {
        await tx.insert(ingestDeadLetters).values({
          id: randomUUID(),
          tenantId,
          topic: 'dt/x/y/z/telemetry',
          reason: 'schema',
          detail: 'bad',
          payload: '{}',
          payloadBytes: 2,
          receivedAt: new Date(ago(days)),
        });
      }
    });
  }

  async function left(tenantId: string) {
    const raw = await telemetry.range(tenantId, tag, 0, now.getTime(), 100);
    const [hourly] = await telemetry.series(tenantId, {
      tagRefs: [tag],
      from: ago(200),
      to: now.getTime(),
      maxPoints: 5000,
      aggregates: ['count'],
    });
    const rows = await database.db.transaction(async (tx) => {
      await tx.execute(sql`select set_config('app.tenant_id', ${tenantId}, true)`);
      const messages = await tx.select({ at: notifications.createdAt }).from(notifications);
      const letters = await tx.select({ at: ingestDeadLetters.receivedAt }).from(ingestDeadLetters);
      return { messages: messages.length, deadLetters: letters.length };
    });
    return {
      rawAges: raw.map((point) => Math.round((now.getTime() - point.ts) / DAY)),
      hourBuckets: hourly?.bucketMs === 3_600_000 ? hourly.buckets.length : -1,
      ...rows,
    };
  }

  it("deletes exactly what is older than each of the tenant's settings, and records it", async () => {
    // 100 days: a week's partition only A has rows in (PostgreSQL drops it whole).
    await seed(a.tenantId, [100, 40, 11, 9]);
    await seed(b.tenantId, [40, 11, 9]);
    const clock = { now: () => now };
    const deps: RetentionRunDeps = {
      store,
      clock,
      ids: uuidV7Ids,
      tenantIds: async () => [a.tenantId, b.tenantId],
      telemetry: {
        deleteTenantBefore: (id, cutoffs) => {
          if (!telemetry.deleteTenantBefore) throw new Error(`${telemetry.kind} keeps no retention`);
          return telemetry.deleteTenantBefore(id, cutoffs);
        },
      },
    };
    const owner: Principal = {
      tenantId: a.tenantId,
      role: 'owner',
      siteIds: null,
      userId: a.ownerId,
      apiKeyId: null,
      sessionId: null,
    };
    await putRetention(deps, owner, settingsOfA);

    const deletions = await applyRetention(deps, a.tenantId, { force: true });

    const counts = Object.fromEntries((deletions ?? []).map((d) => [d.kind, d.deleted]));
    expect(counts).toEqual({
      rawPoints: 3,
      rollupsMinute: 2,
      rollupsHour: 2,
      alarmJournal: 0,
      messageLog: 1,
      reportFiles: 0,
      deadLetters: 1,
    });
    expect(await left(a.tenantId)).toEqual({ rawAges: [9], hourBuckets: 2, messages: 1, deadLetters: 1 });
    expect(await left(b.tenantId)).toEqual({
      rawAges: [40, 11, 9],
      hourBuckets: 3,
      messages: 2,
      deadLetters: 2,
    });
    const recorded = await store.inTenant(a.tenantId, (repos) => repos.retention.deletions(20));
    expect(recorded).toHaveLength(7);
    expect(recorded.find((d) => d.kind === 'rawPoints')).toMatchObject({
      deleted: 3,
      olderThan: new Date(ago(10)).toISOString(),
    });
    expect(await store.inTenant(b.tenantId, (repos) => repos.retention.deletions(20))).toEqual([]);
  });

  it("runs once a night, from 02:00 in the tenant's time zone", async () => {
    // B keeps the defaults (400 days): nothing of its goes, but the night's run is recorded.
    const at = (iso: string) => ({ now: () => new Date(iso) });
    const deps = (clock: { now(): Date }): RetentionRunDeps => ({
      store,
      clock,
      ids: uuidV7Ids,
      tenantIds: async () => [b.tenantId],
    });
    expect(await applyRetention(deps(at('2026-03-11T01:30:00Z')), b.tenantId)).toBeNull();
    expect(await applyRetention(deps(at('2026-03-11T02:05:00Z')), b.tenantId)).not.toBeNull();
    expect(await applyRetention(deps(at('2026-03-11T23:00:00Z')), b.tenantId)).toBeNull();
    expect(await applyRetention(deps(at('2026-03-12T02:05:00Z')), b.tenantId)).not.toBeNull();
    expect((await left(b.tenantId)).rawAges).toEqual([40, 11, 9]);
  });
});
