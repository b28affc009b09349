// The ports sign-up, login, sessions and account security run on, apart from the use-cases so that
// session.ts (which accounts.ts calls) can name them without an import circle.
import type { Clock } from '../platform/clock.ts';
import type { IdGenerator } from '../platform/id-generator.ts';
import type { SystemMailer } from '../platform/mailer.ts';
import type { SecretBox } from '../platform/secret-box.ts';
import type { AccountLinks } from './mail.ts';
import type { AccountStore, PasswordHasher, RateLimiter } from './ports.ts';

/** The throttles of logins and of the requests that send e-mail (ADR 0005 and its update for issue 15). */
export interface AccountLimits {
  /** Every login attempt from one client address. */
  loginAttemptsPerIp: RateLimiter;
  /** Failed logins from one address against one account, in growing windows: each waits longer. */
  loginFailuresPerIpAndAccount: readonly RateLimiter[];
  /** Failed logins against one account from devices it never logged in from (they alone are held back). */
  loginFailuresPerAccount: RateLimiter;
  /** Failed logins from one device the account logged in from before. */
  loginFailuresPerDevice: RateLimiter;
  /** Wrong second-factor codes against one user. */
  mfaFailuresPerUser: RateLimiter;
  /** Sign-ups, password-reset and verification requests from one client address. */
  accountRequestsPerIp: RateLimiter;
  /** E-mails sent to one address by those requests. */
  accountMailsPerAddress: RateLimiter;
}

/** The ports sign-up, login, sessions and account security run on. */
export interface AccountDeps {
  store: AccountStore;
  passwords: PasswordHasher;
  clock: Clock;
  ids: IdGenerator;
  limits: AccountLimits;
  /** Verification and reset links, notices: the reports' transport (SMTP, SES, the local outbox). */
  mailer: SystemMailer;
  links: AccountLinks;
  /** Seals TOTP secrets. */
  secrets: SecretBox;
  /** The plan a new tenant starts on; null: unlimited (a self-hosted runtime). */
  signUpPlanId: string | null;
}
