// AccountRepositories and AccountLookups on PostgreSQL: the tenant, users, sessions and API keys;
// the cross-tenant credential lookups go through SECURITY DEFINER functions (ADR 0005).
import type { ApiKey, Role, Tenant, User } from '@plantwatch/shared';
import { and, asc, count, eq, isNull, lt, or, sql } from 'drizzle-orm';
import type { ConfigDb } from '../../../platform/database/database.ts';
import { conflictsAsErrors } from '../../../platform/database/pg-errors.ts';
import { tenants } from '../../../platform/database/schema.ts';
import { getTenantRow, iso, isoOrNull, type Row, required } from '../../../platform/database/tenant-rows.ts';
import { firstRow, setTenant } from '../../../platform/database/tenant-store.ts';
import { tenantPlans } from '../../../usage/adapters/postgres/schema.ts';
import type { AccountLookups, AccountRepositories, AccountTokenPurpose } from '../../ports.ts';
import { apiKeys, users } from './schema.ts';
import { securityRepositories } from './security-repos.ts';

const constraintMessages = {
  users_email_key: 'a user with this e-mail address already exists',
  users_tenant_id_email_key: 'a user with this e-mail address is already in your organisation',
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
  mfaEnabled: r.mfaEnabledAt !== null,
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
      async remove() {
        await tx.delete(tenants).where(eq(tenants.id, tenantId));
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
      activate: (id, passwordHash, name, at = new Date()) =>
        conflictsAsErrors(
          {
            users_email_key:
              'this e-mail address already has a Plantwatch account in another organisation; a person belongs to one organisation: ask the one who invited you to invite another address',
          },
          async () => {
            const [row] = await tx
              .update(users)
              .set({
                passwordHash,
                status: 'active',
                inviteTokenHash: null,
                inviteExpiresAt: null,
                emailVerifiedAt: at,
                passwordChangedAt: at,
                ...(name ? { name } : {}),
              })
              .where(and(eq(users.tenantId, tenantId), eq(users.id, id), eq(users.status, 'invited')))
              .returning();
            return row ? toUser(row) : null;
          },
        ),
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
      async security(id) {
        const [r] = await tx
          .select()
          .from(users)
          .where(and(eq(users.tenantId, tenantId), eq(users.id, id)));
        return r
          ? {
              id: r.id,
              email: r.email,
              name: r.name,
              role: r.role,
              status: r.status,
              passwordHash: r.passwordHash,
              mfaSecret: r.mfaSecret,
              mfaPendingSecret: r.mfaPendingSecret,
              mfaEnabledAt: r.mfaEnabledAt,
              mfaLastStep: r.mfaLastStep,
              recoveryHashes: r.mfaRecoveryHashes ?? [],
            }
          : null;
      },
      async setPassword(id, passwordHash, at) {
        await tx
          .update(users)
          .set({
            passwordHash,
            passwordChangedAt: at,
            status: sql`case when ${users.status} = 'pending' then 'active' else ${users.status} end`,
            emailVerifiedAt: sql`coalesce(${users.emailVerifiedAt}, ${at.toISOString()}::timestamptz)`,
          })
          .where(
            and(
              eq(users.tenantId, tenantId),
              eq(users.id, id),
              or(eq(users.status, 'active'), eq(users.status, 'pending')),
            ),
          );
      },
      async verifyEmail(id, at) {
        const [row] = await tx
          .update(users)
          .set({ status: 'active', emailVerifiedAt: at })
          .where(and(eq(users.tenantId, tenantId), eq(users.id, id), eq(users.status, 'pending')))
          .returning();
        return row ? toUser(row) : null;
      },
      async setMfa(id, patch) {
        const { recoveryHashes, ...rest } = patch;
        await tx
          .update(users)
          .set({ ...rest, ...(recoveryHashes ? { mfaRecoveryHashes: recoveryHashes } : {}) })
          .where(and(eq(users.tenantId, tenantId), eq(users.id, id)));
      },
      async acceptMfaStep(id, step) {
        const rows = await tx
          .update(users)
          .set({ mfaLastStep: step })
          .where(
            and(
              eq(users.tenantId, tenantId),
              eq(users.id, id),
              or(isNull(users.mfaLastStep), lt(users.mfaLastStep, step)),
            ),
          )
          .returning({ id: users.id });
        return rows.length > 0;
      },
      async useRecoveryCode(id, hash) {
        const rows = await tx
          .update(users)
          .set({ mfaRecoveryHashes: sql`array_remove(${users.mfaRecoveryHashes}, ${hash})` })
          .where(
            and(
              eq(users.tenantId, tenantId),
              eq(users.id, id),
              sql`${hash} = any(${users.mfaRecoveryHashes})`,
            ),
          )
          .returning({ id: users.id });
        return rows.length > 0;
      },
    },

    ...securityRepositories(tx, tenantId),

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
    createTenant: ({ tenant, owner, planId }) =>
      conflictsAsErrors(constraintMessages, () =>
        db.transaction(async (tx) => {
          await setTenant(tx, tenant.id);
          const [tenantRow] = await tx.insert(tenants).values(tenant).returning();
          const { status = 'active', ...fields } = owner;
          const [ownerRow] = await tx
            .insert(users)
            .values({
              ...fields,
              tenantId: tenant.id,
              role: 'owner',
              status,
              siteIds: null,
              emailVerifiedAt: status === 'active' ? new Date() : null,
            })
            .returning();
          if (planId) {
            await tx.insert(tenantPlans).values({ tenantId: tenant.id, planId, changedBy: 'sign-up' });
          }
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
        idle_expires_at: string | Date | null;
        last_used_at: string | Date | null;
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
            idleExpiresAt: row.idle_expires_at === null ? null : new Date(row.idle_expires_at),
            lastUsedAt: row.last_used_at === null ? null : new Date(row.last_used_at),
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

    async findAccountTokenByHash(tokenHash) {
      const row = await firstRow<{
        token_id: string;
        tenant_id: string;
        user_id: string;
        purpose: AccountTokenPurpose;
        expires_at: string | Date;
        used_at: string | Date | null;
      }>(db, sql`select * from auth_account_token_by_hash(${tokenHash})`);
      return row
        ? {
            tokenId: row.token_id,
            tenantId: row.tenant_id,
            userId: row.user_id,
            purpose: row.purpose,
            expiresAt: new Date(row.expires_at),
            usedAt: row.used_at === null ? null : new Date(row.used_at),
          }
        : null;
    },
  };
}
