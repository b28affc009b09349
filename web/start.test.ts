// startWeb as the local runtime uses it: real child process, real ports.
import { once } from 'node:events';
import { readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureWebBuild, PRODUCTION_DIST_DIR } from './build.ts';
import { startWeb } from './start.ts';

const webDir = dirname(fileURLToPath(import.meta.url));
const distDir = `.next-start-test-${process.pid}`;
const blocker = createServer();
let takenPort = 0;

beforeAll(async () => {
  blocker.listen(0, '127.0.0.1');
  await once(blocker, 'listening');
  takenPort = (blocker.address() as { port: number }).port;
});

afterAll(async () => {
  blocker.close();
  await rm(join(webDir, distDir), { recursive: true, force: true });
});

// The port handling happens before Next starts, so these use the dev server (no build needed).
const options = {
  host: '127.0.0.1',
  apiUrl: 'http://127.0.0.1:9',
  dataDir: tmpdir(),
  distDir,
  mode: 'dev' as const,
  onLog: () => {},
};

describe('startWeb', () => {
  it('refuses a port that is taken when the port was chosen explicitly', async () => {
    await expect(startWeb({ ...options, port: takenPort })).rejects.toThrow(/port in use \(EADDRINUSE\)/);
  });

  it('takes a free port when the default is taken, says so, and stops when closed', async () => {
    const web = await startWeb({ ...options, port: takenPort, fallbackWhenTaken: true });
    try {
      expect(web.note).toBe(`port ${takenPort} was taken; using ${new URL(web.url).port}`);
      expect(new URL(web.url).port).not.toBe(String(takenPort));
    } finally {
      await web.close();
    }
    await expect(fetch(web.url)).rejects.toThrow();
  });

  it('serves the production build by default, building it only when the sources changed since the last build', async () => {
    // Shared with the end-to-end tests: whoever comes first builds, the other waits for it.
    await ensureWebBuild();
    const again = await ensureWebBuild();
    expect(again.built).toBe(false);
    const buildId = (await readFile(join(webDir, PRODUCTION_DIST_DIR, 'BUILD_ID'), 'utf8')).trim();
    const progress: string[] = [];
    const web = await startWeb({
      host: '127.0.0.1',
      apiUrl: 'http://127.0.0.1:9',
      dataDir: tmpdir(),
      port: 0,
      onLog: () => {},
      onProgress: (line) => progress.push(line),
    });
    try {
      expect(progress).toEqual([]);
      const login = await fetch(`${web.url}/login`);
      expect(login.status).toBe(200);
      // The page comes from that build (a dev server has no build id).
      expect(await login.text()).toContain(buildId);
    } finally {
      await web.close();
    }
  }, 600_000);
});
