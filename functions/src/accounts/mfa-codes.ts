// The second factor's codes: TOTP (RFC 6238 with otpauth: SHA-1, 6 digits, 30 s, one step of clock
// drift either way, each step accepted once) and ten single-use recovery codes, kept only as hashes.
import { createHash, randomInt } from 'node:crypto';
import type { Role, SecurityPolicy, TotpEnrolment } from '@plantwatch/shared';
import { Secret, TOTP } from 'otpauth';
import type { AccountDeps } from './accounts.ts';
import type { AccountRepositories, UserSecurity } from './ports.ts';

export const TOTP_ISSUER = 'Plantwatch';
const PERIOD_SECONDS = 30;

/** The context a user's TOTP secret is sealed for: it opens for that user only. */
export const totpContext = (user: Pick<UserSecurity, 'id'>) => `user:${user.id}:totp`;

function totpFor(secret: Secret, account: string): TOTP {
  return new TOTP({
    issuer: TOTP_ISSUER,
    label: account,
    algorithm: 'SHA1',
    digits: 6,
    period: PERIOD_SECONDS,
    secret,
  });
}

/** A new secret for an authenticator app, and the same secret sealed for the database. */
export function newTotpSecret(
  deps: Pick<AccountDeps, 'secrets'>,
  user: Pick<UserSecurity, 'id' | 'email'>,
): { enrolment: TotpEnrolment; sealed: string } {
  const secret = new Secret({ size: 20 });
  const totp = totpFor(secret, user.email);
  return {
    enrolment: {
      secret: secret.base32,
      otpauthUri: totp.toString(),
      issuer: TOTP_ISSUER,
      account: user.email,
    },
    sealed: deps.secrets.seal(secret.base32, totpContext(user)),
  };
}

/** Whether `code` is the user's current code (or the one before or after), never accepting a step twice. */
export async function verifyTotp(
  deps: Pick<AccountDeps, 'secrets'>,
  repos: AccountRepositories,
  user: Pick<UserSecurity, 'id' | 'email' | 'mfaSecret'>,
  code: string,
  now: Date,
): Promise<boolean> {
  if (!user.mfaSecret) return false;
  const secret = Secret.fromBase32(deps.secrets.open(user.mfaSecret, totpContext(user)));
  const delta = totpFor(secret, user.email).validate({ token: code, timestamp: now.getTime(), window: 1 });
  if (delta === null) return false;
  const step = Math.floor(now.getTime() / 1000 / PERIOD_SECONDS) + delta;
  return repos.users.acceptMfaStep(user.id, step);
}

/** The current code of a base32 secret (tests, and nothing else: the app computes its own). */
export function totpCode(base32: string, at: Date): string {
  return totpFor(Secret.fromBase32(base32), 'code').generate({ timestamp: at.getTime() });
}

const RECOVERY_ALPHABET = 'abcdefghjkmnpqrstuvwxyz23456789';
const normaliseRecoveryCode = (code: string) => code.trim().toLowerCase().replace('-', '');
const hashRecoveryCode = (code: string) =>
  createHash('sha256').update(normaliseRecoveryCode(code)).digest('hex');

/** Ten codes of ten characters (about 49 bits each), shown once as xxxxx-xxxxx. */
export function newRecoveryCodes(): { codes: string[]; hashes: string[] } {
  const codes = Array.from({ length: 10 }, () => {
    const chars = Array.from({ length: 10 }, () => RECOVERY_ALPHABET[randomInt(RECOVERY_ALPHABET.length)]);
    return `${chars.slice(0, 5).join('')}-${chars.slice(5).join('')}`;
  });
  return { codes, hashes: codes.map(hashRecoveryCode) };
}

export function verifyRecoveryCode(
  repos: AccountRepositories,
  userId: string,
  code: string,
): Promise<boolean> {
  return repos.users.useRecoveryCode(userId, hashRecoveryCode(code));
}

/** Whether the tenant's policy requires a second factor of a user with this role. */
export const mfaRequiredFor = (policy: SecurityPolicy, role: Role) =>
  policy.mfaRequiredForAdmins && (role === 'owner' || role === 'admin');
