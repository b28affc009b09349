// Secrets at rest, on a fresh DATA_DIR used by the runtime as a real process (as `npm start` runs
// it): every folder 0700 and every file 0600 after sign-up, provider settings and two-step login;
// neither the tenant's Twilio auth token nor a user's TOTP secret anywhere under it in plain text;
// `npm run rotate-keys` re-seals them with a new key, and after a restart both still work.
import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { totpCode } from '@plantwatch/functions/accounts/mfa-codes';
import { twilioSignature } from '@plantwatch/functions/notify/adapters/twilio';
import { afterAll, describe, expect, it } from 'vitest';
import { apiClient, dataDirMailbox } from './testing/harness.ts';
import { killRuntimes, startRuntimeProcess, stopRuntimeProcess } from './testing/runtime-child.ts';

const rotateEntry = fileURLToPath(new URL('./rotate-keys.ts', import.meta.url));
const TWILIO_TOKEN = 'tw1l10-auth-t0ken-9f8e7d6c5b4a3210';

const dirs: string[] = [];
const startRuntime = (dataDir: string) =>
  startRuntimeProcess(dataDir, { env: { SERVICE_CANARY_MINUTES: '0' } });

/** Every file and folder under `dir`, with its permission bits. */
async function walk(dir: string): Promise<{ path: string; mode: number; directory: boolean }[]> {
  const found: { path: string; mode: number; directory: boolean }[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    found.push({ path, mode: (await stat(path)).mode & 0o777, directory: entry.isDirectory() });
    if (entry.isDirectory()) found.push(...(await walk(path)));
  }
  return found;
}

/** The files under `dir` whose bytes contain `needle`. */
async function filesContaining(dir: string, needle: string): Promise<string[]> {
  const hits: string[] = [];
  for (const file of (await walk(dir)).filter((f) => !f.directory)) {
    if ((await readFile(file.path)).includes(Buffer.from(needle))) hits.push(file.path);
  }
  return hits;
}

afterAll(async () => {
  killRuntimes();
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

describe('secrets at rest in DATA_DIR', () => {
  it('keeps DATA_DIR private, seals provider and TOTP secrets, and rotates the key', {
    timeout: 180_000,
  }, async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'plantwatch-secrets-'));
    dirs.push(dataDir);
    const first = await startRuntime(dataDir);
    const api = apiClient(first.apiUrl, dataDirMailbox(dataDir));
    const owner = await api.signUp('secrets');
    const settings = await api.call('PUT', '/v1/settings/notifications', {
      token: owner.token,
      body: {
        smsProvider: 'twilio',
        twilioAccountSid: `AC${'0123456789abcdef'.repeat(2)}`,
        twilioFromNumber: '+447700900999',
        twilioAuthToken: TWILIO_TOKEN,
      },
    });
    expect(settings.status).toBe(200);
    const totp = (await api.call('POST', '/v1/me/mfa/totp', { token: owner.token })).body.secret as string;
    const confirmed = await api.call('POST', '/v1/me/mfa/totp/confirm', {
      token: owner.token,
      body: { code: totpCode(totp, new Date(Date.now() - 30_000)) },
    });
    expect(confirmed.status).toBe(200);
    await stopRuntimeProcess(first);

    const entries = await walk(dataDir);
    expect(entries.length).toBeGreaterThan(100);
    expect((await stat(dataDir)).mode & 0o777).toBe(0o700);
    const readableByOthers = entries
      .filter((e) => (e.mode & 0o077) !== 0)
      .map((e) => `${e.mode.toString(8)} ${e.path}`);
    expect(readableByOthers).toEqual([]);
    expect(entries.filter((e) => !e.directory).every((e) => e.mode === 0o600)).toBe(true);
    expect(await filesContaining(dataDir, TWILIO_TOKEN)).toEqual([]);
    expect(await filesContaining(dataDir, totp)).toEqual([]);
    const ringBefore = JSON.parse(await readFile(join(dataDir, 'secrets-keys.json'), 'utf8'));

    const { stdout } = await promisify(execFile)(process.execPath, [rotateEntry], {
      env: { ...process.env, DATA_DIR: dataDir },
    });
    expect(stdout).toMatch(
      /re-sealed 1 tenants' provider secrets and 1 users' TOTP secrets with key \S+; old key\(s\) \S+ removed/,
    );
    const ringAfter = JSON.parse(await readFile(join(dataDir, 'secrets-keys.json'), 'utf8'));
    expect(Object.keys(ringAfter.keys)).toEqual([ringAfter.current]);
    expect(ringAfter.current).not.toBe(ringBefore.current);
    expect((await stat(join(dataDir, 'secrets-keys.json'))).mode & 0o777).toBe(0o600);

    // after the restart both secrets open with the new key: Twilio's signature checks, the code logs in
    const second = await startRuntime(dataDir);
    const again = apiClient(second.apiUrl, dataDirMailbox(dataDir));
    const url = `${second.apiUrl}/v1/webhooks/twilio/${owner.tenantId}/sms`;
    const form = {
      From: '+447700900123',
      To: '+447700900999',
      Body: 'hello',
      MessageSid: `SM${'a'.repeat(32)}`,
    };
    const webhook = (token: string) =>
      fetch(url, {
        method: 'POST',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          'x-twilio-signature': twilioSignature(token, url, Object.entries(form)),
        },
        body: new URLSearchParams(form).toString(),
      });
    expect((await webhook(TWILIO_TOKEN)).status).toBe(200);
    expect((await webhook('another-token-of-some-length')).status).toBe(403);
    const challenge = await again.call('POST', '/v1/auth/login', {
      body: { email: owner.email, password: owner.password },
    });
    const session = await again.call('POST', '/v1/auth/login/mfa', {
      body: {
        challengeToken: challenge.body.challengeToken,
        code: totpCode(totp, new Date(Date.now() + 30_000)),
      },
    });
    expect(session.status).toBe(200);
    await stopRuntimeProcess(second);
    expect(await filesContaining(dataDir, TWILIO_TOKEN)).toEqual([]);
  });
});
