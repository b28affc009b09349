// Bearer credentials: 256 random bits, a readable prefix saying what kind they are, and only a
// SHA-256 of them in the database (high-entropy secrets need no slow KDF; a DB leak yields nothing usable).
import { createHash, randomBytes } from 'node:crypto';

export const SESSION_PREFIX = 'pws_';
export const API_KEY_PREFIX = 'pwk_';
export const INVITE_PREFIX = 'pwi_';
/** E-mailed links: verify an address, reset a password. */
export const VERIFY_PREFIX = 'pwv_';
export const RESET_PREFIX = 'pwr_';
/** Between the two steps of a login (a second factor). */
export const CHALLENGE_PREFIX = 'pwc_';
/** The long-lived cookie of a device a user logged in from. */
export const DEVICE_PREFIX = 'pwd_';

export function newSecret(prefix: string): string {
  return `${prefix}${randomBytes(32).toString('base64url')}`;
}

export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}
