// Login rate limit counters (ADR 0005, update of 2026-11-22): shared by every API function instance.
// Not tenant-owned (a login is counted before anyone knows the tenant), so no tenant_id and no
// tenant_isolation policy (platform/database/row-level-security.test.ts checks every table with a
// tenant_id). plantwatch_app has no rights on the table at all: it reaches it only through
// the SECURITY DEFINER functions of the hand-written migration (drizzle/*_rate_limits_rls.sql), owned
// by plantwatch_ratelimit, a role that may touch this table and nothing else.

import { index, integer, pgTable, primaryKey, text, timestamp } from 'drizzle-orm/pg-core';

/**
 * One fixed window per limiter and key: it starts at the first attempt and lasts the limiter's
 * duration; the first attempt after it ends starts a new window at 1. The key (a client address, an
 * e-mail address) is stored only as its SHA-256.
 */
export const rateLimitCounters = pgTable(
  'rate_limit_counters',
  {
    /** Which limiter counts (login_ip, login_account): each has its own points and duration. */
    limiter: text('limiter').notNull(),
    keyHash: text('key_hash').notNull(),
    windowStart: timestamp('window_start', { withTimezone: true, mode: 'date' }).notNull(),
    expiresAt: timestamp('expires_at', { withTimezone: true, mode: 'date' }).notNull(),
    count: integer('count').notNull(),
  },
  (t) => [
    primaryKey({ name: 'rate_limit_counters_pkey', columns: [t.limiter, t.keyHash] }),
    // housekeeping deletes ended windows by this
    index('rate_limit_counters_expires_idx').on(t.expiresAt),
  ],
);
