// Resident memory of the product as `npm start` runs it (issue 14's aims: ≤ 700 MB for the whole of
// it idle, ≤ 1 GB for the runtime at 10 million points).
//
// footprint-idle: `npm start` on an empty DATA_DIR (demo tenant, simulators, the demo gateway, the
// production web build) left idle for 30 s, then the RSS of every process under it summed, five
// samples 2 s apart, the median; each process's share goes to stderr. The simulators prefer the demo's
// ports (5020, 4840, 1884, 2404) and move to free ones when another `npm start` holds them.
//
// footprint-runtime-10m: the local runtime in a process of its own (bench/footprint-runtime.ts) on a
// DATA_DIR holding 10 million points of 2,500 tags, with the store's default DuckDB memory_limit:
// the peak RSS during 300 rounds of queries over the whole span (the start-up peak, PGlite's
// migrations and the file's opening, is reset first and printed apart); baseline: the same process
// idle after start.
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { z } from 'zod';
import { stopChild } from '../child-processes.ts';
import { type Benchmark, median, progress, withBaseline } from '../harness.ts';
import { prepareQueryData } from '../query-data.ts';

const rootDir = join(import.meta.dirname, '..', '..');
const IDLE_MS = 30_000;
const STARTUP_TIMEOUT_MS = 600_000; // a first start builds the web app: minutes on a busy machine

/** The process and its descendants, from /proc (children files of each task). */
async function processTree(root: number): Promise<number[]> {
  const pids = [root];
  for (let i = 0; i < pids.length; i += 1) {
    const pid = pids[i] as number;
    const tasks = await readFile(`/proc/${pid}/task/${pid}/children`, 'utf8').catch(() => '');
    for (const child of tasks.split(' ').filter(Boolean)) pids.push(Number(child));
  }
  return pids;
}

interface ProcessMemory {
  pid: number;
  /** Resident set: what the aim is stated in. Pages several processes share count in each. */
  mb: number;
  /** Proportional set: a shared page counts 1/n in each of its n processes (the node binary's text). */
  pssMb: number;
  command: string;
}

async function processRss(pid: number): Promise<ProcessMemory | null> {
  try {
    const status = await readFile(`/proc/${pid}/status`, 'utf8');
    const kb = Number(/^VmRSS:\s+(\d+) kB/m.exec(status)?.[1] ?? 0);
    const rollup = await readFile(`/proc/${pid}/smaps_rollup`, 'utf8').catch(() => '');
    const pssKb = Number(/^Pss:\s+(\d+) kB/m.exec(rollup)?.[1] ?? kb);
    const command = (await readFile(`/proc/${pid}/cmdline`, 'utf8')).replaceAll('\0', ' ').trim();
    return { pid, mb: kb / 1024, pssMb: pssKb / 1024, command };
  } catch {
    return null; // gone meanwhile
  }
}

/** What a process is, for the breakdown: the script it runs rather than the node binary's path. */
const shortName = (command: string) =>
  /(infra\/local\/src\/main\.ts|web\/serve\.ts|edge-gateway\S*|npm start|sh -c)/.exec(command)?.[1] ??
  command.slice(0, 60);

function waitForLine(child: ChildProcess, pattern: RegExp, timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const tail: string[] = [];
    const timer = setTimeout(
      () => reject(new Error(`npm start not running after ${timeoutMs} ms:\n${tail.join('\n')}`)),
      timeoutMs,
    );
    const onData = (chunk: Buffer) => {
      for (const line of chunk.toString('utf8').split('\n')) {
        if (!line.startsWith('{')) tail.push(line);
        if (tail.length > 20) tail.shift();
        if (pattern.test(line)) {
          clearTimeout(timer);
          resolve();
        }
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`npm start exited (code ${code}):\n${tail.join('\n')}`));
    });
  });
}

