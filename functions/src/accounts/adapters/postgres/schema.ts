// Users, their sessions and the tenant's API keys.
import { index, pgTable, text, timestamp, unique, uuid } from 'drizzle-orm/pg-core';
import {
  createdAt,
  tenantForeignKey,
  tenantIdColumn,
  tenantOwnerColumn,
} from '../../../platform/database/schema.ts';

export const users = pgTable(
  'users',
  {
    id: uuid('id').primaryKey(),
    tenantId: tenantOwnerColumn(),
    email: text('email').notNull().unique('users_email_key'),
    name: text('name').notNull(),
    role: text('role', { enum: ['viewer', 'operator', 'engineer', 'admin', 'owner'] }).notNull(),
    siteIds: uuid('site_ids').array(),
    status: text('status', { enum: ['active', 'invited'] }).notNull(),
    passwordHash: text('password_hash'),
    inviteTokenHash: text('invite_token_hash').unique('users_invite_token_hash_key'),
    inviteExpiresAt: timestamp('invite_expires_at', { withTimezone: true, mode: 'date' }),
    createdAt: createdAt(),
  },
  (t) => [unique('users_tenant_id_id_key').on(t.tenantId, t.id)],
);

export const sessions = pgTable(
  'sessions',
  {
    id: uuid('id').primaryKey(),
    tenantId: tenantIdColumn(),
    userId: uuid('user_id').notNull(),
    tokenHash: text('token_hash').notNull().unique('sessions_token_hash_key'),
    createdAt: createdAt(),
    expiresAt: timestamp('expires_at', { withTimezone: true, mode: 'date' }).notNull(),
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
    lastUsedAt: timestamp('last_used_at', { withTimezone: true, mode: 'date' }),
    revokedAt: timestamp('revoked_at', { withTimezone: true, mode: 'date' }),
  },
  (t) => [index('api_keys_tenant_idx').on(t.tenantId)],
);
