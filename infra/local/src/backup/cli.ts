// `npm run backup -- --to FILE` and `npm run restore -- FILE`: the local runtime's data in one
// encrypted file. The passphrase comes from BACKUP_PASSPHRASE (or --passphrase-file). A backup asks
// the running runtime of DATA_DIR for it (only it can copy its embedded stores while they are in
// use); with nothing running, the stores are opened here.
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { openLocalStores } from '../compose.ts';
import { parseLocalEnv } from '../env.ts';
import { restoreBackup, writeBackup } from './backup.ts';

const runtimeFileSchema = z.object({ apiUrl: z.url(), pid: z.number().int() });

function fail(message: string): never {
  process.stderr.write(`${message}\n`);
  process.exit(1);
}

async function passphraseFrom(file: string | undefined, env: { BACKUP_PASSPHRASE?: string | undefined }) {
  const passphrase = file ? (await readFile(file, 'utf8')).trim() : env.BACKUP_PASSPHRASE;
  if (!passphrase) fail('set BACKUP_PASSPHRASE (12 characters or more) or pass --passphrase-file FILE');
  if (passphrase.length < 12) fail('the passphrase must be at least 12 characters');
  return passphrase;
}

/** The running runtime of DATA_DIR, if any answers. */
async function runningRuntime(dataDir: string): Promise<{ apiUrl: string; token: string } | null> {
  try {
    const runtime = runtimeFileSchema.parse(
      JSON.parse(await readFile(join(dataDir, 'runtime.json'), 'utf8')),
    );
    process.kill(runtime.pid, 0);
    const token = (await readFile(join(dataDir, 'admin-token'), 'utf8')).trim();
    return { apiUrl: runtime.apiUrl, token };
  } catch {
    return null;
  }
}

const [command, ...rest] = process.argv.slice(2);
const { values, positionals } = parseArgs({
  args: rest,
  options: { to: { type: 'string' }, 'passphrase-file': { type: 'string' } },
  allowPositionals: true,
});
const env = parseLocalEnv(process.env);
const dataDir = resolve(env.DATA_DIR);
const passphrase = await passphraseFrom(values['passphrase-file'], env);

if (command === 'backup') {
  const to = values.to ? resolve(values.to) : fail('usage: npm run backup -- --to FILE');
  if (env.DATABASE_URL) fail('the config store is on DATABASE_URL: back it up with pg_dump');
  const running = await runningRuntime(dataDir);
  if (running) {
    const response = await fetch(`${running.apiUrl}/admin/backup`, {
      method: 'POST',
      headers: { authorization: `Bearer ${running.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ to, passphrase }),
    });
    if (!response.ok)
      fail(`the running runtime refused the backup: ${response.status} ${await response.text()}`);
  } else {
    const stores = await openLocalStores(env, {});
    try {
      await writeBackup(
        { dataDir, database: stores.database, telemetry: stores.telemetry },
        to,
        passphrase,
        new Date(),
      );
    } finally {
      await stores.close();
    }
  }
  process.stdout.write(`backup written to ${to}${running ? ' (by the running runtime)' : ''}\n`);
} else if (command === 'restore') {
  const from = positionals[0] ? resolve(positionals[0]) : fail('usage: npm run restore -- FILE');
  const { takenAt } = await restoreBackup(from, dataDir, passphrase).catch((error: Error) =>
    fail(error.message),
  );
  process.stdout.write(`restored the backup of ${takenAt} into ${dataDir}; start it with npm start\n`);
} else {
  fail('usage: backup --to FILE | restore FILE');
}
