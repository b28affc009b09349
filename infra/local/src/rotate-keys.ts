// `npm run rotate-keys`: a new key seals every provider and TOTP secret of the local runtime's data.
// With the key ring in DATA_DIR/secrets-keys.json: a new key is added and made current (the ring is
// written first, so a crash leaves every value still openable), every sealed value is re-sealed with
// it in one transaction, then the old keys are dropped. With SECRETS_KEY: put the new key first and
// the old one after it, run this, then drop the old one from SECRETS_KEY. Values stored before
// sealing existed are sealed too. The runtime must be stopped (it holds the embedded database).
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { totpContext } from '@plantwatch/functions/accounts/mfa-codes';
import { notifySecretsContext } from '@plantwatch/functions/notify/adapters/secrets';
import { openConfigDatabase } from '@plantwatch/functions/platform/database/database';
import {
  createAesGcmSecretBox,
  type KeyRing,
  newKeyRingKey,
  type SecretBox,
} from '@plantwatch/functions/platform/secret-box';
import pg from 'pg';
import { z } from 'zod';
import { parseLocalEnv } from './env.ts';
import { keyRingFromEnv, readKeyRingFile, writeKeyRingFile } from './secrets-keys.ts';

type Query = (text: string, params?: unknown[]) => Promise<{ rows: Record<string, unknown>[] }>;

export interface RotationSummary {
  keyId: string;
  providerSecrets: number;
  totpSecrets: number;
  droppedKeys: string[];
}

/** Re-seals every sealed (or still plain) secret with the ring's current key, in one transaction. */
export async function resealAll(
  query: Query,
  box: SecretBox,
): Promise<{ providerSecrets: number; totpSecrets: number }> {
  let providerSecrets = 0;
  let totpSecrets = 0;
  await query('BEGIN');
  try {
    const settings = await query(
      'SELECT tenant_id, secrets FROM notification_settings WHERE secrets IS NOT NULL FOR UPDATE',
    );
    for (const row of settings.rows) {
      const tenantId = String(row.tenant_id);
      const stored = z.record(z.string(), z.string()).parse(row.secrets);
      const context = notifySecretsContext(tenantId);
      const plain =
        typeof stored.sealed === 'string' ? box.open(stored.sealed, context) : JSON.stringify(stored);
      if (typeof stored.sealed === 'string' && box.isCurrent(stored.sealed)) continue;
      await query('UPDATE notification_settings SET secrets = $1 WHERE tenant_id = $2', [
        JSON.stringify({ sealed: box.seal(plain, context) }),
        tenantId,
      ]);
      providerSecrets += 1;
    }
    const users = await query(
      'SELECT id, mfa_secret, mfa_pending_secret FROM users WHERE mfa_secret IS NOT NULL OR mfa_pending_secret IS NOT NULL FOR UPDATE',
    );
    for (const row of users.rows) {
      const context = totpContext({ id: String(row.id) });
      const reseal = (value: unknown) =>
        typeof value === 'string' && !box.isCurrent(value)
          ? box.seal(box.open(value, context), context)
          : value;
      const secret = reseal(row.mfa_secret);
      const pending = reseal(row.mfa_pending_secret);
      if (secret === row.mfa_secret && pending === row.mfa_pending_secret) continue;
      await query('UPDATE users SET mfa_secret = $1, mfa_pending_secret = $2 WHERE id = $3', [
        secret,
        pending,
        row.id,
      ]);
      totpSecrets += 1;
    }
    await query('COMMIT');
  } catch (error) {
    await query('ROLLBACK');
    throw error;
  }
  return { providerSecrets, totpSecrets };
}

const runtimeFileSchema = z.object({ pid: z.number().int() });

async function runtimeRunning(dataDir: string): Promise<number | null> {
  try {
    const { pid } = runtimeFileSchema.parse(
      JSON.parse(await readFile(join(dataDir, 'runtime.json'), 'utf8')),
    );
    process.kill(pid, 0);
    return pid;
  } catch {
    return null;
  }
}

/** Opens the config database as its owner (row-level security does not hide other tenants' rows). */
async function ownerQuery(env: { DATABASE_URL?: string | undefined }, dataDir: string) {
  // Migrations first (a data folder from an older version gets the columns it re-seals).
  await (
    await openConfigDatabase(
      env.DATABASE_URL
        ? { kind: 'postgres', url: env.DATABASE_URL }
        : { kind: 'pglite', dataDir: join(dataDir, 'config-db') },
    )
  ).close();
  if (env.DATABASE_URL) {
    const client = new pg.Client({ connectionString: env.DATABASE_URL });
    await client.connect();
    return {
      query: ((text, params) => client.query(text, params as unknown[])) as Query,
      close: () => client.end(),
    };
  }
  const client = new PGlite(join(dataDir, 'config-db'));
  return {
    query: ((text, params) => client.query(text, params as unknown[])) as Query,
    close: () => client.close(),
  };
}

export async function rotateKeys(source: Record<string, string | undefined>): Promise<RotationSummary> {
  const env = parseLocalEnv(source);
  const dataDir = resolve(env.DATA_DIR);
  const pid = await runtimeRunning(dataDir);
  if (pid !== null) {
    throw new Error(
      `the local runtime (process ${pid}) is using ${dataDir}: stop it first, then run rotate-keys`,
    );
  }
  let ring: KeyRing;
  let dropped: string[] = [];
  if (env.SECRETS_KEY) {
    ring = keyRingFromEnv(env.SECRETS_KEY);
    dropped = Object.keys(ring.keys).filter((id) => id !== ring.current);
  } else {
    const existing = await readKeyRingFile(dataDir);
    const { id, key } = newKeyRingKey();
    ring = { current: id, keys: { ...(existing?.keys ?? {}), [id]: key } };
    dropped = Object.keys(existing?.keys ?? {});
    // the ring with both keys first: a crash from here on leaves every value openable
    await writeKeyRingFile(dataDir, ring);
  }
  const database = await ownerQuery(env, dataDir);
  let counts: { providerSecrets: number; totpSecrets: number };
  try {
    counts = await resealAll(database.query, createAesGcmSecretBox(ring));
  } finally {
    await database.close();
  }
  const current = ring.keys[ring.current];
  if (!env.SECRETS_KEY && current)
    await writeKeyRingFile(dataDir, { current: ring.current, keys: { [ring.current]: current } });
  return { keyId: ring.current, ...counts, droppedKeys: dropped };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  try {
    const summary = await rotateKeys(process.env);
    process.stdout.write(
      `re-sealed ${summary.providerSecrets} tenants' provider secrets and ${summary.totpSecrets} users' TOTP secrets with key ${summary.keyId}` +
        (summary.droppedKeys.length
          ? process.env.SECRETS_KEY
            ? `; now remove the old key(s) from SECRETS_KEY, keeping only the first\n`
            : `; old key(s) ${summary.droppedKeys.join(', ')} removed from secrets-keys.json\n`
          : '\n'),
    );
  } catch (error) {
    process.stderr.write(`rotate-keys failed: ${(error as Error).message}\n`);
    process.exit(1);
  }
}
