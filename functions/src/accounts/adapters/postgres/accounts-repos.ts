// AccountRepositories and AccountLookups on PostgreSQL: the tenant, users, sessions and API keys;
// the cross-tenant credential lookups go through SECURITY DEFINER functions (ADR 0005).
import type { ApiKey, Role, Tenant, User } from '@plantwatch/shared';
import { and, asc, count, eq, isNull, sql } from 'drizzle-orm';
import type { ConfigDb } from '../../../platform/database/database.ts';
import { conflictsAsErrors } from '../../../platform/database/pg-errors.ts';
import { tenants } from '../../../platform/database/schema.ts';
import { getTenantRow, iso, isoOrNull, type Row, required } from '../../../platform/database/tenant-rows.ts';
import { firstRow, setTenant } from '../../../platform/database/tenant-store.ts';
import type { AccountLookups, AccountRepositories } from '../../ports.ts';
import { apiKeys, sessions, users } from './schema.ts';

const constraintMessages = {
  users_email_key: 'a user with this e-mail address already exists',
};
const toTenant = (r: Row<typeof tenants>): Tenant => ({
  id: r.id,
  name: r.name,
  timeZone: r.timeZone,
  createdAt: iso(r.createdAt),
});
const toUser = (r: Row<typeof users>): User => ({
  id: r.id,
  tenantId: r.tenantId,
  email: r.email,
  name: r.name,
  role: r.role,
  siteIds: r.siteIds,
  status: r.status,
  createdAt: iso(r.createdAt),
});
const toApiKey = (r: Row<typeof apiKeys>): ApiKey => ({
  id: r.id,
  tenantId: r.tenantId,
  name: r.name,
  role: r.role,
  prefix: r.prefix,
  createdAt: iso(r.createdAt),
  lastUsedAt: isoOrNull(r.lastUsedAt),
  revokedAt: isoOrNull(r.revokedAt),
});

export function accountRepositories(tx: ConfigDb, tenantId: string): AccountRepositories {
  return {
    tenant: {
      async get() {
        const [row] = await tx.select().from(tenants).where(eq(tenants.id, tenantId));
        if (!row) throw new Error(`tenant ${tenantId} is not visible in its own context`);
        return toTenant(row);
      },
      async update(patch) {
        const [row] = await tx.update(tenants).set(patch).where(eq(tenants.id, tenantId)).returning();
        if (!row) throw new Error(`tenant ${tenantId} is not visible in its own context`);
        return toTenant(row);
      },
    },

    users: {
      async list() {
        return (
          await tx.select().from(users).where(eq(users.tenantId, tenantId)).orderBy(asc(users.email))
        ).map(toUser);
      },
      get: (id) => getTenantRow(tx, tenantId, users, id, toUser),
      insertInvited: (u) =>
        conflictsAsErrors(constraintMessages, async () => {
          const [row] = await tx
            .insert(users)
            .values({
              id: u.id,
              tenantId,
              email: u.email,
              name: u.name,
              role: u.role,
              siteIds: u.siteIds,
              status: 'invited',
              inviteTokenHash: u.inviteTokenHash,
              inviteExpiresAt: u.inviteExpiresAt,
            })
            .returning();
          return toUser(required(row));
        }),
      async activate(id, passwordHash, name) {
        const [row] = await tx
          .update(users)
          .set({
            passwordHash,
            status: 'active',
            inviteTokenHash: null,
            inviteExpiresAt: null,
            ...(name ? { name } : {}),
          })
          .where(and(eq(users.tenantId, tenantId), eq(users.id, id), eq(users.status, 'invited')))
          .returning();
        return row ? toUser(row) : null;
      },
      async update(id, patch) {
        const [row] = await tx
          .update(users)
          .set(patch)
          .where(and(eq(users.tenantId, tenantId), eq(users.id, id)))
          .returning();
        return row ? toUser(row) : null;
      },
      async remove(id) {
        const rows = await tx
          .delete(users)
          .where(and(eq(users.tenantId, tenantId), eq(users.id, id)))
          .returning({ id: users.id });
        return rows.length > 0;
      },
      async countOwners() {
        const [row] = await tx
          .select({ n: count() })
          .from(users)
          .where(and(eq(users.tenantId, tenantId), eq(users.role, 'owner'), eq(users.status, 'active')));
        return row?.n ?? 0;
      },
    },

    sessions: {
      async create(s) {
        await tx.insert(sessions).values({ ...s, tenantId });
      },
      async remove(id) {
        const rows = await tx
          .delete(sessions)
          .where(and(eq(sessions.tenantId, tenantId), eq(sessions.id, id)))
          .returning({ id: sessions.id });
        return rows.length > 0;
      },
      async removeForUser(userId) {
        const rows = await tx
          .delete(sessions)
          .where(and(eq(sessions.tenantId, tenantId), eq(sessions.userId, userId)))
          .returning({ id: sessions.id });
        return rows.length;
      },
    },

    apiKeys: {
      async list() {
        return (
          await tx
            .select()
            .from(apiKeys)
            .where(eq(apiKeys.tenantId, tenantId))
            .orderBy(asc(apiKeys.createdAt))
        ).map(toApiKey);
      },
      async create(k) {
        const [row] = await tx
          .insert(apiKeys)
          .values({ ...k, tenantId })
          .returning();
        return toApiKey(required(row));
      },
      async revoke(id, at) {
        const [row] = await tx
          .update(apiKeys)
          .set({ revokedAt: sql`coalesce(${apiKeys.revokedAt}, ${at.toISOString()}::timestamptz)` })
          .where(and(eq(apiKeys.tenantId, tenantId), eq(apiKeys.id, id)))
          .returning();
        return row ? toApiKey(row) : null;
      },
      async touch(id, at) {
        await tx
          .update(apiKeys)
          .set({ lastUsedAt: at })
          .where(and(eq(apiKeys.tenantId, tenantId), eq(apiKeys.id, id), isNull(apiKeys.revokedAt)));
      },
    },
  };
}

