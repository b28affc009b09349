// `npm start` as a user runs it: a real child process, real ports, Ctrl-C, and a second start on
// the same data directory.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer as createHttpServer } from 'node:http';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { parseLocalEnv, webDistDir } from './env.ts';
import { listen } from './listen.ts';

const mainPath = new URL('./main.ts', import.meta.url).pathname;
const webDir = new URL('../../../web', import.meta.url).pathname;

interface Started {
  child: ChildProcess;
  output: () => string;
  apiUrl: string;
}

const running = new Set<ChildProcess>();

// A start takes seconds, but the first one after a change to the web app also builds it (web/build.ts:
// about a minute, or a wait for another test's build of it).
const START_TIMEOUT_MS = 180_000;

function start(env: Record<string, string>): Promise<Started> {
  // Its own process group, so cleanup can stop it with its web app and gateway even after a failure.
  const child = spawn(process.execPath, [mainPath], {
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  running.add(child);
  child.once('exit', () => running.delete(child));
  let output = '';
  child.stdout?.on('data', (chunk) => {
    output += chunk;
  });
  child.stderr?.on('data', (chunk) => {
    output += chunk;
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`not started within ${START_TIMEOUT_MS / 1000} s:\n${output}`)),
      START_TIMEOUT_MS,
    );
    const poll = setInterval(() => {
      const match = output.match(/API\s+(http:\/\/127\.0\.0\.1:\d+)\/v1/);
      if (match?.[1]) {
        clearInterval(poll);
        clearTimeout(timer);
        resolve({ child, output: () => output, apiUrl: match[1] });
      }
    }, 50);
    child.once('exit', (code) => {
      clearInterval(poll);
      clearTimeout(timer);
      reject(new Error(`exited with ${code} before starting:\n${output}`));
    });
  });
}

function stop(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => {
    child.once('exit', (code) => resolve(code));
    child.kill('SIGINT');
  });
}

async function login(apiUrl: string, email: string, password: string) {
  const res = await fetch(`${apiUrl}/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password }),
  });
  return { status: res.status, body: (await res.json()) as { token: string } };
}

describe('npm start (the local runtime as a process)', { timeout: START_TIMEOUT_MS + 60_000 }, () => {
  let dataDir: string;
  let blocker: ReturnType<typeof createServer>;
  let takenPort: number;

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'plantwatch-runtime-'));
    blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const address = blocker.address();
    takenPort = typeof address === 'object' && address ? address.port : 0;
  });
  afterEach(() => {
    for (const child of running) if (child.pid) process.kill(-child.pid, 'SIGKILL');
  });
  afterAll(async () => {
    blocker.close();
    await rm(dataDir, { recursive: true, force: true });
    await rm(join(webDir, webDistDir(dataDir)), { recursive: true, force: true });
  });

  it('starts with a demo tenant, stops cleanly on Ctrl-C, and keeps the data for the next start', async () => {
    const env = { DATA_DIR: dataDir, DEMO_EMAIL: 'ops@example.com', DEMO_PASSWORD: 'start me up twice' };
    const first = await start({ ...env, API_PORT: '0', WEB_PORT: '0', MQTT_PORT: '0' });
    expect(first.output()).toContain(
      'demo login     ops@example.com / start me up twice   (demo tenant created)',
    );
    const session = await login(first.apiUrl, 'ops@example.com', 'start me up twice');
    expect(session.status).toBe(200);
    const created = await fetch(`${first.apiUrl}/v1/sites`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${session.body.token}` },
      body: JSON.stringify({ name: 'Kept across restarts' }),
    });
    expect(created.status).toBe(201);

    // the whole product is up: the web app answers, and the demo gateway's data reaches the API
    const webUrl = first.output().match(/web app\s+(http:\/\/127\.0\.0\.1:\d+)/)?.[1];
    expect(webUrl).toBeDefined();
    expect((await fetch(`${webUrl}/`, { redirect: 'manual' })).status).toBeLessThan(500);
    expect(first.output()).toMatch(/gateway\s+gw-north, process \d+/);
    const headers = { authorization: `Bearer ${session.body.token}` };
    const demoSite = (
      (await (await fetch(`${first.apiUrl}/v1/sites`, { headers })).json()) as {
        sites: { id: string; name: string }[];
      }
    ).sites.find((site) => site.name === 'North Pumping Station');
    const latestKeys = async () => {
      const res = await fetch(`${first.apiUrl}/v1/telemetry/latest?siteId=${demoSite?.id}`, { headers });
      const body = (await res.json()) as { values?: { tagKey: string; quality: string }[] };
      return (body.values ?? []).filter((v) => v.quality === 'good').map((v) => v.tagKey);
    };
    await expect
      .poll(latestKeys, { timeout: 60_000, interval: 500 })
      .toEqual(expect.arrayContaining(['level', 'motor_temp']));

    expect(await stop(first.child)).toBe(0);
    expect(first.output()).toContain('stopped cleanly');

    // the next start keeps the data; and a different DEMO_PASSWORD changes nothing about the existing
    // user and is not printed as if it worked (one restart proves both: each start costs seconds)
    const second = await start({
      ...env,
      DEMO_PASSWORD: 'some other password',
      API_PORT: '0',
      WEB_PORT: '0',
      MQTT_PORT: '0',
    });
    expect(second.output()).not.toContain('demo tenant created');
    expect(second.output()).toContain('DEMO_PASSWORD is not that password');
    expect(second.output()).not.toContain('some other password');
    const again = await login(second.apiUrl, 'ops@example.com', 'start me up twice');
    expect(again.status).toBe(200);
    expect((await login(second.apiUrl, 'ops@example.com', 'some other password')).status).toBe(401);
    const sites = (await (
      await fetch(`${second.apiUrl}/v1/sites`, { headers: { authorization: `Bearer ${again.body.token}` } })
    ).json()) as { sites: { name: string }[] };
    expect(sites.sites.map((s) => s.name).sort()).toEqual(['Kept across restarts', 'North Pumping Station']);
    expect(await stop(second.child)).toBe(0);
  });

  it('takes a free port when a default port is taken, and says so', async () => {
    const server = createHttpServer();
    const result = await listen(server, '127.0.0.1', takenPort, false);
    try {
      expect(result.port).not.toBe(takenPort);
      expect(result.note).toBe(`port ${takenPort} is taken, so this uses ${result.port} instead`);
    } finally {
      server.close();
    }
  });

  it('refuses to start on an explicitly chosen port that is taken', async () => {
    await expect(start({ DATA_DIR: dataDir, API_PORT: String(takenPort) })).rejects.toThrow(
      new RegExp(`exited with 1 before starting:\\nPlantwatch cannot start: port ${takenPort} is in use`),
    );
  });
});

describe('environment', () => {
  it('names the variable and the rule when a setting is wrong', () => {
    expect(() => parseLocalEnv({ API_PORT: 'eighty', DEMO_PASSWORD: 'short' })).toThrow(
      /API_PORT[\s\S]*DEMO_PASSWORD/,
    );
  });

  it('defaults to loopback and the documented ports and demo login', () => {
    expect(parseLocalEnv({})).toMatchObject({
      HOST: '127.0.0.1',
      API_PORT: 4000,
      WEB_PORT: 3000,
      MQTT_PORT: 8883,
      DATA_DIR: '.data',
      DEMO_EMAIL: 'demo@plantwatch.local',
      DEMO_PASSWORD: 'plantwatch-demo',
    });
  });
});
