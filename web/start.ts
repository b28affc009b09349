// Starts the web app for the local runtime: a child process running web/serve.ts (Next.js + node:http).
import { type ChildProcess, spawn } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureWebBuild, PRODUCTION_DIST_DIR } from './build.ts';
import type { ServeMessage } from './serve.ts';
import { PEER_ADDRESS_HEADER } from './src/client-address.ts';
import { childEnv } from './src/env.ts';

export interface StartWebOptions {
  /** 0 picks a free port. */
  port: number;
  host: string;
  /** Base URL of the API, e.g. http://127.0.0.1:4000 (no /v1). */
  apiUrl: string;
  /** Where the generated session secret is kept (DATA_DIR/web/nextauth-secret) when NEXTAUTH_SECRET is unset. */
  dataDir: string;
  /** When the port is taken: false (default) fails; true takes a free one and reports a note. */
  fallbackWhenTaken?: boolean;
  /**
   * 'production' (default): serves `next build` output, built first when missing or older than the
   * web sources (build.ts); 'dev': Next's dev server, pages compiled on their first visit.
   */
  mode?: 'dev' | 'production';
  /**
   * Next's output folder in web/. Production: default .next-production, one build shared by every
   * server. Dev: default .next; concurrent dev servers need different ones (Next's dev lock).
   */
  distDir?: string;
  /** A line when a production build starts and ends (it takes about a minute); default: stderr. */
  onProgress?: (line: string) => void;
  /** Each line the web server writes; default: only its stderr, to this process's stderr. */
  onLog?: (line: string, stream: 'stdout' | 'stderr') => void;
  /** Give up after this long (default 60 s). */
  timeoutMs?: number;
  /** More of the web server's environment (e.g. LIVE_FALLBACK_POLL_MS in a test of push). */
  env?: Record<string, string>;
  /**
   * The local runtime's webProxySecret: with it, the web server's API calls carry each browser's
   * address and User-Agent (ADR 0031); without it, the API sees the web server's address for everyone.
   */
  proxySecret?: string;
}

export interface WebServer {
  url: string;
  /** Set when the port was taken and another was used. */
  note?: string;
  close(): Promise<void>;
}

const webDir = dirname(fileURLToPath(import.meta.url));

function forwardLines(child: ChildProcess, onLog: NonNullable<StartWebOptions['onLog']>, tail: string[]) {
  for (const stream of ['stdout', 'stderr'] as const) {
    let buffered = '';
    child[stream]?.setEncoding('utf8');
    child[stream]?.on('data', (chunk: string) => {
      buffered += chunk;
      const lines = buffered.split('\n');
      buffered = lines.pop() ?? '';
      for (const line of lines) {
        tail.push(line);
        if (tail.length > 40) tail.shift();
        onLog(line, stream);
      }
    });
  }
}

/**
 * The web server's V8 flags: a young generation of at most 2 MB a semi-space instead of 16, as the
 * gateway runs (ADR 0023). 11–14 MB less resident in `npm start` (ADR 0059).
 */
export const webNodeFlags: readonly string[] = ['--max-semi-space-size=2'];

export async function startWeb(options: StartWebOptions): Promise<WebServer> {
  const onLog =
    options.onLog ??
    ((line: string, stream: 'stdout' | 'stderr') => {
      if (stream === 'stderr') process.stderr.write(`web: ${line}\n`);
    });
  const mode = options.mode ?? 'production';
  const distDir = options.distDir ?? (mode === 'production' ? PRODUCTION_DIST_DIR : '.next');
  if (mode === 'production') {
    await ensureWebBuild({
      distDir,
      onProgress: options.onProgress ?? ((line) => process.stderr.write(`${line}\n`)),
    });
  }
  const child = spawn(
    process.execPath,
    [...webNodeFlags, join(webDir, 'serve.ts'), ...(options.fallbackWhenTaken ? ['--fallback-port'] : [])],
    {
      cwd: webDir,
      env: childEnv({
        ...options.env,
        API_URL: options.apiUrl,
        HOST: options.host,
        WEB_PORT: String(options.port),
        DATA_DIR: resolve(options.dataDir),
        WEB_MODE: mode,
        WEB_DIST_DIR: distDir,
        NODE_ENV: mode === 'production' ? 'production' : 'development',
        // A product running on someone's machine does not report usage to Vercel.
        NEXT_TELEMETRY_DISABLED: '1',
        ...(options.proxySecret
          ? { API_PROXY_SECRET: options.proxySecret, CLIENT_IP_HEADER: PEER_ADDRESS_HEADER }
          : {}),
      }),
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    },
  );
  const tail: string[] = [];
  forwardLines(child, onLog, tail);
  const exited = new Promise<void>((done) => child.once('exit', () => done()));

  const started = await new Promise<{ url: string; note?: string }>((done, fail) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      fail(new Error(`web app did not start within ${options.timeoutMs ?? 60_000} ms:\n${tail.join('\n')}`));
    }, options.timeoutMs ?? 60_000);
    child.on('message', (message: ServeMessage) => {
      clearTimeout(timer);
      if ('ready' in message)
        done(message.note ? { url: message.url, note: message.note } : { url: message.url });
      else fail(Object.assign(new Error(`web app cannot start: ${message.message}`), { tail }));
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      fail(new Error(`web app exited (code ${code}) before it was ready:\n${tail.join('\n')}`));
    });
  });

  return {
    ...started,
    async close() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    },
  };
}
