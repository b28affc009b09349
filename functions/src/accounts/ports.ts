// The ports accounts (sign-up, login, sessions, users, API keys, the tenant, account security) runs on.
import type { ApiKey, Role, SecurityPolicy, SessionInfo, Tenant, User } from '@plantwatch/shared';
import type { AreaRepositories } from '../assets/area-ports.ts';
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
  owner: {
    id: string;
    email: string;
    name: string;
    passwordHash: string;
    /** pending until the e-mail address is verified (sign-up); active when it already is (the demo). */
    status?: 'active' | 'pending';
  };
  /** The plan the tenant starts on; none: the unlimited plan (a tenant without a plan row). */
  planId?: string;
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
  /** null: no idle limit. */
  idleExpiresAt: Date | null;
  lastUsedAt: Date | null;
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

export type AccountTokenPurpose = 'verify-email' | 'reset-password' | 'mfa-code' | 'mfa-enrolment';

export interface AccountTokenRecord {
  tokenId: string;
  tenantId: string;
  userId: string;
  purpose: AccountTokenPurpose;
  expiresAt: Date;
  usedAt: Date | null;
}

/** What signing in checks about a user beyond the credentials lookup. */
export interface UserSecurity {
  id: string;
  email: string;
  name: string;
  role: Role;
  status: User['status'];
  passwordHash: string | null;
  /** Sealed TOTP secrets (platform/secret-box.ts). */
  mfaSecret: string | null;
  mfaPendingSecret: string | null;
  mfaEnabledAt: Date | null;
  mfaLastStep: number | null;
  recoveryHashes: string[];
}

export interface TrustedDeviceRecord {
  id: string;
  userId: string;
  userAgent: string | null;
  ipAddress: string | null;
  createdAt: Date;
  lastUsedAt: Date;
}

/** Where a request came from, as the API saw it (or as the web app, a trusted proxy, said). */
export interface ClientInfo {
  ip: string;
  userAgent: string | null;
}

export interface NewSession {
  id: string;
  userId: string;
  tokenHash: string;
  expiresAt: Date;
  idleExpiresAt?: Date | null;
  lastUsedAt?: Date;
  ipAddress?: string | null;
  userAgent?: string | null;
}

/** The tenant's own rows: its record, users, sessions, API keys and what secures them. */
export interface AccountRepositories {
  tenant: {
    get(): Promise<Tenant>;
    update(patch: { name?: string; timeZone?: string }): Promise<Tenant>;
    /** Deletes the tenant and all it owns: only for a sign-up whose address was never verified. */
    remove(): Promise<void>;
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
    /** An invited user sets a password: active, and the address is verified (the link proved it). */
    activate(id: string, passwordHash: string, name?: string, at?: Date): Promise<User | null>;
    update(
      id: string,
      patch: { role?: Role; siteIds?: string[] | null; name?: string },
    ): Promise<User | null>;
    remove(id: string): Promise<boolean>;
    countOwners(): Promise<number>;
    security(id: string): Promise<UserSecurity | null>;
    /** A new password; a pending user becomes active (a reset link proves the address too). */
    setPassword(id: string, passwordHash: string, at: Date): Promise<void>;
    /** A pending user's address is verified: active from now on. */
    verifyEmail(id: string, at: Date): Promise<User | null>;
    setMfa(
      id: string,
      patch: Partial<{
        mfaSecret: string | null;
        mfaPendingSecret: string | null;
        mfaEnabledAt: Date | null;
        mfaLastStep: number | null;
        recoveryHashes: string[];
      }>,
    ): Promise<void>;
    /** Accepts a TOTP time step once: false when this step (or a later one) was used already. */
    acceptMfaStep(id: string, step: number): Promise<boolean>;
    /** Uses one recovery code up: false when the user has no unused code with this hash. */
    useRecoveryCode(id: string, hash: string): Promise<boolean>;
  };
  sessions: {
    create(session: NewSession): Promise<void>;
    list(userId: string, now: Date): Promise<Omit<SessionInfo, 'current'>[]>;
    remove(id: string): Promise<boolean>;
    /** One of the user's sessions; false when it is not theirs (or not there). */
    removeOwn(userId: string, id: string): Promise<boolean>;
    removeForUser(userId: string, exceptSessionId?: string | null): Promise<number>;
    /** Ends the sessions of owners and admins without a second factor (the policy now requires one). */
    removeForAdminsWithoutMfa(exceptUserId: string | null): Promise<number>;
    /** A shorter absolute lifetime applies to the sessions already open too. */
    clampLifetime(hours: number): Promise<void>;
    touch(id: string, at: Date, idleExpiresAt: Date | null): Promise<void>;
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
  accountTokens: {
    /** Also clears the user's used and long-expired tokens, so the table stays small. */
    create(token: {
      id: string;
      userId: string;
      purpose: AccountTokenPurpose;
      tokenHash: string;
      expiresAt: Date;
      context: string | null;
    }): Promise<void>;
    /** Marks the token used, once: null when it was used already or has expired. */
    use(id: string, at: Date): Promise<{ context: string | null } | null>;
    /** One more wrong code against a challenge; how many so far. */
    addAttempt(id: string): Promise<number>;
    get(id: string): Promise<{ context: string | null; attempts: number; usedAt: Date | null } | null>;
    /** Voids the user's unused tokens of these purposes (a new link replaces the old). */
    voidForUser(userId: string, purposes: readonly AccountTokenPurpose[], at: Date): Promise<void>;
  };
  trustedDevices: {
    find(userId: string, tokenHash: string): Promise<TrustedDeviceRecord | null>;
    create(device: {
      id: string;
      userId: string;
      tokenHash: string;
      userAgent: string | null;
      ipAddress: string | null;
      at: Date;
    }): Promise<void>;
    touch(
      id: string,
      at: Date,
      client: { userAgent: string | null; ipAddress: string | null },
    ): Promise<void>;
    list(userId: string): Promise<TrustedDeviceRecord[]>;
  };
  securityPolicy: {
    /** The defaults for a tenant that never changed its policy. */
    get(): Promise<SecurityPolicy>;
    update(patch: Partial<SecurityPolicy>): Promise<SecurityPolicy>;
  };
}

/**
 * The lookups that must cross tenants to find out *which* tenant a credential belongs to, each through
 * one SECURITY DEFINER function returning that and nothing else (ADR 0005), and the creation of a tenant.
 */
export interface AccountLookups {
  /** Creates a tenant and its owner atomically. ConflictError when the e-mail is registered. */
  createTenant(input: NewTenant): Promise<{ tenant: Tenant; owner: User }>;
  /** The one account (active, or pending verification) with this address; never an invitation. */
  findCredentialsByEmail(email: string): Promise<UserCredentials | null>;
  findSessionByTokenHash(tokenHash: string): Promise<SessionRecord | null>;
  findApiKeyByHash(keyHash: string): Promise<ApiKeyRecord | null>;
  findInviteByTokenHash(tokenHash: string): Promise<InviteRecord | null>;
  findAccountTokenByHash(tokenHash: string): Promise<AccountTokenRecord | null>;
}

/**
 * The areas a user is limited to (ADR 0042) are read with the session; a store without them (a test's
 * fake) has no area-limited users.
 */
export type AccountStore = TenantStore<AccountRepositories & Partial<AreaRepositories>> & AccountLookups;

/** The default security policy: no second factor required, sessions of 12 hours, no idle limit. */
export const DEFAULT_SECURITY_POLICY: SecurityPolicy = {
  mfaRequiredForAdmins: false,
  sessionIdleMinutes: null,
  sessionAbsoluteHours: 12,
};
