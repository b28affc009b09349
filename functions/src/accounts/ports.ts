// The ports accounts (sign-up, login, sessions, users, API keys, the tenant) runs on.
import type { ApiKey, Role, Tenant, User } from '@plantwatch/shared';
import type { TenantStore } from '../platform/database/tenant-store.ts';

/** Hashes and verifies passwords with a memory-hard KDF. */
export interface PasswordHasher {
  hash(password: string): Promise<string>;
  verify(password: string, encoded: string): Promise<boolean>;
}

/** Counts attempts per key within a window; used to slow down password guessing. */
export interface RateLimiter {
  /** Records one attempt; `allowed` false means the caller must wait `retryAfterSeconds`. */
  consume(key: string): Promise<{ allowed: true } | { allowed: false; retryAfterSeconds: number }>;
  /** Whether the key is already over its limit, without recording an attempt. */
  check(key: string): Promise<{ allowed: true } | { allowed: false; retryAfterSeconds: number }>;
  reset(key: string): Promise<void>;
}

export interface NewTenant {
  tenant: { id: string; name: string; timeZone: string };
  owner: { id: string; email: string; name: string; passwordHash: string };
}

export interface UserCredentials {
  userId: string;
  tenantId: string;
  passwordHash: string | null;
  status: User['status'];
}

export interface SessionRecord {
  sessionId: string;
  tenantId: string;
  userId: string;
  expiresAt: Date;
  /** The user's current role, sites and status: a change takes effect on the next request. */
  role: Role;
  siteIds: string[] | null;
  userStatus: User['status'];
}

export interface ApiKeyRecord {
  apiKeyId: string;
  tenantId: string;
  role: Role;
  revokedAt: Date | null;
}

export interface InviteRecord {
  userId: string;
  tenantId: string;
  expiresAt: Date;
}

/** The tenant's own rows: its record, users, sessions and API keys. */
export interface AccountRepositories {
  tenant: {
    get(): Promise<Tenant>;
    update(patch: { name?: string; timeZone?: string }): Promise<Tenant>;
  };
  users: {
    list(): Promise<User[]>;
    get(id: string): Promise<User | null>;
    insertInvited(user: {
      id: string;
      email: string;
      name: string;
      role: Role;
      siteIds: string[] | null;
      inviteTokenHash: string;
      inviteExpiresAt: Date;
    }): Promise<User>;
    activate(id: string, passwordHash: string, name?: string): Promise<User | null>;
    update(
      id: string,
      patch: { role?: Role; siteIds?: string[] | null; name?: string },
    ): Promise<User | null>;
    remove(id: string): Promise<boolean>;
    countOwners(): Promise<number>;
  };
  sessions: {
    create(session: { id: string; userId: string; tokenHash: string; expiresAt: Date }): Promise<void>;
    remove(id: string): Promise<boolean>;
    removeForUser(userId: string): Promise<number>;
  };
  apiKeys: {
    list(): Promise<ApiKey[]>;
    create(key: {
      id: string;
      name: string;
      role: Role;
      prefix: string;
      keyHash: string;
      createdBy: string | null;
    }): Promise<ApiKey>;
    revoke(id: string, at: Date): Promise<ApiKey | null>;
    touch(id: string, at: Date): Promise<void>;
  };
}

/**
 * The lookups that must cross tenants to find out *which* tenant a credential belongs to, each through
 * one SECURITY DEFINER function returning that and nothing else (ADR 0005), and the creation of a tenant.
 */
export interface AccountLookups {
  /** Creates a tenant and its owner atomically. ConflictError when the e-mail is registered. */
  createTenant(input: NewTenant): Promise<{ tenant: Tenant; owner: User }>;
  findCredentialsByEmail(email: string): Promise<UserCredentials | null>;
  findSessionByTokenHash(tokenHash: string): Promise<SessionRecord | null>;
  findApiKeyByHash(keyHash: string): Promise<ApiKeyRecord | null>;
  findInviteByTokenHash(tokenHash: string): Promise<InviteRecord | null>;
}

export type AccountStore = TenantStore<AccountRepositories> & AccountLookups;
