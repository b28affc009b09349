// Two-step login from the user's own settings: its state, setting up TOTP (a secret, then the first
// code confirms it and gives ten recovery codes), new recovery codes, turning it off.
import {
  ConflictError,
  type DisableMfa,
  ForbiddenError,
  InvalidInputError,
  type MfaStatus,
  type RecoveryCodes,
  type TotpEnrolment,
  UnauthenticatedError,
} from '@plantwatch/shared';
import type { Principal } from '../platform/principal.ts';
import { type AccountDeps, rateLimited, sendAccountMail } from './accounts.ts';
import { accountMail } from './mail.ts';
import { mfaRequiredFor, newRecoveryCodes, newTotpSecret, verifyTotp } from './mfa-codes.ts';
import type { AccountRepositories, UserSecurity } from './ports.ts';

function userOf(principal: Principal): string {
  if (!principal.userId) throw new ForbiddenError('an API key has no second factor: this is for users');
  return principal.userId;
}

async function securityOf(repos: AccountRepositories, userId: string): Promise<UserSecurity> {
  const user = await repos.users.security(userId);
  if (!user) throw new UnauthenticatedError('the account no longer exists');
  return user;
}

/** A code must be right, and wrong ones are counted (a stolen session cannot guess its way on). */
async function requireCode(
  deps: AccountDeps,
  repos: AccountRepositories,
  user: Pick<UserSecurity, 'id' | 'email' | 'mfaSecret'>,
  code: string,
): Promise<void> {
  const held = await deps.limits.mfaFailuresPerUser.check(user.id);
  if (!held.allowed) throw rateLimited('wrong codes', held.retryAfterSeconds);
  if (await verifyTotp(deps, repos, user, code, deps.clock.now())) return;
  await deps.limits.mfaFailuresPerUser.consume(user.id);
  throw new InvalidInputError('code: the code is wrong (is the phone’s clock right?)', {
    details: [{ path: 'body.code', message: 'the code is wrong' }],
  });
}

export function getMfaStatus(deps: AccountDeps, principal: Principal): Promise<MfaStatus> {
  const userId = userOf(principal);
  return deps.store.inTenant(principal.tenantId, async (repos) => {
    const user = await securityOf(repos, userId);
    return {
      enabled: user.mfaEnabledAt !== null,
      enabledAt: user.mfaEnabledAt?.toISOString() ?? null,
      recoveryCodesLeft: user.mfaEnabledAt ? user.recoveryHashes.length : 0,
      requiredByPolicy: mfaRequiredFor(await repos.securityPolicy.get(), user.role),
    };
  });
}

export function startTotpEnrolment(deps: AccountDeps, principal: Principal): Promise<TotpEnrolment> {
  const userId = userOf(principal);
  return deps.store.inTenant(principal.tenantId, async (repos) => {
    const user = await securityOf(repos, userId);
    if (user.mfaEnabledAt)
      throw new ConflictError('two-step login is on already: turn it off first to change the app');
    const { enrolment, sealed } = newTotpSecret(deps, user);
    await repos.users.setMfa(userId, { mfaPendingSecret: sealed });
    return enrolment;
  });
}

export async function confirmTotpEnrolment(
  deps: AccountDeps,
  principal: Principal,
  code: string,
): Promise<RecoveryCodes> {
  const userId = userOf(principal);
  const result = await deps.store.inTenant(principal.tenantId, async (repos) => {
    const user = await securityOf(repos, userId);
    if (user.mfaEnabledAt) throw new ConflictError('two-step login is on already');
    if (!user.mfaPendingSecret) {
      throw new ConflictError('start the set-up first: ask for a secret to put in your authenticator app');
    }
    await requireCode(deps, repos, { ...user, mfaSecret: user.mfaPendingSecret }, code);
    const codes = newRecoveryCodes();
    await repos.users.setMfa(userId, {
      mfaSecret: user.mfaPendingSecret,
      mfaPendingSecret: null,
      mfaEnabledAt: deps.clock.now(),
      recoveryHashes: codes.hashes,
    });
    return { email: user.email, codes: codes.codes };
  });
  await sendAccountMail(deps, result.email, accountMail.mfaChanged(true)).catch(() => undefined);
  return { recoveryCodes: result.codes };
}

export function newRecoveryCodesFor(
  deps: AccountDeps,
  principal: Principal,
  code: string,
): Promise<RecoveryCodes> {
  const userId = userOf(principal);
  return deps.store.inTenant(principal.tenantId, async (repos) => {
    const user = await securityOf(repos, userId);
    if (!user.mfaEnabledAt) throw new ConflictError('two-step login is off: there are no recovery codes');
    await requireCode(deps, repos, user, code);
    const codes = newRecoveryCodes();
    await repos.users.setMfa(userId, { recoveryHashes: codes.hashes });
    return { recoveryCodes: codes.codes };
  });
}

export async function disableMfa(deps: AccountDeps, principal: Principal, input: DisableMfa): Promise<void> {
  const userId = userOf(principal);
  const email = await deps.store.inTenant(principal.tenantId, async (repos) => {
    const user = await securityOf(repos, userId);
    if (!user.mfaEnabledAt) throw new ConflictError('two-step login is off already');
    if (mfaRequiredFor(await repos.securityPolicy.get(), user.role)) {
      throw new ConflictError(
        "your organisation requires two-step login for owners and admins: it stays on (an owner can change the organisation's policy)",
      );
    }
    if (!user.passwordHash || !(await deps.passwords.verify(input.password, user.passwordHash))) {
      throw new InvalidInputError('password: the password is wrong', {
        details: [{ path: 'body.password', message: 'the password is wrong' }],
      });
    }
    await requireCode(deps, repos, user, input.code);
    await repos.users.setMfa(userId, {
      mfaSecret: null,
      mfaPendingSecret: null,
      mfaEnabledAt: null,
      mfaLastStep: null,
      recoveryHashes: [],
    });
    return user.email;
  });
  await sendAccountMail(deps, email, accountMail.mfaChanged(false)).catch(() => undefined);
}
