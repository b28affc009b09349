// Login rate limits shared by every function instance: counters in the config database
// (rate_limit_counters, migration 0020), reached only through its SECURITY DEFINER functions. Same
// semantics as the in-memory limiter (adapters/local/rate-limiter.ts), both checked by
// testing/rate-limiter-contract.ts: a fixed window from the first attempt, `points` attempts allowed
// in it, refused attempts still counted, the wait rounded up to whole seconds (at least one).
import { createHash } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { type Clock, systemClock } from '../../../platform/clock.ts';
import type { ConfigDb } from '../../../platform/database/database.ts';
import type { RateLimiter } from '../../ports.ts';

export interface PostgresRateLimiterOptions {
  /** Which counters (login_ip, login_account): limiters with different names never share a count. */
  name: string;
  points: number;
  durationSeconds: number;
  /** The functions' clock; housekeeping purges ended windows by the same one. */
  clock?: Clock;
}

type Row = { attempts: number; ends_ms: number };

export function createPostgresRateLimiter(db: ConfigDb, options: PostgresRateLimiterOptions): RateLimiter {
  const clock = options.clock ?? systemClock;
  // Client addresses and e-mail addresses are kept only as their hash.
  const hash = (key: string) => createHash('sha256').update(key).digest('base64url');
  const refusal = (row: Row, now: Date) => ({
    allowed: false as const,
    retryAfterSeconds: Math.max(1, Math.ceil((row.ends_ms - now.getTime()) / 1000)),
  });
  const one = async (query: ReturnType<typeof sql>) => {
    const result = (await db.execute(query)) as { rows: Row[] };
    const row = result.rows[0];
    return row ? { attempts: Number(row.attempts), ends_ms: Number(row.ends_ms) } : undefined;
  };
  return {
    async consume(key) {
      const now = clock.now();
      const row = await one(
        sql`select attempts, (extract(epoch from window_ends) * 1000)::float8 as ends_ms
            from rate_limit_consume(${options.name}, ${hash(key)}, ${now.toISOString()}::timestamptz, ${options.durationSeconds}::integer)`,
      );
      if (!row) throw new Error('rate_limit_consume returned no row');
      return row.attempts > options.points ? refusal(row, now) : { allowed: true };
    },
    async check(key) {
      const now = clock.now();
      const row = await one(
        sql`select attempts, (extract(epoch from window_ends) * 1000)::float8 as ends_ms
            from rate_limit_peek(${options.name}, ${hash(key)}, ${now.toISOString()}::timestamptz)`,
      );
      return row && row.attempts >= options.points ? refusal(row, now) : { allowed: true };
    },
    async reset(key) {
      await db.execute(sql`select rate_limit_reset(${options.name}, ${hash(key)})`);
    },
  };
}

/** Housekeeping: deletes the counters of windows that ended before `before`; returns how many. */
export async function purgeEndedRateLimitWindows(db: ConfigDb, before: Date): Promise<number> {
  const result = (await db.execute(
    sql`select rate_limit_purge(${before.toISOString()}::timestamptz) as purged`,
  )) as { rows: { purged: number }[] };
  return Number(result.rows[0]?.purged ?? 0);
}
