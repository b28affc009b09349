// The key ring that seals tenants' provider secrets and users' TOTP secrets in the local runtime: from
// SECRETS_KEY (base64 keys, the current one first), or DATA_DIR/secrets-keys.json (0600), created on
// the first start. `npm run rotate-keys` adds a new current key, re-seals every value with it and
// then drops the old keys (rotate-keys.ts).
import { randomBytes } from 'node:crypto';
import { readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type KeyRing, newKeyId, newKeyRingKey } from '@plantwatch/functions/platform/secret-box';
import { z } from 'zod';

export const KEY_RING_FILE = 'secrets-keys.json';

const keyRingFileSchema = z.object({
  current: z.string().min(1),
  keys: z.record(z.string(), z.string().min(1)),
});

const decodeKey = (text: string, where: string) => {
  const key = Buffer.from(text.trim(), 'base64');
  if (key.length !== 32)
    throw new Error(`${where}: a key must be 32 bytes in base64 (openssl rand -base64 32)`);
  return key;
};

/** SECRETS_KEY: one or more base64 keys separated by commas; the first seals, all open. */
export function keyRingFromEnv(value: string): KeyRing {
  const keys = value.split(',').map((part, index) => decodeKey(part, `SECRETS_KEY, key ${index + 1}`));
  const ids = keys.map((key) => `env-${newKeyId(key)}`);
  return { current: ids[0] ?? '', keys: Object.fromEntries(keys.map((key, i) => [ids[i], key])) };
}

export async function readKeyRingFile(dataDir: string): Promise<KeyRing | null> {
  let text: string;
  try {
    text = await readFile(join(dataDir, KEY_RING_FILE), 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
  const parsed = keyRingFileSchema.parse(JSON.parse(text));
  return {
    current: parsed.current,
    keys: Object.fromEntries(
      Object.entries(parsed.keys).map(([id, key]) => [id, decodeKey(key, `${KEY_RING_FILE}, key ${id}`)]),
    ),
  };
}

/** Writes the ring whole (a temporary file renamed over the old one): never half a ring on disk. */
export async function writeKeyRingFile(dataDir: string, ring: KeyRing): Promise<void> {
  const file = join(dataDir, KEY_RING_FILE);
  const temporary = `${file}.${randomBytes(4).toString('hex')}.tmp`;
  const body = {
    current: ring.current,
    keys: Object.fromEntries(Object.entries(ring.keys).map(([id, key]) => [id, key.toString('base64')])),
  };
  await writeFile(temporary, `${JSON.stringify(body, null, 2)}\n`, { mode: 0o600 });
  await rename(temporary, file);
}

/** The runtime's key ring: SECRETS_KEY, else the file in DATA_DIR, created with a new key when missing. */
export async function loadKeyRing(dataDir: string, envKey: string | undefined): Promise<KeyRing> {
  if (envKey) return keyRingFromEnv(envKey);
  const existing = await readKeyRingFile(dataDir);
  if (existing) return existing;
  const { id, key } = newKeyRingKey();
  const ring = { current: id, keys: { [id]: key } };
  await writeKeyRingFile(dataDir, ring);
  return ring;
}

/** For stores that live in memory (tests): a key that lives as long as they do. */
export function ephemeralKeyRing(): KeyRing {
  const { id, key } = newKeyRingKey();
  return { current: id, keys: { [id]: key } };
}
