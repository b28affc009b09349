// Logging in, protected so that an attacker cannot turn the protection against the account's owner:
// every attempt counts against the client address; failures count against that address and account
// in growing windows; an account-wide limit holds back only devices the account never logged in from,
// so the owner's own browser (its long-lived device token) still gets in while someone hammers the
// account from elsewhere. A user with a second factor gets a challenge instead of a session.
import {
  type Login,
  type LoginChallenge,
  type LoginResult,
  type MfaEnrolmentConfirm,
  type MfaLogin,
  type Session,
  type TotpEnrolment,
  UnauthenticatedError,
} from '@plantwatch/shared';
import { type AccountDeps, rateLimited } from './accounts.ts';
import {
  mfaRequiredFor,
  newRecoveryCodes,
  newTotpSecret,
  verifyRecoveryCode,
  verifyTotp,
} from './mfa-codes.ts';
import type { AccountRepositories, AccountTokenPurpose, ClientInfo } from './ports.ts';
import { knownDevice, openSession } from './session.ts';
import { CHALLENGE_PREFIX, hashSecret, newSecret } from './tokens.ts';

/** One message for every failed login: a wrong password, an unknown or unverified address. */
const WRONG_CREDENTIALS =
  'e-mail address or password is wrong (a new account must first be confirmed with the link we e-mailed)';
const CHALLENGE_TTL_MS = 5 * 60_000;
const CHALLENGE_ATTEMPTS = 5;

const decoys = new WeakMap<AccountDeps['passwords'], Promise<string>>();
function decoyHash(deps: AccountDeps): Promise<string> {
  let decoy = decoys.get(deps.passwords);
  if (!decoy) {
    decoy = deps.passwords.hash('decoy password that matches nothing');
    decoys.set(deps.passwords, decoy);
  }
  return decoy;
}

type Verdict = { allowed: true } | { allowed: false; retryAfterSeconds: number };
const longest = (verdicts: Verdict[]) =>
  verdicts.reduce((wait, v) => (v.allowed ? wait : Math.max(wait, v.retryAfterSeconds)), 0);

interface ChallengeContext {
  deviceToken?: string;
  ip: string;
  userAgent: string | null;
}

async function newChallenge(
  deps: AccountDeps,
  repos: AccountRepositories,
  userId: string,
  purpose: AccountTokenPurpose & ('mfa-code' | 'mfa-enrolment'),
  context: ChallengeContext,
): Promise<LoginChallenge> {
  const now = deps.clock.now();
  const challengeToken = newSecret(CHALLENGE_PREFIX);
  const expiresAt = new Date(now.getTime() + CHALLENGE_TTL_MS);
  await repos.accountTokens.voidForUser(userId, ['mfa-code', 'mfa-enrolment'], now);
  await repos.accountTokens.create({
    id: deps.ids.newId(),
    userId,
    purpose,
    tokenHash: hashSecret(challengeToken),
    expiresAt,
    context: JSON.stringify(context),
  });
  return { challenge: purpose, challengeToken, expiresAt: expiresAt.toISOString() };
}

