// The housekeeping Lambda's wiring (AWS composition root + handler) against the real PostgreSQL server
// on 127.0.0.1:5432 (a throw-away database): the scheduled run finds the tenant through the SECURITY
// DEFINER lookup and deletes its long-expired session, and purges a login rate limit counter whose
// window has ended. Only Secrets Manager is mocked.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPostgresRateLimiter } from '../accounts/adapters/postgres/rate-limiter.ts';
import { createAwsHousekeepingDeps, openAwsConfigDatabase } from '../compose/aws.ts';
import { parseAwsMigrateEnv, parseAwsStoresEnv } from '../compose/aws-env.ts';
import { runAwsMigrations } from '../compose/aws-migrate.ts';
import { createPostgresConfigStore } from '../compose/config-store.ts';
import { createHousekeepingHandler } from '../housekeeping/housekeeping.ts';
import { throwawayAwsDatabase } from '../platform/testing/aws-database.ts';
import { newTestTenant } from '../platform/testing/tenants.ts';

const database = throwawayAwsDatabase('pw_housekeeping');
beforeAll(async () => {
  await database.create();
  // On AWS the migrations resource migrates once per deploy; functions open the database as it is.
  await runAwsMigrations(parseAwsMigrateEnv(database.env));
}, 60_000);
afterAll(() => database.drop());

describe('the housekeeping Lambda on real PostgreSQL', () => {
  it("deletes a tenant's session that expired over a week ago and leaves its live one", async () => {
    const env = parseAwsStoresEnv(database.env);
    const deps = await createAwsHousekeepingDeps(env);
    const config = await openAwsConfigDatabase(env);
    const store = createPostgresConfigStore(config.db, () => config.close());
    try {
      const { tenantId, ownerId } = await newTestTenant(store, 'lambda');
      const session = (tokenHash: string, expiresAt: Date) => ({
        id: randomUUID(),
        userId: ownerId,
        tokenHash,
        expiresAt,
      });
      await store.inTenant(tenantId, async (repos) => {
        await repos.sessions.create(session('stale', new Date(Date.now() - 8 * 24 * 3_600_000)));
        await repos.sessions.create(session('live', new Date(Date.now() + 3_600_000)));
      });

      const hourAgo = new Date(Date.now() - 3_600_000);
      const limiter = (name: string, clock = { now: () => hourAgo }) =>
        createPostgresRateLimiter(config.db, { name, points: 10, durationSeconds: 300, clock });
      await limiter('login_ip').consume('198.51.100.7'); // its window ended 55 minutes ago
      await limiter('login_account', { now: () => new Date() }).consume('someone@example.com');

      const summary = await createHousekeepingHandler(deps)();

      expect(summary).toEqual({
        tenants: 1,
        failedTenants: 0,
        rateLimitsPurged: 1,
        sessionsDeleted: 1,
        ackTokensDeleted: 0,
        reportRunsFailed: 0,
        signUpsExpired: 0,
        tenantsRemoved: 0,
      });
      expect(await store.findSessionByTokenHash('stale')).toBeNull();
      expect(await store.findSessionByTokenHash('live')).not.toBeNull();
    } finally {
      await store.close();
      await deps.close();
    }
  }, 60_000);
});
