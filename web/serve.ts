// The web server process: Next.js behind node:http on HOST:WEB_PORT, talking to API_URL.
// Started by start.ts as a child process (one Next per process, its own env and lockfile);
// reports { ready, url } or { failed, message } to its parent over IPC.
import { readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { NextConfig } from 'next';
import next from 'next';
import { z } from 'zod';
import { PEER_ADDRESS_HEADER } from './src/client-address.ts';
import { localAuthSecret, parseWebEnv, publishAuthEnv, publishBuiltNextConfig } from './src/env.ts';

export type ServeMessage = { ready: true; url: string; note?: string } | { failed: true; message: string };

const webDir = dirname(fileURLToPath(import.meta.url));
const tell = (message: ServeMessage) => process.send?.(message);

const builtConfigSchema = z.object({
  config: z.looseObject({ experimental: z.record(z.string(), z.unknown()).default({}) }),
});

/**
 * Production serves the configuration the build resolved (required-server-files.json), handed to Next
 * the way its own standalone server.js does: Next then does not run next.config.ts, whose next-intl
 * plugin loads SWC's native compilers and a file watcher (~65 MB resident, ADR 0054); headers and
 * rewrites are in the build's manifests already. Dev reads next.config.ts, as `next dev` does.
 * Pages are loaded at their first request rather than all at start (preloadEntriesOnStart: ~25 MB
 * less for a server nobody has visited yet); the AWS deployment's standalone server keeps Next's
 * default, loading them during the Lambda's init.
 */
async function configFor(mode: 'dev' | 'production', distDir: string): Promise<NextConfig> {
  if (mode === 'dev') return (await import('./next.config.ts')).nextConfig(distDir);
  const file = join(webDir, distDir, 'required-server-files.json');
  const built = builtConfigSchema.parse(JSON.parse(await readFile(file, 'utf8')));
  const config = {
    ...built.config,
    experimental: { ...built.config.experimental, preloadEntriesOnStart: false },
  };
  publishBuiltNextConfig(config);
  return config as NextConfig;
}

async function serve(fallbackWhenTaken: boolean): Promise<void> {
  const env = parseWebEnv(process.env);
  const secret = env.NEXTAUTH_SECRET ?? (await localAuthSecret(env.DATA_DIR));

  let handle: ((req: IncomingMessage, res: ServerResponse) => Promise<void>) | undefined;
  let prepared: () => void = () => {};
  const whenPrepared = new Promise<void>((done) => {
    prepared = done;
  });
  const server = createServer((req, res) => {
    // The browser's address, as this socket sees it, for the API (start.ts names it CLIENT_IP_HEADER); any copy
    // the browser sent itself is overwritten.
    req.headers[PEER_ADDRESS_HEADER] = req.socket.remoteAddress ?? '';
    // Requests that arrive while Next prepares wait for it instead of failing.
    void whenPrepared.then(() => handle?.(req, res));
  });

  const listenOn = (port: number) =>
    new Promise<void>((done, fail) => {
      server.once('error', fail);
      server.listen(port, env.HOST, () => {
        server.off('error', fail);
        done();
      });
    });
  let note: string | undefined;
  try {
    await listenOn(env.WEB_PORT);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE' || !fallbackWhenTaken) throw error;
    await listenOn(0);
    note = `port ${env.WEB_PORT} was taken; using ${(server.address() as AddressInfo).port}`;
  }
  const { port } = server.address() as AddressInfo;
  const host = env.HOST.includes(':') ? `[${env.HOST}]` : env.HOST;
  const url = env.NEXTAUTH_URL ?? `http://${host}:${port}`;
  publishAuthEnv({ url, secret });

  const app = next({
    dev: env.WEB_MODE === 'dev',
    dir: webDir,
    hostname: env.HOST,
    port,
    conf: await configFor(env.WEB_MODE, env.WEB_DIST_DIR),
  });
  await app.prepare();
  const requestHandler = app.getRequestHandler();
  handle = (req, res) => requestHandler(req, res);
  const upgrade = app.getUpgradeHandler();
  server.on('upgrade', (req, socket, head) => void upgrade(req, socket, head));
  prepared();
  tell({ ready: true, url, ...(note ? { note } : {}) });

  const stop = () => {
    server.close();
    server.closeAllConnections();
    void app.close().finally(() => process.exit(0));
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  // The parent went away (crash, kill -9): never outlive it.
  process.on('disconnect', stop);
}

serve(process.argv.includes('--fallback-port')).catch((error: unknown) => {
  const code = (error as NodeJS.ErrnoException).code;
  tell({
    failed: true,
    message:
      code === 'EADDRINUSE'
        ? `port in use (EADDRINUSE): ${(error as Error).message}`
        : (error as Error).message,
  });
  process.stderr.write(`web: ${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