export async function logIn(deps: AccountDeps, input: Login, client: ClientInfo): Promise<LoginResult> {
  const { limits } = deps;
  const perIp = await limits.loginAttemptsPerIp.consume(client.ip);
  if (!perIp.allowed) throw rateLimited('login attempts', perIp.retryAfterSeconds);

  const credentials = await deps.store.findCredentialsByEmail(input.email);
  const device =
    credentials && input.deviceToken
      ? await deps.store.inTenant(credentials.tenantId, (repos) =>
          knownDevice(repos, credentials.userId, input.deviceToken),
        )
      : null;
  const ipAccountKey = `${client.ip}|${input.email}`;
  // A device this account logged in from is held back only by its own failures; any other by the account's.
  const deviceKey = device ? `${credentials?.userId}|${device.id}` : null;
  const held = longest([
    ...(await Promise.all(limits.loginFailuresPerIpAndAccount.map((limiter) => limiter.check(ipAccountKey)))),
    deviceKey
      ? await limits.loginFailuresPerDevice.check(deviceKey)
      : await limits.loginFailuresPerAccount.check(input.email),
  ]);
  if (held > 0) throw rateLimited('failed logins', held);

  // Verify against something even for an unknown address, so timing does not reveal which exist.
  const verified = await deps.passwords.verify(
    input.password,
    credentials?.passwordHash ?? (await decoyHash(deps)),
  );
  if (credentials?.status !== 'active' || !credentials.passwordHash || !verified) {
    const counted = [
      ...(await Promise.all(
        limits.loginFailuresPerIpAndAccount.map((limiter) => limiter.consume(ipAccountKey)),
      )),
      deviceKey
        ? await limits.loginFailuresPerDevice.consume(deviceKey)
        : await limits.loginFailuresPerAccount.consume(input.email),
    ];
    const wait = longest(counted);
    if (wait > 0) throw rateLimited('failed logins', wait);
    throw new UnauthenticatedError(WRONG_CREDENTIALS);
  }
  await Promise.all(limits.loginFailuresPerIpAndAccount.map((limiter) => limiter.reset(ipAccountKey)));
  // The owner logging in from a known device does not wipe the count of someone guessing elsewhere.
  if (deviceKey) await limits.loginFailuresPerDevice.reset(deviceKey);
  else await limits.loginFailuresPerAccount.reset(input.email);

  return deps.store.inTenant(credentials.tenantId, async (repos) => {
    const user = await repos.users.security(credentials.userId);
    if (!user) throw new UnauthenticatedError(WRONG_CREDENTIALS);
    const context: ChallengeContext = {
      ...(input.deviceToken ? { deviceToken: input.deviceToken } : {}),
      ip: client.ip,
      userAgent: client.userAgent,
    };
    if (user.mfaEnabledAt) return newChallenge(deps, repos, user.id, 'mfa-code', context);
    if (mfaRequiredFor(await repos.securityPolicy.get(), user.role)) {
      return newChallenge(deps, repos, user.id, 'mfa-enrolment', context);
    }
    return openSession(deps, repos, user.id, client, input.deviceToken);
  });
}

const BAD_CHALLENGE = 'this login step is unknown, used or expired: log in again';

/** Finds a live challenge of the purpose; counts a wrong code and voids the challenge at the fifth. */
async function withChallenge<T>(
  deps: AccountDeps,
  challengeToken: string,
  purpose: 'mfa-code' | 'mfa-enrolment',
  work: (
    repos: AccountRepositories,
    userId: string,
    context: ChallengeContext,
    tokenId: string,
  ) => Promise<T>,
): Promise<T> {
  const found = challengeToken.startsWith(CHALLENGE_PREFIX)
    ? await deps.store.findAccountTokenByHash(hashSecret(challengeToken))
    : null;
  const now = deps.clock.now();
  if (!found || found.purpose !== purpose || found.usedAt || found.expiresAt.getTime() <= now.getTime()) {
    throw new UnauthenticatedError(BAD_CHALLENGE);
  }
  const held = await deps.limits.mfaFailuresPerUser.check(found.userId);
  if (!held.allowed) throw rateLimited('wrong codes', held.retryAfterSeconds);
  return deps.store.inTenant(found.tenantId, async (repos) => {
    const token = await repos.accountTokens.get(found.tokenId);
    if (!token || token.usedAt || token.attempts >= CHALLENGE_ATTEMPTS) {
      throw new UnauthenticatedError(BAD_CHALLENGE);
    }
    const context = JSON.parse(token.context ?? '{}') as ChallengeContext;
    return work(repos, found.userId, context, found.tokenId);
  });
}

