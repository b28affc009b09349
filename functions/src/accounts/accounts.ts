// Sign-up, log-in, log-out, invitations and bearer authentication.
import {
  type AcceptInvite,
  ForbiddenError,
  type Login,
  type Me,
  RateLimitedError,
  type Session,
  type SignUp,
  UnauthenticatedError,
} from '@plantwatch/shared';
import type { Clock } from '../platform/clock.ts';
import type { IdGenerator } from '../platform/id-generator.ts';
import type { Principal } from '../platform/principal.ts';
import type { AccountRepositories, AccountStore, PasswordHasher, RateLimiter } from './ports.ts';
import { API_KEY_PREFIX, hashSecret, newSecret, SESSION_PREFIX } from './tokens.ts';

/** The ports sign-up, login, sessions and authentication run on. */
export interface AccountDeps {
  store: AccountStore;
  passwords: PasswordHasher;
  clock: Clock;
  ids: IdGenerator;
  /** Every login attempt from one client address. */
  loginAttemptsPerIp: RateLimiter;
  /** Failed login attempts against one account. */
  loginFailuresPerAccount: RateLimiter;
  sessionTtlMs: number;
}

const WRONG_CREDENTIALS = 'e-mail address or password is wrong';

async function openSession(deps: AccountDeps, repos: AccountRepositories, userId: string): Promise<Session> {
  const token = newSecret(SESSION_PREFIX);
  const expiresAt = new Date(deps.clock.now().getTime() + deps.sessionTtlMs);
  await repos.sessions.create({ id: deps.ids.newId(), userId, tokenHash: hashSecret(token), expiresAt });
  const user = await repos.users.get(userId);
  if (!user) throw new UnauthenticatedError(WRONG_CREDENTIALS);
  return { token, expiresAt: expiresAt.toISOString(), user, tenant: await repos.tenant.get() };
}

export async function signUp(deps: AccountDeps, input: SignUp): Promise<Session> {
  const passwordHash = await deps.passwords.hash(input.password);
  const tenantId = deps.ids.newId();
  const { owner } = await deps.store.createTenant({
    tenant: { id: tenantId, name: input.tenantName, timeZone: input.timeZone },
    owner: { id: deps.ids.newId(), email: input.email, name: input.name, passwordHash },
  });
  return deps.store.inTenant(tenantId, (repos) => openSession(deps, repos, owner.id));
}

function rateLimited(retryAfterSeconds: number): RateLimitedError {
  return new RateLimitedError(
    `too many login attempts; try again in ${retryAfterSeconds} s`,
    retryAfterSeconds,
  );
}

export async function logIn(deps: AccountDeps, input: Login, clientIp: string): Promise<Session> {
  const perIp = await deps.loginAttemptsPerIp.consume(clientIp);
  if (!perIp.allowed) throw rateLimited(perIp.retryAfterSeconds);
  const accountKey = input.email;
  const perAccount = await deps.loginFailuresPerAccount.check(accountKey);
  if (!perAccount.allowed) throw rateLimited(perAccount.retryAfterSeconds);

  const credentials = await deps.store.findCredentialsByEmail(input.email);
  // Verify against something even for an unknown e-mail, so timing does not reveal which exist.
  const verified = await deps.passwords.verify(
    input.password,
    credentials?.passwordHash ?? (await decoyHash(deps)),
  );
  if (credentials?.status !== 'active' || !credentials.passwordHash || !verified) {
    const failure = await deps.loginFailuresPerAccount.consume(accountKey);
    if (!failure.allowed) throw rateLimited(failure.retryAfterSeconds);
    throw new UnauthenticatedError(WRONG_CREDENTIALS);
  }
  await deps.loginFailuresPerAccount.reset(accountKey);
  return deps.store.inTenant(credentials.tenantId, (repos) => openSession(deps, repos, credentials.userId));
}

const decoys = new WeakMap<AccountDeps['passwords'], Promise<string>>();
function decoyHash(deps: AccountDeps): Promise<string> {
  let decoy = decoys.get(deps.passwords);
  if (!decoy) {
    decoy = deps.passwords.hash('decoy password that matches nothing');
    decoys.set(deps.passwords, decoy);
  }
  return decoy;
}

export async function logOut(deps: AccountDeps, principal: Principal): Promise<void> {
  const { sessionId } = principal;
  if (!sessionId) throw new ForbiddenError('an API key has no session to log out of; revoke the key instead');
  await deps.store.inTenant(principal.tenantId, (repos) => repos.sessions.remove(sessionId));
}

export async function acceptInvite(deps: AccountDeps, input: AcceptInvite): Promise<Session> {
  const invite = await deps.store.findInviteByTokenHash(hashSecret(input.token));
  if (!invite || invite.expiresAt.getTime() <= deps.clock.now().getTime()) {
    throw new UnauthenticatedError('this invitation is unknown, used or expired; ask for a new one');
  }
  const passwordHash = await deps.passwords.hash(input.password);
  return deps.store.inTenant(invite.tenantId, async (repos) => {
    const user = await repos.users.activate(invite.userId, passwordHash, input.name);
    if (!user)
      throw new UnauthenticatedError('this invitation is unknown, used or expired; ask for a new one');
    return openSession(deps, repos, user.id);
  });
}

const apiKeyLastTouched = new Map<string, number>();
const TOUCH_INTERVAL_MS = 60_000;

/** Resolves `Authorization: Bearer …` to a principal, or throws UnauthenticatedError. */
export async function authenticate(deps: AccountDeps, authorization: string | undefined): Promise<Principal> {
  const match = authorization?.match(/^Bearer\s+(\S+)$/i);
  if (!match?.[1]) throw new UnauthenticatedError('send Authorization: Bearer <session token or API key>');
  const secret = match[1];
  const now = deps.clock.now();

  if (secret.startsWith(SESSION_PREFIX)) {
    const session = await deps.store.findSessionByTokenHash(hashSecret(secret));
    if (!session || session.expiresAt.getTime() <= now.getTime() || session.userStatus !== 'active') {
      throw new UnauthenticatedError('the session has expired or was ended; log in again');
    }
    return {
      tenantId: session.tenantId,
      role: session.role,
      siteIds: session.siteIds,
      userId: session.userId,
      apiKeyId: null,
      sessionId: session.sessionId,
    };
  }

  if (secret.startsWith(API_KEY_PREFIX)) {
    const key = await deps.store.findApiKeyByHash(hashSecret(secret));
    if (!key || key.revokedAt !== null) throw new UnauthenticatedError('the API key is unknown or revoked');
    // Recording last use on every request would turn every read into a write; once a minute is enough.
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

export async function describeCaller(deps: AccountDeps, principal: Principal): Promise<Me> {
  return deps.store.inTenant(principal.tenantId, async (repos) => ({
    user: principal.userId ? await repos.users.get(principal.userId) : null,
    tenant: await repos.tenant.get(),
    role: principal.role,
    via: principal.sessionId ? 'session' : 'apiKey',
  }));
}
