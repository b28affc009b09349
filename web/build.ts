// The production build the local runtime serves: `next build` run once into its own folder, and again
// only when the web app's sources change (a hash of them is kept beside the build). Concurrent starts
// (npm start, the end-to-end tests, the bench) share one build: the first builds, the others wait.
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { childEnv } from './src/env.ts';

const webDir = dirname(fileURLToPath(import.meta.url));
const rootDir = join(webDir, '..');
/** The folder the local runtime's production build lives in (inside web/). */
export const PRODUCTION_DIST_DIR = '.next-production';

/** What goes into the bundle: a change to any of these makes the next start rebuild. */
const SOURCES = ['web/src', 'web/next.config.ts', 'web/package.json', 'shared/src'];
const isSource = (path: string) => !/\.test\.tsx?$/.test(path) && !path.includes('/node_modules/');

async function listFiles(path: string): Promise<string[]> {
  const info = await stat(path).catch(() => null);
  if (!info) return [];
  if (info.isFile()) return [path];
  const entries = await readdir(path, { recursive: true, withFileTypes: true });
  return entries.filter((entry) => entry.isFile()).map((entry) => join(entry.parentPath, entry.name));
}

/** A hash of every web source file's path and content (plus the installed Next version). */
export async function webSourceHash(): Promise<string> {
  const files = (await Promise.all(SOURCES.map((source) => listFiles(join(rootDir, source)))))
    .flat()
    .filter(isSource)
    .sort();
  const hash = createHash('sha256');
  for (const file of files) {
    hash.update(relative(rootDir, file));
    hash.update('\0');
    hash.update(await readFile(file));
    hash.update('\0');
  }
  const nextPackage = join(rootDir, 'node_modules', 'next', 'package.json');
  hash.update(await readFile(nextPackage, 'utf8').catch(() => 'no next'));
  return hash.digest('hex');
}

export interface BuildOptions {
  /** Next's output folder inside web/ (default .next-production). */
  distDir?: string;
  /** One line when a build starts and one when it ends; nothing when the cached build is current. */
  onProgress?: (line: string) => void;
  /** Each line `next build` writes (default: kept for the error message only). */
  onLog?: (line: string) => void;
}

export interface BuildResult {
  built: boolean;
  ms: number;
}

const pidAlive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
};

/** An exclusive lock on the build folder: a directory made atomically, holding its owner's pid. */
async function lock(lockDir: string): Promise<() => Promise<void>> {
  for (;;) {
    try {
      await mkdir(lockDir);
      await writeFile(join(lockDir, 'pid'), String(process.pid));
      return () => rm(lockDir, { recursive: true, force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const owner = Number(await readFile(join(lockDir, 'pid'), 'utf8').catch(() => '0'));
      // A lock left by a build that was killed is taken over; a fresh one without a pid yet is waited for.
      if (owner > 0 && !pidAlive(owner)) await rm(lockDir, { recursive: true, force: true });
      else await new Promise((done) => setTimeout(done, 500));
    }
  }
}

function runNextBuild(distDir: string, onLog: (line: string) => void): Promise<void> {
  const tail: string[] = [];
  const child = spawn(
    process.execPath,
    [join(rootDir, 'node_modules', 'next', 'dist', 'bin', 'next'), 'build'],
    {
      cwd: webDir,
      env: childEnv({ WEB_DIST_DIR: distDir, NODE_ENV: 'production', NEXT_TELEMETRY_DISABLED: '1' }),
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  for (const stream of [child.stdout, child.stderr]) {
    stream.setEncoding('utf8');
    stream.on('data', (chunk: string) => {
      for (const line of chunk.split('\n').filter(Boolean)) {
        tail.push(line);
        if (tail.length > 60) tail.shift();
        onLog(line);
      }
    });
  }
  return new Promise((done, fail) => {
    child.once('error', fail);
    child.once('exit', (code, signal) =>
      code === 0
        ? done()
        : fail(new Error(`next build failed (${signal ?? `exit code ${code}`}):\n${tail.join('\n')}`)),
    );
  });
}

/** Builds the web app unless the build in distDir was made from the sources as they are now. */
export async function ensureWebBuild(options: BuildOptions = {}): Promise<BuildResult> {
  const started = performance.now();
  const distDir = options.distDir ?? PRODUCTION_DIST_DIR;
  const distPath = join(webDir, distDir);
  const stampFile = join(distPath, 'plantwatch-source-hash');
  const release = await lock(join(webDir, `${distDir}.lock`));
  try {
    const hash = await webSourceHash();
    const stamp = await readFile(stampFile, 'utf8').catch(() => '');
    const complete = await stat(join(distPath, 'BUILD_ID')).then(
      () => true,
      () => false,
    );
    if (stamp === hash && complete) return { built: false, ms: performance.now() - started };
    options.onProgress?.(
      stamp
        ? 'web app: the web sources changed, rebuilding the production bundle (about a minute)…'
        : 'web app: building the production bundle once (about a minute; later starts reuse it)…',
    );
    await rm(distPath, { recursive: true, force: true });
    // next.config.ts hands Next web/tsconfig.next.json (git-ignored), which only `next dev` writes: on a
    // clean clone `next build` finds none and fails. An empty one is enough; Next fills it in.
    await writeFile(join(webDir, 'tsconfig.next.json'), '{}\n', { flag: 'wx' }).catch(
      (error: NodeJS.ErrnoException) => {
        if (error.code !== 'EEXIST') throw error;
      },
    );
    await runNextBuild(distDir, options.onLog ?? (() => {}));
    await writeFile(stampFile, hash);
    const ms = performance.now() - started;
    options.onProgress?.(`web app: built in ${(ms / 1000).toFixed(0)} s`);
    return { built: true, ms };
  } finally {
    await release();
  }
}