/** A wrong code: counted against the challenge and the user; the caller's transaction keeps the count. */
async function wrongCode(deps: AccountDeps, repos: AccountRepositories, userId: string, tokenId: string) {
  const attempts = await repos.accountTokens.addAttempt(tokenId);
  const perUser = await deps.limits.mfaFailuresPerUser.consume(userId);
  const left = CHALLENGE_ATTEMPTS - attempts;
  return left > 0 && perUser.allowed
    ? `the code is wrong; ${left} ${left === 1 ? 'try' : 'tries'} left`
    : 'the code is wrong, and this login step is used up: log in again';
}

/** A wrong code is answered after the transaction commits, so that its count is kept. */
type Outcome<T> = { ok: T } | { wrong: string };
const settle = <T>(outcome: Outcome<T>): T => {
  if ('wrong' in outcome) throw new UnauthenticatedError(outcome.wrong);
  return outcome.ok;
};

/** The second step: a code from the authenticator app, or one recovery code. */
export async function logInWithSecondFactor(deps: AccountDeps, input: MfaLogin): Promise<Session> {
  return settle(
    await withChallenge(
      deps,
      input.challengeToken,
      'mfa-code',
      async (repos, userId, context, tokenId): Promise<Outcome<Session>> => {
        const user = await repos.users.security(userId);
        if (!user?.mfaSecret || user.status !== 'active') throw new UnauthenticatedError(BAD_CHALLENGE);
        const now = deps.clock.now();
        const good = input.code
          ? await verifyTotp(deps, repos, user, input.code, now)
          : await verifyRecoveryCode(repos, user.id, input.recoveryCode ?? '');
        if (!good) return { wrong: await wrongCode(deps, repos, userId, tokenId) };
        if (!(await repos.accountTokens.use(tokenId, now))) throw new UnauthenticatedError(BAD_CHALLENGE);
        await deps.limits.mfaFailuresPerUser.reset(userId);
        const client = { ip: context.ip, userAgent: context.userAgent };
        return { ok: await openSession(deps, repos, userId, client, context.deviceToken) };
      },
    ),
  );
}

/** The tenant requires a second factor the user has not set up: a secret to put in the app first. */
export function startEnrolmentAtLogin(deps: AccountDeps, challengeToken: string): Promise<TotpEnrolment> {
  return withChallenge(deps, challengeToken, 'mfa-enrolment', async (repos, userId) => {
    const user = await repos.users.security(userId);
    if (!user) throw new UnauthenticatedError(BAD_CHALLENGE);
    const { enrolment, sealed } = newTotpSecret(deps, user);
    await repos.users.setMfa(userId, { mfaPendingSecret: sealed });
    return enrolment;
  });
}

/** The first code from the app confirms the secret: two-step login is on, and the session starts. */
export async function confirmEnrolmentAtLogin(
  deps: AccountDeps,
  input: MfaEnrolmentConfirm,
): Promise<Session> {
  const outcome = await withChallenge(
    deps,
    input.challengeToken,
    'mfa-enrolment',
    async (repos, userId, context, tokenId): Promise<Outcome<Session>> => {
      const user = await repos.users.security(userId);
      if (!user?.mfaPendingSecret) {
        throw new UnauthenticatedError(
          'start the set-up first: ask for a secret to put in your authenticator app',
        );
      }
      const now = deps.clock.now();
      const pending = { ...user, mfaSecret: user.mfaPendingSecret };
      if (!(await verifyTotp(deps, repos, pending, input.code, now))) {
        return { wrong: await wrongCode(deps, repos, userId, tokenId) };
      }
      if (!(await repos.accountTokens.use(tokenId, now))) throw new UnauthenticatedError(BAD_CHALLENGE);
      const codes = newRecoveryCodes();
      await repos.users.setMfa(userId, {
        mfaSecret: user.mfaPendingSecret,
        mfaPendingSecret: null,
        mfaEnabledAt: now,
        recoveryHashes: codes.hashes,
      });
      const client = { ip: context.ip, userAgent: context.userAgent };
      const session = await openSession(deps, repos, userId, client, context.deviceToken);
      return { ok: { ...session, recoveryCodes: codes.codes } };
    },
  );
  return settle(outcome);
}
