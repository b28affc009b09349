// startWeb as the local runtime uses it: real child process, real ports.
import { once } from 'node:events';
import { rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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

const options = {
  host: '127.0.0.1',
  apiUrl: 'http://127.0.0.1:9',
  dataDir: tmpdir(),
  distDir,
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
});
