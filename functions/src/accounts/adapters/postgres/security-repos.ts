// What secures an account on PostgreSQL: sessions, single-use account tokens, the devices users logged
// in from, and the tenant's security policy. Every query carries the tenant_id filter beside RLS.
import type { SecurityPolicy } from '@plantwatch/shared';
import { and, asc, desc, eq, gt, inArray, isNotNull, isNull, lt, ne, or, sql } from 'drizzle-orm';
import type { ConfigDb } from '../../../platform/database/database.ts';
import { iso, isoOrNull } from '../../../platform/database/tenant-rows.ts';
import { type AccountRepositories, DEFAULT_SECURITY_POLICY } from '../../ports.ts';
import { accountTokens, sessions, tenantSecurityPolicies, trustedDevices, users } from './schema.ts';

type SecurityRepositories = Pick<
  AccountRepositories,
  'sessions' | 'accountTokens' | 'trustedDevices' | 'securityPolicy'
>;

const DAY_MS = 86_400_000;

const toPolicy = (row: typeof tenantSecurityPolicies.$inferSelect | undefined): SecurityPolicy =>
  row
    ? {
        mfaRequiredForAdmins: row.mfaRequiredForAdmins,
        sessionIdleMinutes: row.sessionIdleMinutes,
        sessionAbsoluteHours: row.sessionAbsoluteHours,
      }
    : { ...DEFAULT_SECURITY_POLICY };

const toDevice = (row: typeof trustedDevices.$inferSelect) => ({
  id: row.id,
  userId: row.userId,
  userAgent: row.userAgent,
  ipAddress: row.ipAddress,
  createdAt: row.createdAt,
  lastUsedAt: row.lastUsedAt,
});

