// Users, their sessions, the tenant's API keys, and what secures an account (issue 15): single-use
// account tokens (e-mail verification, password reset, login challenges), the devices a user logged in
// from, and the tenant's security policy.
import { sql } from 'drizzle-orm';
import {
  boolean,
  index,
  integer,
  pgTable,
  text,
  timestamp,
  unique,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import {
  createdAt,
  tenantForeignKey,
  tenantIdColumn,
  tenantOwnerColumn,
  updatedAt,
} from '../../../platform/database/schema.ts';

const at = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

export const users = pgTable(
  'users',
  {
    id: uuid('id').primaryKey(),
    tenantId: tenantOwnerColumn(),
    email: text('email').notNull(),
    name: text('name').notNull(),
    role: text('role', { enum: ['viewer', 'operator', 'engineer', 'admin', 'owner'] }).notNull(),
    siteIds: uuid('site_ids').array(),
    /** pending: signed up, e-mail address not verified yet; invited: invitation not accepted yet. */
    status: text('status', { enum: ['active', 'invited', 'pending'] }).notNull(),
    passwordHash: text('password_hash'),
    inviteTokenHash: text('invite_token_hash').unique('users_invite_token_hash_key'),
    inviteExpiresAt: at('invite_expires_at'),
    emailVerifiedAt: at('email_verified_at'),
    passwordChangedAt: at('password_changed_at'),
    /** The TOTP secret, sealed (platform/secret-box.ts); set once enrolment is confirmed. */
    mfaSecret: text('mfa_secret'),
    /** A TOTP secret shown for enrolment and not confirmed yet, sealed. */
    mfaPendingSecret: text('mfa_pending_secret'),
    mfaEnabledAt: at('mfa_enabled_at'),
    /** The last TOTP time step accepted: a code is never accepted twice. */
    mfaLastStep: integer('mfa_last_step'),
    /** SHA-256 of each unused recovery code. */
    mfaRecoveryHashes: text('mfa_recovery_hashes').array(),
    createdAt: createdAt(),
  },
  (t) => [
    unique('users_tenant_id_id_key').on(t.tenantId, t.id),
    // One account per address across tenants; an invitation may name an address registered elsewhere
    // (the invite answers the same either way), and is refused only when accepted.
    uniqueIndex('users_email_key').on(t.email).where(sql`status in ('active', 'pending')`),
    unique('users_tenant_id_email_key').on(t.tenantId, t.email),
  ],
);

export const sessions = pgTable(
  'sessions',
  {
    id: uuid('id').primaryKey(),
    tenantId: tenantIdColumn(),
    userId: uuid('user_id').notNull(),
    tokenHash: text('token_hash').notNull().unique('sessions_token_hash_key'),
    createdAt: createdAt(),
    /** The absolute end (the tenant's sessionAbsoluteHours after login). */
    expiresAt: at('expires_at').notNull(),
    /** Recorded at most once a minute. */
    lastUsedAt: at('last_used_at'),
    /** The idle end: moved on by use; null without an idle limit. */
    idleExpiresAt: at('idle_expires_at'),
    userAgent: text('user_agent'),
    ipAddress: text('ip_address'),
  },
  (t) => [
    // Housekeeping deletes each tenant's expired sessions.
    index('sessions_tenant_expires_idx').on(t.tenantId, t.expiresAt),
    tenantForeignKey('sessions_user_fk', [t.tenantId, t.userId], users).onDelete('cascade'),
  ],
);

export const apiKeys = pgTable(
  'api_keys',
  {
    id: uuid('id').primaryKey(),
    tenantId: tenantOwnerColumn(),
    name: text('name').notNull(),
    role: text('role', { enum: ['viewer', 'operator', 'engineer', 'admin', 'owner'] }).notNull(),
    prefix: text('prefix').notNull(),
    keyHash: text('key_hash').notNull().unique('api_keys_key_hash_key'),
    createdBy: uuid('created_by'),
    createdAt: createdAt(),
    lastUsedAt: at('last_used_at'),
    revokedAt: at('revoked_at'),
  },
  (t) => [index('api_keys_tenant_idx').on(t.tenantId)],
);

/**
 * Single-use tokens sent by e-mail or handed out between the steps of a login. Only the SHA-256 of
 * the token is kept; the token names no tenant, so finding it crosses tenants through one SECURITY
 * DEFINER function (auth_account_token_by_hash).
 */
export const accountTokens = pgTable(
  'account_tokens',
  {
    id: uuid('id').primaryKey(),
    tenantId: tenantIdColumn(),
    userId: uuid('user_id').notNull(),
    purpose: text('purpose', {
      enum: ['verify-email', 'reset-password', 'mfa-code', 'mfa-enrolment'],
    }).notNull(),
    tokenHash: text('token_hash').notNull().unique('account_tokens_token_hash_key'),
    expiresAt: at('expires_at').notNull(),
    usedAt: at('used_at'),
    /** Wrong codes tried against a login challenge. */
    attempts: integer('attempts').notNull().default(0),
    /** A login challenge: the device token and client the session is for once the code is right. */
    context: text('context'),
    createdAt: createdAt(),
  },
  (t) => [
    index('account_tokens_tenant_expires_idx').on(t.tenantId, t.expiresAt),
    tenantForeignKey('account_tokens_user_fk', [t.tenantId, t.userId], users).onDelete('cascade'),
  ],
);

/** A device (a browser with its long-lived cookie) the user logged in from. */
export const trustedDevices = pgTable(
  'trusted_devices',
  {
    id: uuid('id').primaryKey(),
    tenantId: tenantIdColumn(),
    userId: uuid('user_id').notNull(),
    tokenHash: text('token_hash').notNull().unique('trusted_devices_token_hash_key'),
    userAgent: text('user_agent'),
    ipAddress: text('ip_address'),
    createdAt: createdAt(),
    lastUsedAt: at('last_used_at').notNull().defaultNow(),
  },
  (t) => [
    index('trusted_devices_user_idx').on(t.tenantId, t.userId),
    tenantForeignKey('trusted_devices_user_fk', [t.tenantId, t.userId], users).onDelete('cascade'),
  ],
);

/** The tenant's account security policy; a tenant without a row has the defaults. */
export const tenantSecurityPolicies = pgTable('tenant_security_policies', {
  tenantId: tenantOwnerColumn().primaryKey(),
  mfaRequiredForAdmins: boolean('mfa_required_for_admins').notNull().default(false),
  sessionIdleMinutes: integer('session_idle_minutes'),
  sessionAbsoluteHours: integer('session_absolute_hours').notNull().default(12),
  updatedAt: updatedAt(),
});