async function measureIdle(): Promise<number> {
  const dataDir = await mkdtemp(join(tmpdir(), 'plantwatch-bench-footprint-'));
  let child: ChildProcess | undefined;
  try {
    // Its own process group: npm, the runtime, the web server and the gateway stop together.
    child = spawn('npm', ['start'], {
      cwd: rootDir,
      env: { ...process.env, DATA_DIR: dataDir },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    progress('footprint: npm start on an empty DATA_DIR (a first start builds the web app)');
    await waitForLine(child, /Plantwatch is running/, STARTUP_TIMEOUT_MS);
    progress(`footprint: running; idle for ${IDLE_MS / 1000} s`);
    await new Promise((done) => setTimeout(done, IDLE_MS));
    const totals: number[] = [];
    let shares: ProcessMemory[] = [];
    for (let i = 0; i < 5; i += 1) {
      const pids = await processTree(child.pid as number);
      shares = (await Promise.all(pids.map(processRss))).filter((p) => p !== null);
      totals.push(shares.reduce((sum, p) => sum + p.mb, 0));
      await new Promise((done) => setTimeout(done, 2_000));
    }
    for (const share of shares)
      progress(
        `  ${shortName(share.command).padEnd(28)} ${Math.round(share.mb)} MB   (PSS ${Math.round(share.pssMb)} MB)`,
      );
    const pss = shares.reduce((sum, p) => sum + p.pssMb, 0);
    progress(`  PSS in total (shared pages counted once): ${Math.round(pss)} MB`);
    return Math.round(median(totals));
  } finally {
    if (child?.pid !== undefined) {
      const group = child.pid;
      // Ctrl-C as a person would give it, to the whole group; stopChild waits for npm to exit.
      const stopped = stopChild(child, 'SIGINT', 20_000);
      try {
        process.kill(-group, 'SIGINT');
      } catch {
        // already gone
      }
      await stopped;
      try {
        process.kill(-group, 'SIGKILL');
      } catch {
        // everything in it has exited
      }
    }
    await rm(dataDir, { recursive: true, force: true });
  }
}

const runtimeSchema = z.object({
  idleMb: z.number(),
  startPeakMb: z.number(),
  afterQueriesMb: z.number(),
  peakMb: z.number(),
  heapUsedMb: z.number(),
  externalMb: z.number(),
  arrayBuffersMb: z.number(),
});

async function measureRuntime(): Promise<z.infer<typeof runtimeSchema>> {
  const prepared = await prepareQueryData(2_500);
  try {
    // In a file: 2,500 tags' names are more than one command-line argument may hold.
    const input = join(prepared.dataDir, 'footprint-input.json');
    await writeFile(
      input,
      JSON.stringify({
        dataDir: prepared.dataDir,
        tenantId: prepared.tenantId,
        end: prepared.end,
        sites: prepared.sites.map((site) => ({ refs: site.refs })),
      }),
    );
    const { stdout } = await promisify(execFile)(
      process.execPath,
      [join(rootDir, 'bench', 'footprint-runtime.ts'), input],
      { cwd: rootDir, maxBuffer: 1 << 20, timeout: 900_000 },
    );
    const line = stdout
      .trim()
      .split('\n')
      .filter((l) => l.startsWith('{"idleMb"'))
      .pop();
    const measured = runtimeSchema.parse(JSON.parse(line ?? '{}'));
    progress(`footprint: runtime at 10M points ${JSON.stringify(measured)}`);
    return measured;
  } finally {
    await prepared.remove();
  }
}

export const footprintIdle: Benchmark = {
  name: 'footprint-idle',
  description:
    'MB resident, all processes of `npm start` (runtime, web server, gateway, npm) idle (aim ≤ 700)',
  run: async () => ({ value: await measureIdle(), unit: 'MB' }),
};

export const footprintRuntime10M: Benchmark = {
  name: 'footprint-runtime-10m',
  description:
    'MB resident, the local runtime at 10M points after queries over all of them (aim ≤ 1,000); baseline: the same process idle after start',
  run: async () => {
    const measured = await measureRuntime();
    return withBaseline(measured.peakMb, 'MB', measured.idleMb);
  },
};
