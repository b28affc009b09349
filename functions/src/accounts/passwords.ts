// Changing a password (the current one required; every other session signed out) and resetting a
// forgotten one by a single-use e-mailed link that works for 15 minutes. Asking for a reset answers the
// same whether or not the address has an account.
import {
  type ChangePassword,
  ForbiddenError,
  InvalidInputError,
  type MailAccepted,
  type ResetPassword,
  UnauthenticatedError,
} from '@plantwatch/shared';
import type { Principal } from '../platform/principal.ts';
import { type AccountDeps, evenly, limitAccountRequest, rateLimited, sendAccountMail } from './accounts.ts';
import { accountMail } from './mail.ts';
import { requireStrongPassword } from './password/policy.ts';
import { hashSecret, newSecret, RESET_PREFIX } from './tokens.ts';

export const RESET_LINK_TTL_MS = 15 * 60_000;
const EVEN_ANSWER_MS = 400;

export async function changePassword(
  deps: AccountDeps,
  principal: Principal,
  input: ChangePassword,
): Promise<void> {
  const { userId, sessionId } = principal;
  if (!userId || !sessionId) throw new ForbiddenError('an API key has no password: this is for users');
  const user = await deps.store.inTenant(principal.tenantId, async (repos) => ({
    security: await repos.users.security(userId),
    tenant: await repos.tenant.get(),
  }));
  if (!user.security) throw new UnauthenticatedError('the account no longer exists');
  // A stolen session must not be able to guess the current password at leisure.
  const held = await deps.limits.loginFailuresPerAccount.check(user.security.email);
  if (!held.allowed) throw rateLimited('wrong passwords', held.retryAfterSeconds);
  if (
    !user.security.passwordHash ||
    !(await deps.passwords.verify(input.currentPassword, user.security.passwordHash))
  ) {
    await deps.limits.loginFailuresPerAccount.consume(user.security.email);
    throw new InvalidInputError('currentPassword: the current password is wrong', {
      details: [{ path: 'body.currentPassword', message: 'the current password is wrong' }],
    });
  }
  if (input.newPassword === input.currentPassword) {
    throw new InvalidInputError('newPassword: the new password is the current one', {
      details: [{ path: 'body.newPassword', message: 'the new password is the current one' }],
    });
  }
  await requireStrongPassword(
    input.newPassword,
    { email: user.security.email, name: user.security.name, tenantName: user.tenant.name },
    'newPassword',
  );
  const passwordHash = await deps.passwords.hash(input.newPassword);
  await deps.store.inTenant(principal.tenantId, async (repos) => {
    const now = deps.clock.now();
    await repos.users.setPassword(userId, passwordHash, now);
    await repos.sessions.removeForUser(userId, sessionId);
    await repos.accountTokens.voidForUser(userId, ['reset-password'], now);
  });
  await sendAccountMail(deps, user.security.email, accountMail.passwordChanged('changed')).catch(
    () => undefined,
  );
}

const RESET_ACCEPTED: MailAccepted = {
  status: 'accepted',
  message:
    'If this address has an account, a link to choose a new password is on its way; it works once, for 15 minutes.',
};

export async function requestPasswordReset(
  deps: AccountDeps,
  email: string,
  clientIp: string,
): Promise<MailAccepted> {
  await limitAccountRequest(deps, clientIp, email);
  return evenly(EVEN_ANSWER_MS, async () => {
    const account = await deps.store.findCredentialsByEmail(email);
    if (!account) return RESET_ACCEPTED;
    const token = newSecret(RESET_PREFIX);
    await deps.store.inTenant(account.tenantId, async (repos) => {
      const now = deps.clock.now();
      await repos.accountTokens.voidForUser(account.userId, ['reset-password'], now);
      await repos.accountTokens.create({
        id: deps.ids.newId(),
        userId: account.userId,
        purpose: 'reset-password',
        tokenHash: hashSecret(token),
        expiresAt: new Date(now.getTime() + RESET_LINK_TTL_MS),
        context: null,
      });
    });
    await sendAccountMail(deps, email, accountMail.resetPassword(deps.links, token));
    return RESET_ACCEPTED;
  });
}

/**
 * The link's second half: a new password, every session signed out, the unknown-device lockout of
 * the account lifted (the owner just proved the mailbox is theirs). A pending sign-up is confirmed too.
 */
export async function resetPassword(deps: AccountDeps, input: ResetPassword): Promise<void> {
  const found = input.token.startsWith(RESET_PREFIX)
    ? await deps.store.findAccountTokenByHash(hashSecret(input.token))
    : null;
  const now = deps.clock.now();
  if (found?.purpose !== 'reset-password') {
    throw new UnauthenticatedError('this reset link is not valid: ask for a new one');
  }
  if (found.usedAt) throw new UnauthenticatedError('this reset link was used already: ask for a new one');
  if (found.expiresAt.getTime() <= now.getTime()) {
    throw new UnauthenticatedError(
      'this reset link has expired (links work for 15 minutes): ask for a new one',
    );
  }
  const context = await deps.store.inTenant(found.tenantId, async (repos) => ({
    user: await repos.users.security(found.userId),
    tenant: await repos.tenant.get(),
  }));
  if (!context.user) throw new UnauthenticatedError('this reset link is not valid: ask for a new one');
  await requireStrongPassword(
    input.newPassword,
    { email: context.user.email, name: context.user.name, tenantName: context.tenant.name },
    'newPassword',
  );
  const passwordHash = await deps.passwords.hash(input.newPassword);
  await deps.store.inTenant(found.tenantId, async (repos) => {
    if (!(await repos.accountTokens.use(found.tokenId, deps.clock.now()))) {
      throw new UnauthenticatedError('this reset link was used already: ask for a new one');
    }
    await repos.users.setPassword(found.userId, passwordHash, deps.clock.now());
    await repos.sessions.removeForUser(found.userId);
  });
  await deps.limits.loginFailuresPerAccount.reset(context.user.email);
  await sendAccountMail(deps, context.user.email, accountMail.passwordChanged('reset')).catch(
    () => undefined,
  );
}
