// The caller's sessions (list, end one, end all), the tenant's security policy, and what an admin sees
// and can do about a user's login protection (lockout of unknown devices, known devices, sessions).
import {
  ConflictError,
  ForbiddenError,
  type LoginProtection,
  NotFoundError,
  type SecurityPolicy,
  type SessionInfo,
  type UpdateSecurityPolicy,
} from '@plantwatch/shared';
import { type Principal, requireRole } from '../platform/principal.ts';
import type { AccountDeps } from './accounts.ts';
import type { AccountRepositories } from './ports.ts';

function sessionUser(principal: Principal): { userId: string; sessionId: string } {
  if (!principal.userId || !principal.sessionId) {
    throw new ForbiddenError('an API key has no sessions: this is for users logged in');
  }
  return { userId: principal.userId, sessionId: principal.sessionId };
}

export function listMySessions(deps: AccountDeps, principal: Principal): Promise<SessionInfo[]> {
  const { userId, sessionId } = sessionUser(principal);
  return deps.store.inTenant(principal.tenantId, async (repos) =>
    (await repos.sessions.list(userId, deps.clock.now())).map((s) => ({ ...s, current: s.id === sessionId })),
  );
}

export async function endMySession(deps: AccountDeps, principal: Principal, id: string): Promise<void> {
  const { userId } = sessionUser(principal);
  const ended = await deps.store.inTenant(principal.tenantId, (repos) =>
    repos.sessions.removeOwn(userId, id),
  );
  if (!ended) throw new NotFoundError('session not found');
}

/** Signs the caller out everywhere (`keepCurrent`: everywhere else). */
export async function endMySessions(
  deps: AccountDeps,
  principal: Principal,
  keepCurrent: boolean,
): Promise<void> {
  const { userId, sessionId } = sessionUser(principal);
  await deps.store.inTenant(principal.tenantId, (repos) =>
    repos.sessions.removeForUser(userId, keepCurrent ? sessionId : null),
  );
}

export function getSecurityPolicy(deps: AccountDeps, principal: Principal): Promise<SecurityPolicy> {
  return deps.store.inTenant(principal.tenantId, (repos) => repos.securityPolicy.get());
}

/**
 * Changes the policy. Requiring a second factor needs the owner changing it to have one (no one locks
 * the tenant's owners out by accident) and signs out owners and admins who have none: they set one up
 * at their next login. A shorter session lifetime shortens the sessions already open.
 */
export function updateSecurityPolicy(
  deps: AccountDeps,
  principal: Principal,
  patch: UpdateSecurityPolicy,
): Promise<SecurityPolicy> {
  return deps.store.inTenant(principal.tenantId, async (repos) => {
    const before = await repos.securityPolicy.get();
    if (patch.mfaRequiredForAdmins && !before.mfaRequiredForAdmins) {
      const me = principal.userId ? await repos.users.security(principal.userId) : null;
      if (!me?.mfaEnabledAt) {
        throw new ConflictError(
          'set up two-step login for yourself first: the policy would otherwise sign you out until you do',
        );
      }
    }
    const updated = await repos.securityPolicy.update(patch);
    if (updated.mfaRequiredForAdmins && !before.mfaRequiredForAdmins) {
      await repos.sessions.removeForAdminsWithoutMfa(principal.userId);
    }
    if (updated.sessionAbsoluteHours < before.sessionAbsoluteHours) {
      await repos.sessions.clampLifetime(updated.sessionAbsoluteHours);
    }
    return updated;
  });
}

async function userOr404(repos: AccountRepositories, principal: Principal, userId: string) {
  const user = await repos.users.get(userId);
  if (!user) throw new NotFoundError('user not found');
  if (user.role === 'owner' && principal.role !== 'owner') {
    throw new ForbiddenError("only an owner can see or change an owner's login protection");
  }
  return user;
}

export async function getLoginProtection(
  deps: AccountDeps,
  principal: Principal,
  userId: string,
): Promise<LoginProtection> {
  requireRole(principal, 'admin');
  const { user, devices } = await deps.store.inTenant(principal.tenantId, async (repos) => {
    const found = await userOr404(repos, principal, userId);
    return { user: found, devices: await repos.trustedDevices.list(userId) };
  });
  const lock = await deps.limits.loginFailuresPerAccount.check(user.email);
  const now = deps.clock.now();
  return {
    userId: user.id,
    email: user.email,
    unknownDevices: lock.allowed
      ? { lockedOut: false, retryAfterSeconds: 0, lockedUntil: null }
      : {
          lockedOut: true,
          retryAfterSeconds: lock.retryAfterSeconds,
          lockedUntil: new Date(now.getTime() + lock.retryAfterSeconds * 1000).toISOString(),
        },
    knownDevices: devices.map((d) => ({
      id: d.id,
      userAgent: d.userAgent,
      ipAddress: d.ipAddress,
      firstSeenAt: d.createdAt.toISOString(),
      lastUsedAt: d.lastUsedAt.toISOString(),
    })),
    mfaEnabled: user.mfaEnabled,
  };
}

/** Lifts the lockout of unknown devices (the user confirmed by phone that the failures were theirs). */
export async function clearLoginLockout(
  deps: AccountDeps,
  principal: Principal,
  userId: string,
): Promise<void> {
  const user = await deps.store.inTenant(principal.tenantId, (repos) => userOr404(repos, principal, userId));
  await deps.limits.loginFailuresPerAccount.reset(user.email);
}

/** Signs a user out everywhere (a lost laptop, a person leaving). */
export async function endUserSessions(
  deps: AccountDeps,
  principal: Principal,
  userId: string,
): Promise<void> {
  await deps.store.inTenant(principal.tenantId, async (repos) => {
    await userOr404(repos, principal, userId);
    await repos.sessions.removeForUser(userId);
  });
}