export function securityRepositories(tx: ConfigDb, tenantId: string): SecurityRepositories {
  const mine = (column: typeof sessions.tenantId) => eq(column, tenantId);
  return {
    sessions: {
      async create(s) {
        await tx.insert(sessions).values({ ...s, tenantId });
      },
      async list(userId, now) {
        const rows = await tx
          .select()
          .from(sessions)
          .where(
            and(
              mine(sessions.tenantId),
              eq(sessions.userId, userId),
              gt(sessions.expiresAt, now),
              or(isNull(sessions.idleExpiresAt), gt(sessions.idleExpiresAt, now)),
            ),
          )
          .orderBy(desc(sessions.lastUsedAt), desc(sessions.createdAt));
        return rows.map((r) => ({
          id: r.id,
          createdAt: iso(r.createdAt),
          lastUsedAt: iso(r.lastUsedAt ?? r.createdAt),
          expiresAt: iso(r.expiresAt),
          idleExpiresAt: isoOrNull(r.idleExpiresAt),
          userAgent: r.userAgent,
          ipAddress: r.ipAddress,
        }));
      },
      async remove(id) {
        const rows = await tx
          .delete(sessions)
          .where(and(mine(sessions.tenantId), eq(sessions.id, id)))
          .returning({ id: sessions.id });
        return rows.length > 0;
      },
      async removeOwn(userId, id) {
        const rows = await tx
          .delete(sessions)
          .where(and(mine(sessions.tenantId), eq(sessions.userId, userId), eq(sessions.id, id)))
          .returning({ id: sessions.id });
        return rows.length > 0;
      },
      async removeForUser(userId, exceptSessionId) {
        const rows = await tx
          .delete(sessions)
          .where(
            and(
              mine(sessions.tenantId),
              eq(sessions.userId, userId),
              exceptSessionId ? ne(sessions.id, exceptSessionId) : undefined,
            ),
          )
          .returning({ id: sessions.id });
        return rows.length;
      },
      async removeForAdminsWithoutMfa(exceptUserId) {
        const exposed = tx
          .select({ id: users.id })
          .from(users)
          .where(
            and(
              eq(users.tenantId, tenantId),
              inArray(users.role, ['owner', 'admin']),
              isNull(users.mfaEnabledAt),
              exceptUserId ? ne(users.id, exceptUserId) : undefined,
            ),
          );
        const rows = await tx
          .delete(sessions)
          .where(and(mine(sessions.tenantId), inArray(sessions.userId, exposed)))
          .returning({ id: sessions.id });
        return rows.length;
      },
      async clampLifetime(hours) {
        await tx
          .update(sessions)
          .set({
            expiresAt: sql`least(${sessions.expiresAt}, ${sessions.createdAt} + make_interval(hours => ${hours}::int))`,
          })
          .where(mine(sessions.tenantId));
      },
      async touch(id, at, idleExpiresAt) {
        await tx
          .update(sessions)
          .set({ lastUsedAt: at, idleExpiresAt })
          .where(and(mine(sessions.tenantId), eq(sessions.id, id)));
      },
    },

    accountTokens: {
      async create(token) {
        const now = new Date();
        await tx
          .delete(accountTokens)
          .where(
            and(
              eq(accountTokens.tenantId, tenantId),
              eq(accountTokens.userId, token.userId),
              or(
                isNotNull(accountTokens.usedAt),
                lt(accountTokens.expiresAt, new Date(now.getTime() - DAY_MS)),
              ),
            ),
          );
        await tx.insert(accountTokens).values({ ...token, tenantId });
      },
      async use(id, at) {
        const [row] = await tx
          .update(accountTokens)
          .set({ usedAt: at })
          .where(
            and(
              eq(accountTokens.tenantId, tenantId),
              eq(accountTokens.id, id),
              isNull(accountTokens.usedAt),
              gt(accountTokens.expiresAt, at),
            ),
          )
          .returning({ context: accountTokens.context });
        return row ?? null;
      },
      async addAttempt(id) {
        const [row] = await tx
          .update(accountTokens)
          .set({ attempts: sql`${accountTokens.attempts} + 1` })
          .where(and(eq(accountTokens.tenantId, tenantId), eq(accountTokens.id, id)))
          .returning({ attempts: accountTokens.attempts });
        return row?.attempts ?? 0;
      },
      async get(id) {
        const [row] = await tx
          .select({
            context: accountTokens.context,
            attempts: accountTokens.attempts,
            usedAt: accountTokens.usedAt,
          })
          .from(accountTokens)
          .where(and(eq(accountTokens.tenantId, tenantId), eq(accountTokens.id, id)));
        return row ?? null;
      },
      async voidForUser(userId, purposes, at) {
        await tx
          .update(accountTokens)
          .set({ usedAt: at })
          .where(
            and(
              eq(accountTokens.tenantId, tenantId),
              eq(accountTokens.userId, userId),
              inArray(accountTokens.purpose, [...purposes]),
              isNull(accountTokens.usedAt),
            ),
          );
      },
    },

    trustedDevices: {
      async find(userId, tokenHash) {
        const [row] = await tx
          .select()
          .from(trustedDevices)
          .where(
            and(
              eq(trustedDevices.tenantId, tenantId),
              eq(trustedDevices.userId, userId),
              eq(trustedDevices.tokenHash, tokenHash),
            ),
          );
        return row ? toDevice(row) : null;
      },
      async create(device) {
        await tx.insert(trustedDevices).values({
          id: device.id,
          tenantId,
          userId: device.userId,
          tokenHash: device.tokenHash,
          userAgent: device.userAgent,
          ipAddress: device.ipAddress,
          createdAt: device.at,
          lastUsedAt: device.at,
        });
      },
      async touch(id, at, client) {
        await tx
          .update(trustedDevices)
          .set({ lastUsedAt: at, userAgent: client.userAgent, ipAddress: client.ipAddress })
          .where(and(eq(trustedDevices.tenantId, tenantId), eq(trustedDevices.id, id)));
      },
      async list(userId) {
        const rows = await tx
          .select()
          .from(trustedDevices)
          .where(and(eq(trustedDevices.tenantId, tenantId), eq(trustedDevices.userId, userId)))
          .orderBy(desc(trustedDevices.lastUsedAt), asc(trustedDevices.id));
        return rows.map(toDevice);
      },
    },

    securityPolicy: {
      async get() {
        const [row] = await tx
          .select()
          .from(tenantSecurityPolicies)
          .where(eq(tenantSecurityPolicies.tenantId, tenantId));
        return toPolicy(row);
      },
      async update(patch) {
        const [row] = await tx
          .insert(tenantSecurityPolicies)
          .values({ ...DEFAULT_SECURITY_POLICY, ...patch, tenantId })
          .onConflictDoUpdate({
            target: tenantSecurityPolicies.tenantId,
            set: { ...patch, updatedAt: sql`now()` },
          })
          .returning();
        return toPolicy(row);
      },
    },
  };
}
