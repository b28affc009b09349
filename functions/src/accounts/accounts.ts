// Sign-up with e-mail verification, invitations, log-out and who is calling. Sign-up answers the same
// whether or not the address is registered (it says so only by e-mail, to the address), so the API
// cannot be used to find out who has an account; an unverified account cannot log in.
import {
  type AcceptInvite,
  ConflictError,
  ForbiddenError,
  type MailAccepted,
  type Me,
  RateLimitedError,
  type Session,
  type SignUp,
  type SignUpAccepted,
  UnauthenticatedError,
} from '@plantwatch/shared';
import { logger } from '../platform/observability.ts';
import type { Principal } from '../platform/principal.ts';
import type { AccountDeps } from './deps.ts';
import { accountMail } from './mail.ts';
import { requireStrongPassword } from './password/policy.ts';
import type { AccountRepositories, ClientInfo } from './ports.ts';
import { openSession } from './session.ts';
import { hashSecret, newSecret, VERIFY_PREFIX } from './tokens.ts';

export type { AccountDeps, AccountLimits } from './deps.ts';
export { authenticate } from './session.ts';

const HOUR_MS = 3_600_000;
export const VERIFY_LINK_TTL_MS = 24 * HOUR_MS;
/** Answers that must not tell a registered address from another take at least this long. */
const EVEN_ANSWER_MS = 400;

export function rateLimited(what: string, retryAfterSeconds: number): RateLimitedError {
  return new RateLimitedError(`too many ${what}; try again in ${retryAfterSeconds} s`, retryAfterSeconds);
}

/** Throttles a request that sends e-mail: per client address, and per address mailed. */
export async function limitAccountRequest(deps: AccountDeps, clientIp: string, email: string): Promise<void> {
  const perIp = await deps.limits.accountRequestsPerIp.consume(clientIp);
  if (!perIp.allowed) throw rateLimited('requests from this address', perIp.retryAfterSeconds);
  const perAddress = await deps.limits.accountMailsPerAddress.consume(email);
  if (!perAddress.allowed) throw rateLimited('e-mails to this address', perAddress.retryAfterSeconds);
}

/** Runs `work`, then waits until `ms` have passed since the start (an answer's time says nothing). */
export async function evenly<T>(ms: number, work: () => Promise<T>): Promise<T> {
  const started = Date.now();
  try {
    return await work();
  } finally {
    const left = ms - (Date.now() - started);
    if (left > 0) await new Promise((resolve) => setTimeout(resolve, left));
  }
}

/** Sends an account e-mail; a failure is logged and thrown (the caller's request fails and can be retried). */
export async function sendAccountMail(
  deps: Pick<AccountDeps, 'mailer'>,
  to: string,
  mail: { subject: string; text: string },
): Promise<void> {
  try {
    await deps.mailer.send({ to, ...mail });
  } catch (error) {
    logger.error('an account e-mail could not be sent', { subject: mail.subject, error });
    throw error;
  }
}

async function sendVerification(
  deps: AccountDeps,
  repos: AccountRepositories,
  user: { id: string; email: string },
): Promise<void> {
  const now = deps.clock.now();
  const token = newSecret(VERIFY_PREFIX);
  await repos.accountTokens.voidForUser(user.id, ['verify-email'], now);
  await repos.accountTokens.create({
    id: deps.ids.newId(),
    userId: user.id,
    purpose: 'verify-email',
    tokenHash: hashSecret(token),
    expiresAt: new Date(now.getTime() + VERIFY_LINK_TTL_MS),
    context: null,
  });
  const tenant = await repos.tenant.get();
  await sendAccountMail(deps, user.email, accountMail.verifyAddress(deps.links, token, tenant.name));
}

const SIGNED_UP: SignUpAccepted = {
  status: 'verification-sent',
  message:
    'We sent a link to this address: open it within 24 hours to confirm the address and log in. No e-mail? Check the spam folder, or ask for another link.',
};

/**
 * Creates a tenant whose owner waits for the e-mailed verification link (nothing, not even a login,
 * works before it). An address that already has an account gets an e-mail saying so instead; an
 * address whose earlier sign-up was never verified gets this sign-up instead of that one.
 */
export async function signUp(deps: AccountDeps, input: SignUp, clientIp: string): Promise<SignUpAccepted> {
  await limitAccountRequest(deps, clientIp, input.email);
  await requireStrongPassword(
    input.password,
    { email: input.email, name: input.name, tenantName: input.tenantName },
    'password',
  );
  return evenly(EVEN_ANSWER_MS, async () => {
    const passwordHash = await deps.passwords.hash(input.password);
    const existing = await deps.store.findCredentialsByEmail(input.email);
    if (existing?.status === 'active') {
      await sendAccountMail(deps, input.email, accountMail.alreadyRegistered(deps.links));
      return SIGNED_UP;
    }
    if (existing?.status === 'pending') {
      await deps.store.inTenant(existing.tenantId, (repos) => repos.tenant.remove());
    }
    const tenantId = deps.ids.newId();
    let ownerId: string;
    try {
      ({
        owner: { id: ownerId },
      } = await deps.store.createTenant({
        tenant: { id: tenantId, name: input.tenantName, timeZone: input.timeZone },
        owner: {
          id: deps.ids.newId(),
          email: input.email,
          name: input.name,
          passwordHash,
          status: 'pending',
        },
        ...(deps.signUpPlanId ? { planId: deps.signUpPlanId } : {}),
      }));
    } catch (error) {
      // Another sign-up for the same address at the same moment: its link is on its way.
      if (error instanceof ConflictError) return SIGNED_UP;
      throw error;
    }
    await deps.store.inTenant(tenantId, (repos) =>
      sendVerification(deps, repos, { id: ownerId, email: input.email }),
    );
    return SIGNED_UP;
  });
}

