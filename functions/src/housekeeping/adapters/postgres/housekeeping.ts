// Housekeeping on the config store: the cross-tenant lookup through housekeeping_tenants() (migration
// 0018), each tenant's deletes and updates in its own row-level-security transaction, and the login
// rate limit counters' purge through rate_limit_purge() (0020).
import { and, eq, inArray, isNotNull, lt, or, sql } from 'drizzle-orm';
import { purgeEndedRateLimitWindows } from '../../../accounts/adapters/postgres/rate-limiter.ts';
import { sessions } from '../../../accounts/adapters/postgres/schema.ts';
import { notificationAckTokens } from '../../../notify/adapters/postgres/schema.ts';
import type { ConfigDb } from '../../../platform/database/database.ts';
import { reportRuns } from '../../../reports/adapters/postgres/schema.ts';
import type { HousekeepingStore } from '../../ports.ts';

export function createPostgresHousekeepingStore(db: ConfigDb): HousekeepingStore {
  return {
    async findTenants({ expiredBefore, stuckBefore }) {
      const result = (await db.execute(
        sql`select tenant_id from housekeeping_tenants(${expiredBefore.toISOString()}::timestamptz, ${stuckBefore.toISOString()}::timestamptz)`,
      )) as { rows: { tenant_id: string }[] };
      return result.rows.map((row) => row.tenant_id);
    },

    purgeRateLimits: ({ now }) => purgeEndedRateLimitWindows(db, now),

    cleanTenant: (tenantId, { now, expiredBefore, stuckBefore, reason }) =>
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
        return {
          sessionsDeleted: deletedSessions.length,
          ackTokensDeleted: deletedTokens.length,
          reportRunsFailed: failedRuns.length,
        };
      }),
  };
}
