// Sessions: opened at the end of a login (with the tenant's lifetimes, and the device remembered),
// found again from the bearer token on every request (absolute and idle ends checked, last use
// recorded once a minute), and API keys beside them.
import { type Role, type Session, UnauthenticatedError } from '@plantwatch/shared';
import type { Principal } from '../platform/principal.ts';
import type { AccountDeps } from './deps.ts';
import type { AccountRepositories, ClientInfo } from './ports.ts';
import { API_KEY_PREFIX, DEVICE_PREFIX, hashSecret, newSecret, SESSION_PREFIX } from './tokens.ts';

const MINUTE_MS = 60_000;
const HOUR_MS = 3_600_000;
const TOUCH_INTERVAL_MS = MINUTE_MS;

/** The device a login presented (its long-lived token), if it is one this user logged in from. */
export async function knownDevice(
  repos: AccountRepositories,
  userId: string,
  deviceToken: string | undefined,
): Promise<{ id: string } | null> {
  if (!deviceToken?.startsWith(DEVICE_PREFIX)) return null;
  return repos.trustedDevices.find(userId, hashSecret(deviceToken));
}

/**
 * The end of a successful login: a session with the tenant's lifetimes, and the device remembered
 * (a new device gets a token to keep, so its next login is not held back by failures elsewhere).
 */
export async function openSession(
  deps: Pick<AccountDeps, 'clock' | 'ids'>,
  repos: AccountRepositories,
  userId: string,
  client: ClientInfo,
  deviceToken?: string,
): Promise<Session> {
  const now = deps.clock.now();
  const policy = await repos.securityPolicy.get();
  const token = newSecret(SESSION_PREFIX);
  const expiresAt = new Date(now.getTime() + policy.sessionAbsoluteHours * HOUR_MS);
  const idleExpiresAt = policy.sessionIdleMinutes
    ? new Date(now.getTime() + policy.sessionIdleMinutes * MINUTE_MS)
    : null;
  await repos.sessions.create({
    id: deps.ids.newId(),
    userId,
    tokenHash: hashSecret(token),
    expiresAt,
    idleExpiresAt,
    lastUsedAt: now,
    ipAddress: client.ip,
    userAgent: client.userAgent,
  });
  const device = await knownDevice(repos, userId, deviceToken);
  let newDeviceToken: string | undefined;
  if (device) {
    await repos.trustedDevices.touch(device.id, now, { userAgent: client.userAgent, ipAddress: client.ip });
  } else {
    newDeviceToken = newSecret(DEVICE_PREFIX);
    await repos.trustedDevices.create({
      id: deps.ids.newId(),
      userId,
      tokenHash: hashSecret(newDeviceToken),
      userAgent: client.userAgent,
      ipAddress: client.ip,
      at: now,
    });
  }
  const user = await repos.users.get(userId);
  if (!user) throw new UnauthenticatedError('the account no longer exists');
  return {
    token,
    expiresAt: expiresAt.toISOString(),
    user,
    tenant: await repos.tenant.get(),
    ...(newDeviceToken ? { deviceToken: newDeviceToken } : {}),
  };
}

const apiKeyLastTouched = new Map<string, number>();

/**
 * The areas an operator or viewer is limited to (ADR 0042), read on every request like the role and
 * sites, so a change takes effect on the next one; null when the user has none. Roles above cannot
 * be limited to areas (the user routes refuse it), so they cost no read.
 */
async function areaScopeOf(
  deps: Pick<AccountDeps, 'store'>,
  session: { tenantId: string; userId: string; role: Role; siteIds: string[] | null },
): Promise<{ wholeSiteIds: string[]; assetIds: string[]; siteIds: string[] } | null> {
  if (session.role !== 'operator' && session.role !== 'viewer') return null;
  const areas = await deps.store.inTenant(session.tenantId, async (repos) =>
    repos.areas ? repos.areas.ofUser(session.userId) : [],
  );
  if (areas.length === 0) return null;
  return {
    wholeSiteIds: session.siteIds ?? [],
    assetIds: areas.map((area) => area.assetId),
    siteIds: areas.map((area) => area.siteId),
  };
}

/** Resolves `Authorization: Bearer …` to a principal, or throws UnauthenticatedError. */
export async function authenticate(
  deps: Pick<AccountDeps, 'store' | 'clock'>,
  authorization: string | undefined,
): Promise<Principal> {
  const match = authorization?.match(/^Bearer\s+(\S+)$/i);
  if (!match?.[1]) throw new UnauthenticatedError('send Authorization: Bearer <session token or API key>');
  const secret = match[1];
  const now = deps.clock.now();

  if (secret.startsWith(SESSION_PREFIX)) {
    const session = await deps.store.findSessionByTokenHash(hashSecret(secret));
    const ended =
      !session ||
      session.expiresAt.getTime() <= now.getTime() ||
      (session.idleExpiresAt !== null && session.idleExpiresAt.getTime() <= now.getTime()) ||
      session.userStatus !== 'active';
    if (ended) throw new UnauthenticatedError('the session has expired or was ended; log in again');
    // Recording every use would turn every read into a write; once a minute keeps the idle end and
    // the sessions list right to the minute.
    if (!session.lastUsedAt || now.getTime() - session.lastUsedAt.getTime() >= TOUCH_INTERVAL_MS) {
      await deps.store.inTenant(session.tenantId, async (repos) => {
        const policy = await repos.securityPolicy.get();
        const idle = policy.sessionIdleMinutes
          ? new Date(now.getTime() + policy.sessionIdleMinutes * MINUTE_MS)
          : null;
        await repos.sessions.touch(session.sessionId, now, idle);
      });
    }
    const scope = await areaScopeOf(deps, session);
    return {
      tenantId: session.tenantId,
      role: session.role,
      siteIds: scope ? [...new Set([...scope.wholeSiteIds, ...scope.siteIds])] : session.siteIds,
      ...(scope ? { areas: { wholeSiteIds: scope.wholeSiteIds, assetIds: scope.assetIds } } : {}),
      userId: session.userId,
      apiKeyId: null,
      sessionId: session.sessionId,
    };
  }

  if (secret.startsWith(API_KEY_PREFIX)) {
    const key = await deps.store.findApiKeyByHash(hashSecret(secret));
    if (!key || key.revokedAt !== null) throw new UnauthenticatedError('the API key is unknown or revoked');
    const last = apiKeyLastTouched.get(key.apiKeyId) ?? 0;
    if (now.getTime() - last >= TOUCH_INTERVAL_MS) {
      apiKeyLastTouched.set(key.apiKeyId, now.getTime());
      await deps.store.inTenant(key.tenantId, (repos) => repos.apiKeys.touch(key.apiKeyId, now));
    }
    return {
      tenantId: key.tenantId,
      role: key.role,
      siteIds: null,
      userId: null,
      apiKeyId: key.apiKeyId,
      sessionId: null,
    };
  }

  throw new UnauthenticatedError(
    'the bearer token is neither a session token (pws_…) nor an API key (pwk_…)',
  );
}
