// The PostgreSQL rate limiter on PGlite and real PostgreSQL: the RateLimiter contract (the in-memory
// limiter passes the same), counts shared between limiter instances as between Lambda instances, the
// table shut to the application role, and housekeeping's purge of ended windows.
import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConfigDatabase } from '../../../platform/database/database.ts';
import { configDatabaseTargets } from '../../../platform/testing/config-databases.ts';
import { describeRateLimiterContract } from '../../testing/rate-limiter-contract.ts';
import { createPostgresRateLimiter, purgeEndedRateLimitWindows } from './rate-limiter.ts';

describe.each(configDatabaseTargets)('PostgreSQL rate limiter on $name', (target) => {
  let database: ConfigDatabase;
  beforeAll(async () => {
    database = await target.open({ maxConnections: 6 });
  }, 60_000);
  afterAll(async () => {
    await database?.close();
  });

  describeRateLimiterContract(target.name, (options) =>
    createPostgresRateLimiter(database.db, { name: 'contract', ...options }),
  );

  it('shares counts between instances of one limiter, and not between limiters of different names', async () => {
    const options = { points: 4, durationSeconds: 600 };
    const first = createPostgresRateLimiter(database.db, { name: 'login_ip', ...options });
    const second = createPostgresRateLimiter(database.db, { name: 'login_ip', ...options });
    const other = createPostgresRateLimiter(database.db, { name: 'login_account', ...options });
    const key = `203.0.113.${randomUUID()}`;
    const results = await Promise.all(
      Array.from({ length: 6 }, (_, i) => (i % 2 === 0 ? first : second).consume(key)),
    );
    expect(results.filter((r) => r.allowed)).toHaveLength(4);
    expect(await first.check(key)).toMatchObject({ allowed: false });
    expect(await other.consume(key)).toEqual({ allowed: true });
  });

  it('keeps the counters out of the application role’s reach except through the functions', async () => {
    const refusal = (query: ReturnType<typeof sql>) =>
      database.db.execute(query).then(
        () => 'allowed',
        (error: Error) => String(error.cause ?? error),
      );
    expect(await refusal(sql`select * from rate_limit_counters`)).toMatch(/permission denied/);
    expect(
      await refusal(sql`insert into rate_limit_counters values ('login_ip', 'x', now(), now(), 0)`),
    ).toMatch(/permission denied/);
    expect(await refusal(sql`delete from rate_limit_counters`)).toMatch(/permission denied/);
  });

  it('stores keys only as their hash', async () => {
    const email = `someone-${randomUUID()}@example.com`;
    const limiter = createPostgresRateLimiter(database.db, {
      name: 'hashing',
      points: 1,
      durationSeconds: 60,
    });
    await limiter.consume(email);
    const plain = (await database.db.execute(
      sql`select attempts from rate_limit_peek('hashing', ${email}, now())`,
    )) as { rows: unknown[] };
    expect(plain.rows).toEqual([]);
    expect(await limiter.check(email)).toMatchObject({ allowed: false });
  });

  it('purges windows that ended before the cutoff and keeps the others', async () => {
    let now = new Date('2030-01-01T00:00:00Z');
    const clock = { now: () => now };
    const short = createPostgresRateLimiter(database.db, {
      name: 'purge',
      points: 1,
      durationSeconds: 60,
      clock,
    });
    const long = createPostgresRateLimiter(database.db, {
      name: 'purge_long',
      points: 1,
      durationSeconds: 3_600,
      clock,
    });
    const key = randomUUID();
    await short.consume(key);
    await long.consume(key);
    now = new Date(now.getTime() + 120_000);

    expect(await purgeEndedRateLimitWindows(database.db, now)).toBeGreaterThanOrEqual(1);
    expect(await purgeEndedRateLimitWindows(database.db, now)).toBe(0);
    expect(await short.consume(key)).toEqual({ allowed: true });
    expect(await long.consume(key)).toEqual({ allowed: false, retryAfterSeconds: 3_480 });
  });
});
