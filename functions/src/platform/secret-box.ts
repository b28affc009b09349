// Seals secrets that must be kept but never stored readable (tenants' provider secrets locally, users'
// TOTP secrets): the port, and the AES-256-GCM implementation with node:crypto, a key ring so keys
// can be rotated. A sealed value names its key, so values sealed under an older key still open while a
// rotation re-seals them; the context (whose secret it is) is authenticated, so a sealed value copied
// to another tenant's row does not open there.
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';

export interface SecretBox {
  /** `context` says whose secret it is (`tenant:<id>:notify`); the same context must open it. */
  seal(plaintext: string, context: string): string;
  /** Throws SecretBoxError when the value was not sealed by a key of this ring or for this context. */
  open(sealed: string, context: string): string;
  /** Whether the value is a sealed value (a stored value from before sealing is plain text). */
  isSealed(value: string): boolean;
  /** Whether the value is sealed under the ring's current key (a rotation re-seals the others). */
  isCurrent(sealed: string): boolean;
}

export class SecretBoxError extends Error {}

/** Keys by id; `current` seals, every key opens. Keys are 32 random bytes. */
export interface KeyRing {
  current: string;
  keys: Record<string, Buffer>;
}

const PREFIX = 'pwsec1';
const KEY_ID = /^[A-Za-z0-9_-]{1,64}$/;

export function newKeyId(key: Buffer): string {
  return createHash('sha256').update(key).digest('base64url').slice(0, 12);
}

export function newKeyRingKey(): { id: string; key: Buffer } {
  const key = randomBytes(32);
  return { id: newKeyId(key), key };
}

export function createAesGcmSecretBox(ring: KeyRing): SecretBox {
  for (const [id, key] of Object.entries(ring.keys)) {
    if (!KEY_ID.test(id)) throw new SecretBoxError(`key id "${id}" may use letters, digits, "_" and "-"`);
    if (key.length !== 32) throw new SecretBoxError(`key ${id} is ${key.length} bytes; AES-256 needs 32`);
  }
  const currentKey = ring.keys[ring.current];
  if (!currentKey) throw new SecretBoxError(`the key ring has no key ${ring.current}`);
  const parts = (sealed: string) => {
    const [prefix, keyId, iv, data, tag, ...rest] = sealed.split('.');
    if (prefix !== PREFIX || !keyId || !iv || !data || tag === undefined || rest.length > 0) return null;
    return { keyId, iv, data, tag };
  };
  return {
    seal(plaintext, context) {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', currentKey, iv);
      cipher.setAAD(Buffer.from(context, 'utf8'));
      const data = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
      const tag = cipher.getAuthTag();
      return [PREFIX, ring.current, iv, data, tag]
        .map((part) => (Buffer.isBuffer(part) ? part.toString('base64url') : part))
        .join('.');
    },
    open(sealed, context) {
      const found = parts(sealed);
      if (!found) throw new SecretBoxError('not a sealed value');
      const key = ring.keys[found.keyId];
      if (!key) {
        throw new SecretBoxError(
          `sealed with key ${found.keyId}, which this key ring does not have (was a key removed before a rotation finished?)`,
        );
      }
      try {
        const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(found.iv, 'base64url'));
        decipher.setAAD(Buffer.from(context, 'utf8'));
        decipher.setAuthTag(Buffer.from(found.tag, 'base64url'));
        return Buffer.concat([
          decipher.update(Buffer.from(found.data, 'base64url')),
          decipher.final(),
        ]).toString('utf8');
      } catch (error) {
        throw new SecretBoxError('the sealed value does not open with its key for this context', {
          cause: error,
        });
      }
    },
    isSealed: (value) => parts(value) !== null,
    isCurrent: (sealed) => parts(sealed)?.keyId === ring.current,
  };
}

/** For a runtime given no key: sealing fails with `why`, saying what to configure. */
export function unavailableSecretBox(why: string): SecretBox {
  const refuse = (): never => {
    throw new SecretBoxError(why);
  };
  return {
    seal: refuse,
    open: refuse,
    isSealed: (value) => value.startsWith(`${PREFIX}.`),
    isCurrent: () => false,
  };
}
