import { describe, expect, it } from 'vitest';
import { hashSecret, newSecret } from '../tokens.ts';
import { createScryptPasswordHasher, OWASP_SCRYPT_COST } from './scrypt-passwords.ts';

describe('scrypt password hasher', () => {
  it('uses the OWASP cost by default, and verifies the right password only', async () => {
    const hasher = createScryptPasswordHasher();
    const encoded = await hasher.hash('pump station 7');
    expect(encoded).toMatch(
      new RegExp(`^scrypt\\$${OWASP_SCRYPT_COST.N}\\$8\\$1\\$[A-Za-z0-9_-]{22}\\$[A-Za-z0-9_-]{43}$`),
    );
    expect(await hasher.verify('pump station 7', encoded)).toBe(true);
    expect(await hasher.verify('pump station 8', encoded)).toBe(false);
  });

  it('salts every hash, and verifies hashes made with other costs by reading their parameters', async () => {
    const cheap = createScryptPasswordHasher({ N: 2 ** 10, r: 8, p: 1 });
    const first = await cheap.hash('same password');
    const second = await cheap.hash('same password');
    expect(first).not.toBe(second);
    const strong = createScryptPasswordHasher({ N: 2 ** 12, r: 8, p: 1 });
    expect(await strong.verify('same password', first)).toBe(true);
  });

  it('treats unicode compositions of the same password as equal (NFKC)', async () => {
    const hasher = createScryptPasswordHasher({ N: 2 ** 10, r: 8, p: 1 });
    const composed = await hasher.hash('caf\u00e9 au lait!');
    expect(await hasher.verify('cafe\u0301 au lait!', composed)).toBe(true);
  });

  it('refuses malformed or foreign hash strings instead of throwing', async () => {
    const hasher = createScryptPasswordHasher({ N: 2 ** 10, r: 8, p: 1 });
    for (const bad of ['', 'bcrypt$2b$10$abc', 'scrypt$1024$8$1$salt', '$argon2id$v=19$m=65536']) {
      expect(await hasher.verify('anything', bad)).toBe(false);
    }
  });
});

describe('bearer secrets', () => {
  it('are 256 random bits behind a readable prefix, and stored as SHA-256 hex', () => {
    const secret = newSecret('pwk_');
    expect(secret).toMatch(/^pwk_[A-Za-z0-9_-]{43}$/);
    expect(newSecret('pwk_')).not.toBe(secret);
    // FIPS 180-2 test vector
    expect(hashSecret('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    expect(hashSecret(secret)).toMatch(/^[0-9a-f]{64}$/);
  });
});
