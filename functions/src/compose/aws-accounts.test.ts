// The TOTP key ring as Secrets Manager holds it: the stack's generated first ring (its key at the top
// level, 43 letters and digits) and the documented ring an operator writes when rotating.
import { randomBytes } from 'node:crypto';
import type { GetSecretValueCommand } from '@aws-sdk/client-secrets-manager';
import { describe, expect, it } from 'vitest';
import { awsSecretBox } from './aws-accounts.ts';

/** A Secrets Manager client holding one secret string, whatever the id asked for. */
function holding(secretString: string) {
  const asked: string[] = [];
  return {
    asked,
    client: {
      send: async (command: GetSecretValueCommand) => {
        asked.push(command.input.SecretId ?? '');
        return { SecretString: secretString };
      },
    } as never,
  };
}

const ARN = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:Accounts-TotpKeyRing-abc';
/** What generateSecretString with excludePunctuation writes: letters and digits only. */
const generatedKey = () =>
  randomBytes(64)
    .toString('base64')
    .replace(/[^A-Za-z0-9]/g, '')
    .slice(0, 43);

describe('the TOTP key ring from Secrets Manager', () => {
  it('opens the generated first ring ({"current": "k0", "k0": …}) and seals under k0', async () => {
    const { client, asked } = holding(JSON.stringify({ current: 'k0', k0: generatedKey() }));
    const box = await awsSecretBox({ ACCOUNT_SECRETS_KEY_ARN: ARN }, client);
    const sealed = box.seal('JBSWY3DPEHPK3PXP', 'user:u1:totp');
    expect(asked).toEqual([ARN]);
    expect(sealed.split('.')[1]).toBe('k0');
    expect(box.open(sealed, 'user:u1:totp')).toBe('JBSWY3DPEHPK3PXP');
  });

  it('keeps opening values sealed under the generated key once a rotation lists a new current key', async () => {
    const k0 = generatedKey();
    const before = await awsSecretBox(
      { ACCOUNT_SECRETS_KEY_ARN: ARN },
      holding(JSON.stringify({ current: 'k0', k0 })).client,
    );
    const sealed = before.seal('secret', 'user:u1:totp');
    const after = await awsSecretBox(
      { ACCOUNT_SECRETS_KEY_ARN: ARN },
      holding(JSON.stringify({ current: 'k1', k0, keys: { k1: randomBytes(32).toString('base64') } })).client,
    );
    expect(after.open(sealed, 'user:u1:totp')).toBe('secret');
    expect(after.isCurrent(sealed)).toBe(false);
    expect(after.seal('secret', 'user:u1:totp').split('.')[1]).toBe('k1');
  });

  it('refuses a ring whose current key is missing or not 32 bytes, and says two-step login is off without an ARN', async () => {
    await expect(
      awsSecretBox(
        { ACCOUNT_SECRETS_KEY_ARN: ARN },
        holding(JSON.stringify({ current: 'k9', k0: generatedKey() })).client,
      ),
    ).rejects.toThrow(/no key k9/);
    await expect(
      awsSecretBox(
        { ACCOUNT_SECRETS_KEY_ARN: ARN },
        holding(JSON.stringify({ current: 'k0', k0: 'c2hvcnQ=' })).client,
      ),
    ).rejects.toThrow(/32/);
    const off = await awsSecretBox({}, holding('{}').client);
    expect(() => off.seal('x', 'user:u1:totp')).toThrow(/ACCOUNT_SECRETS_KEY_ARN/);
  });
});
