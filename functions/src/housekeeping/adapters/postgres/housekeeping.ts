// Housekeeping on the config store: the cross-tenant lookups through housekeeping_tenants() (migration
// 0018) and housekeeping_unconfirmed_signup_tenants() (0055), each tenant's deletes and updates in its
// own row-level-security transaction, and the login rate limit counters' purge through
// rate_limit_purge() (0020).
import { and, eq, gt, inArray, isNotNull, isNull, lt, notExists, notInArray, or, sql } from 'drizzle-orm';
import { purgeEndedRateLimitWindows } from '../../../accounts/adapters/postgres/rate-limiter.ts';
import { accountTokens, sessions, users } from '../../../accounts/adapters/postgres/schema.ts';
import { notificationAckTokens } from '../../../notify/adapters/postgres/schema.ts';
import type { ConfigDb } from '../../../platform/database/database.ts';
import { tenants } from '../../../platform/database/schema.ts';
import { reportRuns } from '../../../reports/adapters/postgres/schema.ts';
import type { HousekeepingStore } from '../../ports.ts';

export function createPostgresHousekeepingStore(db: ConfigDb): HousekeepingStore {
  return {
    async findTenants({ now, expiredBefore, stuckBefore, unconfirmedBefore }) {
      const result = (await db.execute(
        sql`select tenant_id from housekeeping_tenants(${expiredBefore.toISOString()}::timestamptz, ${stuckBefore.toISOString()}::timestamptz)
            union
            select tenant_id from housekeeping_unconfirmed_signup_tenants(${unconfirmedBefore.toISOString()}::timestamptz, ${now.toISOString()}::timestamptz)`,
      )) as { rows: { tenant_id: string }[] };
      return result.rows.map((row) => row.tenant_id);
    },

    purgeRateLimits: ({ now }) => purgeEndedRateLimitWindows(db, now),

    cleanTenant: (tenantId, { now, expiredBefore, stuckBefore, unconfirmedBefore, reason }) =>
      db.transaction(async (tx) => {
        // Transaction-local, as the config store sets it: row-level security sees this tenant only.
        await tx.execute(sql`select set_config('app.tenant_id', ${tenantId}, true)`);
        const deletedSessions = await tx
          .delete(sessions)
          .where(and(eq(sessions.tenantId, tenantId), lt(sessions.expiresAt, expiredBefore)))
          .returning({ id: sessions.id });
        const deletedTokens = await tx
          .delete(notificationAckTokens)
          .where(
            and(
              eq(notificationAckTokens.tenantId, tenantId),
              or(
                lt(notificationAckTokens.expiresAt, expiredBefore),
                and(isNotNull(notificationAckTokens.usedAt), lt(notificationAckTokens.usedAt, expiredBefore)),
              ),
            ),
          )
          .returning({ id: notificationAckTokens.id });
        const failedRuns = await tx
          .update(reportRuns)
          .set({ status: 'failed', error: reason, finishedAt: now })
          .where(
            and(
              eq(reportRuns.tenantId, tenantId),
              inArray(reportRuns.status, ['queued', 'running']),
              or(
                and(eq(reportRuns.status, 'queued'), lt(reportRuns.createdAt, stuckBefore)),
                and(
                  eq(reportRuns.status, 'running'),
                  lt(sql`coalesce(${reportRuns.startedAt}, ${reportRuns.createdAt})`, stuckBefore),
                ),
              ),
            ),
          )
          .returning({ id: reportRuns.id });
        // Sign-ups never confirmed: pending owners older than the cutoff with no verification link
        // still valid (a link asked for late gets its day). Nobody could log in to such a tenant, so
        // when they are all it has, the tenant goes with them (and everything its rows cascade to).
        const unconfirmed = (
          await tx
            .select({ id: users.id })
            .from(users)
            .where(
              and(
                eq(users.tenantId, tenantId),
                eq(users.status, 'pending'),
                lt(users.createdAt, unconfirmedBefore),
                notExists(
                  tx
                    .select({ id: accountTokens.id })
                    .from(accountTokens)
                    .where(
                      and(
                        eq(accountTokens.tenantId, tenantId),
                        eq(accountTokens.userId, users.id),
                        eq(accountTokens.purpose, 'verify-email'),
                        isNull(accountTokens.usedAt),
                        gt(accountTokens.expiresAt, now),
                      ),
                    ),
                ),
              ),
            )
        ).map((row) => row.id);
        let tenantsRemoved = 0;
        if (unconfirmed.length) {
          const others = await tx
            .select({ id: users.id })
            .from(users)
            .where(and(eq(users.tenantId, tenantId), notInArray(users.id, unconfirmed)))
            .limit(1);
          if (others.length === 0) {
            await tx.delete(tenants).where(eq(tenants.id, tenantId));
            tenantsRemoved = 1;
          } else {
            await tx.delete(users).where(and(eq(users.tenantId, tenantId), inArray(users.id, unconfirmed)));
          }
        }
        return {
          sessionsDeleted: deletedSessions.length,
          ackTokensDeleted: deletedTokens.length,
          reportRunsFailed: failedRuns.length,
          signUpsExpired: unconfirmed.length,
          tenantsRemoved,
        };
      }),
  };
}
