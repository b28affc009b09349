// What the account server actions (sign-up, login steps, password reset, two-step login) tell the
// page that called them: a FormState, plus where the flow stands. Client-safe: types only.
import type { FormState } from './form-state.ts';

export interface TotpSetup {
  /** Base32, for typing in when the QR code cannot be scanned. */
  secret: string;
  /** otpauth://totp/… for the QR code. */
  otpauthUri: string;
}

export interface AccountState extends FormState {
  /**
   * check-inbox: sign-up (or a new link) sent an e-mail; mfa-code / mfa-enrolment: the login's second
   * step; recovery-codes: a second factor was just turned on and its codes are shown once.
   */
  step?: 'check-inbox' | 'mfa-code' | 'mfa-enrolment' | 'recovery-codes';
  /** The login challenge the second step answers (5 minutes, single use). */
  challengeToken?: string;
  totp?: TotpSetup;
  recoveryCodes?: string[];
  /** Where to go once the codes are saved. */
  next?: string;
}

export const idleAccountState: AccountState = { status: 'idle' };

/** Only same-site paths: a fresh session is never bounced to another origin. */
export function safeNext(value: unknown, fallback = '/fleet'): string {
  return typeof value === 'string' &&
    value.startsWith('/') &&
    !value.startsWith('//') &&
    !value.startsWith('/\\')
    ? value
    : fallback;
}