const BAD_LINK = 'this link is unknown, used or expired; ask for a new one';

/** The verification link: the address is confirmed, the account active, and a session starts. */
export async function verifyEmail(deps: AccountDeps, token: string, client: ClientInfo): Promise<Session> {
  const found = token.startsWith(VERIFY_PREFIX)
    ? await deps.store.findAccountTokenByHash(hashSecret(token))
    : null;
  if (found?.purpose !== 'verify-email') throw new UnauthenticatedError(BAD_LINK);
  const now = deps.clock.now();
  return deps.store.inTenant(found.tenantId, async (repos) => {
    if (!(await repos.accountTokens.use(found.tokenId, now))) throw new UnauthenticatedError(BAD_LINK);
    if (!(await repos.users.verifyEmail(found.userId, now))) throw new UnauthenticatedError(BAD_LINK);
    return openSession(deps, repos, found.userId, client);
  });
}

const MAIL_ACCEPTED: MailAccepted = {
  status: 'accepted',
  message: 'If this address has an account waiting for confirmation, a new link is on its way.',
};

/** Sends a new verification link to an account that is still waiting for one; answers the same for any address. */
export async function resendVerification(
  deps: AccountDeps,
  email: string,
  clientIp: string,
): Promise<MailAccepted> {
  await limitAccountRequest(deps, clientIp, email);
  return evenly(EVEN_ANSWER_MS, async () => {
    const existing = await deps.store.findCredentialsByEmail(email);
    if (existing?.status === 'pending') {
      await deps.store.inTenant(existing.tenantId, (repos) =>
        sendVerification(deps, repos, { id: existing.userId, email }),
      );
    }
    return MAIL_ACCEPTED;
  });
}

export async function logOut(deps: AccountDeps, principal: Principal): Promise<void> {
  const { sessionId } = principal;
  if (!sessionId) throw new ForbiddenError('an API key has no session to log out of; revoke the key instead');
  await deps.store.inTenant(principal.tenantId, (repos) => repos.sessions.remove(sessionId));
}

const BAD_INVITE = 'this invitation is unknown, used or expired; ask for a new one';

export async function acceptInvite(
  deps: AccountDeps,
  input: AcceptInvite,
  client: ClientInfo,
): Promise<Session> {
  const invite = await deps.store.findInviteByTokenHash(hashSecret(input.token));
  if (!invite || invite.expiresAt.getTime() <= deps.clock.now().getTime()) {
    throw new UnauthenticatedError(BAD_INVITE);
  }
  const invited = await deps.store.inTenant(invite.tenantId, async (repos) => ({
    user: await repos.users.get(invite.userId),
    tenant: await repos.tenant.get(),
  }));
  await requireStrongPassword(
    input.password,
    { email: invited.user?.email, name: input.name ?? invited.user?.name, tenantName: invited.tenant.name },
    'password',
  );
  const passwordHash = await deps.passwords.hash(input.password);
  return deps.store.inTenant(invite.tenantId, async (repos) => {
    const user = await repos.users.activate(invite.userId, passwordHash, input.name, deps.clock.now());
    if (!user) throw new UnauthenticatedError(BAD_INVITE);
    return openSession(deps, repos, user.id, client);
  });
}

export async function describeCaller(deps: Pick<AccountDeps, 'store'>, principal: Principal): Promise<Me> {
  return deps.store.inTenant(principal.tenantId, async (repos) => ({
    user: principal.userId ? await repos.users.get(principal.userId) : null,
    tenant: await repos.tenant.get(),
    role: principal.role,
    via: principal.sessionId ? 'session' : 'apiKey',
  }));
}

/**
 * The demo tenant: a tenant whose owner's address needs no verification (the operator chose it), on
 * the given plan. Not reachable over the API.
 */
export async function createVerifiedTenant(
  deps: Pick<AccountDeps, 'store' | 'passwords' | 'ids'>,
  input: SignUp & { planId?: string },
): Promise<{ tenantId: string; ownerId: string }> {
  const passwordHash = await deps.passwords.hash(input.password);
  const tenantId = deps.ids.newId();
  const { owner } = await deps.store.createTenant({
    tenant: { id: tenantId, name: input.tenantName, timeZone: input.timeZone },
    owner: { id: deps.ids.newId(), email: input.email, name: input.name, passwordHash, status: 'active' },
    ...(input.planId ? { planId: input.planId } : {}),
  });
  return { tenantId, ownerId: owner.id };
}