export function accountLookups(db: ConfigDb): AccountLookups {
  return {
    createTenant: ({ tenant, owner }) =>
      conflictsAsErrors(constraintMessages, () =>
        db.transaction(async (tx) => {
          await setTenant(tx, tenant.id);
          const [tenantRow] = await tx.insert(tenants).values(tenant).returning();
          const [ownerRow] = await tx
            .insert(users)
            .values({ ...owner, tenantId: tenant.id, role: 'owner', status: 'active', siteIds: null })
            .returning();
          return { tenant: toTenant(required(tenantRow)), owner: toUser(required(ownerRow)) };
        }),
      ),

    async findCredentialsByEmail(email) {
      const row = await firstRow<{
        user_id: string;
        tenant_id: string;
        password_hash: string | null;
        status: User['status'];
      }>(db, sql`select * from auth_credentials_by_email(${email})`);
      return row
        ? {
            userId: row.user_id,
            tenantId: row.tenant_id,
            passwordHash: row.password_hash,
            status: row.status,
          }
        : null;
    },

    async findSessionByTokenHash(tokenHash) {
      const row = await firstRow<{
        session_id: string;
        tenant_id: string;
        user_id: string;
        expires_at: string | Date;
        role: Role;
        site_ids: string[] | null;
        user_status: User['status'];
      }>(db, sql`select * from auth_session_by_token_hash(${tokenHash})`);
      return row
        ? {
            sessionId: row.session_id,
            tenantId: row.tenant_id,
            userId: row.user_id,
            expiresAt: new Date(row.expires_at),
            role: row.role,
            siteIds: row.site_ids,
            userStatus: row.user_status,
          }
        : null;
    },

    async findApiKeyByHash(keyHash) {
      const row = await firstRow<{
        api_key_id: string;
        tenant_id: string;
        role: Role;
        revoked_at: string | Date | null;
      }>(db, sql`select * from auth_api_key_by_hash(${keyHash})`);
      return row
        ? {
            apiKeyId: row.api_key_id,
            tenantId: row.tenant_id,
            role: row.role,
            revokedAt: row.revoked_at === null ? null : new Date(row.revoked_at),
          }
        : null;
    },

    async findInviteByTokenHash(tokenHash) {
      const row = await firstRow<{ user_id: string; tenant_id: string; expires_at: string | Date }>(
        db,
        sql`select * from auth_invite_by_token_hash(${tokenHash})`,
      );
      return row
        ? { userId: row.user_id, tenantId: row.tenant_id, expiresAt: new Date(row.expires_at) }
        : null;
    },
  };
}
