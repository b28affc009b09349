import { describe, expect, it } from 'vitest';
import { createAesGcmSecretBox, newKeyRingKey, SecretBoxError, unavailableSecretBox } from './secret-box.ts';

const ringOf = (...keys: ReturnType<typeof newKeyRingKey>[]) => ({
  current: keys[0]?.id ?? '',
  keys: Object.fromEntries(keys.map((k) => [k.id, k.key])),
});

describe('the secret box (AES-256-GCM with a key ring)', () => {
  it('opens what it sealed, and the sealed text shows neither the secret nor anything stable', () => {
    const box = createAesGcmSecretBox(ringOf(newKeyRingKey()));
    const sealed = box.seal('twilio-auth-token-0123456789', 'tenant:a:notify-secrets');
    expect(sealed).not.toContain('twilio');
    expect(box.isSealed(sealed)).toBe(true);
    expect(box.open(sealed, 'tenant:a:notify-secrets')).toBe('twilio-auth-token-0123456789');
    // a fresh nonce each time: the same secret never seals to the same text
    expect(box.seal('twilio-auth-token-0123456789', 'tenant:a:notify-secrets')).not.toBe(sealed);
  });

  it("refuses to open a value in another context (another tenant's row) or after tampering", () => {
    const box = createAesGcmSecretBox(ringOf(newKeyRingKey()));
    const sealed = box.seal('secret', 'tenant:a:notify-secrets');
    expect(() => box.open(sealed, 'tenant:b:notify-secrets')).toThrow(SecretBoxError);
    const parts = sealed.split('.');
    parts[3] = Buffer.from('tampered').toString('base64url');
    expect(() => box.open(parts.join('.'), 'tenant:a:notify-secrets')).toThrow(SecretBoxError);
    expect(() => box.open('plain text', 'tenant:a:notify-secrets')).toThrow('not a sealed value');
  });

  it('opens values of an older key while a rotation re-seals them under the new one', () => {
    const old = newKeyRingKey();
    const next = newKeyRingKey();
    const before = createAesGcmSecretBox(ringOf(old));
    const sealedOld = before.seal('secret', 'ctx');
    const during = createAesGcmSecretBox(ringOf(next, old));
    expect(during.open(sealedOld, 'ctx')).toBe('secret');
    expect(during.isCurrent(sealedOld)).toBe(false);
    const resealed = during.seal(during.open(sealedOld, 'ctx'), 'ctx');
    expect(during.isCurrent(resealed)).toBe(true);
    const after = createAesGcmSecretBox(ringOf(next));
    expect(after.open(resealed, 'ctx')).toBe('secret');
    expect(() => after.open(sealedOld, 'ctx')).toThrow(/which this key ring does not have/);
  });

  it('refuses a key that is not 32 bytes, and a runtime without a key says what to configure', () => {
    expect(() => createAesGcmSecretBox({ current: 'k', keys: { k: Buffer.alloc(16) } })).toThrow(/32/);
    const none = unavailableSecretBox('set SECRETS_KEY');
    expect(() => none.seal('x', 'ctx')).toThrow('set SECRETS_KEY');
  });
});
