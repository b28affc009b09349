// Authenticated reads through the whole API stack (HTTP → v2 event → middy router → bearer auth →
// RLS transaction → JSON) against GET /v1/health on the same server: the ratio is what auth and a
// tenant-scoped query cost per request, independent of how fast this machine is.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { parseLocalEnv } from '../../infra/local/src/env.ts';
import { startLocalRuntime } from '../../infra/local/src/runtime.ts';
import { type Benchmark, type BenchResult, median, progress, round, withBaseline } from '../harness.ts';
import { type LoadOptions, type LoadResult, type LoadWorker, startLoadWorker } from '../http-load.ts';

const settings = {
  concurrency: 16,
  /** Per route, before the measured rounds: lets the JIT and the database caches settle. */
  warmUpMs: 1_000,
  maxMs: 5_000,
  maxRequests: 20_000,
  rounds: 3,
};

const sessionSchema = z.object({ token: z.string().startsWith('pws_') });
const sitesSchema = z.object({ sites: z.array(z.object({ name: z.string() })).min(1) });

async function logIn(apiUrl: string, email: string, password: string): Promise<string> {
  const response = await fetch(`${apiUrl}/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password }),
  });
  if (response.status !== 200)
    throw new Error(`demo login failed: HTTP ${response.status} ${await response.text()}`);
  return sessionSchema.parse(await response.json()).token;
}

/** One authenticated request up front: the benchmark must measure a route that returns real rows. */
async function checkSitesRoute(apiUrl: string, token: string): Promise<void> {
  const response = await fetch(`${apiUrl}/v1/sites`, { headers: { authorization: `Bearer ${token}` } });
  if (response.status !== 200)
    throw new Error(`GET /v1/sites failed: HTTP ${response.status} ${await response.text()}`);
  sitesSchema.parse(await response.json());
}

async function measure(load: LoadWorker, label: string, options: LoadOptions): Promise<LoadResult> {
  const result = await load.measure(options);
  progress(
    `  ${label.padEnd(14)} ${round(result.requestsPerSecond, 0)} req/s  (${result.ok} ok, ${result.errors} errors, ${round(result.elapsedMs / 1000, 2)} s)`,
  );
  if (result.errors > 0) {
    throw new Error(`${label}: ${result.errors} requests failed, e.g. ${result.errorSamples.join('; ')}`);
  }
  return result;
}

async function run(): Promise<BenchResult> {
  const dataDir = await mkdtemp(join(tmpdir(), 'plantwatch-bench-'));
  let load: LoadWorker | undefined;
  try {
    progress(`api-reads: starting the local runtime (embedded config store in ${dataDir})`);
    const env = parseLocalEnv({ API_PORT: '0', DATA_DIR: dataDir });
    const runtime = await startLocalRuntime({ env, explicitPorts: new Set(['API_PORT']), seedDemo: true });
    try {
      const demo = runtime.demo;
      if (!demo?.password) throw new Error('the local runtime seeded no demo tenant with a usable login');
      const token = await logIn(runtime.apiUrl, demo.email, demo.password);
      await checkSitesRoute(runtime.apiUrl, token);

      const health: LoadOptions = { url: `${runtime.apiUrl}/v1/health`, ...settings };
      const sites: LoadOptions = {
        url: `${runtime.apiUrl}/v1/sites`,
        headers: { authorization: `Bearer ${token}` },
        ...settings,
      };
      load = startLoadWorker();
      progress(
        `api-reads: ${settings.concurrency} in flight, keep-alive; each measurement ≤ ${settings.maxMs / 1000} s or ${settings.maxRequests} requests`,
      );
      await measure(load, 'warm-up health', { ...health, maxMs: settings.warmUpMs });
      await measure(load, 'warm-up sites', { ...sites, maxMs: settings.warmUpMs });

      const healthRates: number[] = [];
      const sitesRates: number[] = [];
      for (let pass = 1; pass <= settings.rounds; pass += 1) {
        // Alternate which goes first, so a slow drift (GC, CPU clock) does not favour one side.
        const order = pass % 2 === 1 ? (['health', 'sites'] as const) : (['sites', 'health'] as const);
        for (const which of order) {
          const result = await measure(load, `round ${pass} ${which}`, which === 'health' ? health : sites);
          (which === 'health' ? healthRates : sitesRates).push(result.requestsPerSecond);
        }
      }
      return withBaseline(round(median(sitesRates), 0), 'req/s', round(median(healthRates), 0));
    } finally {
      await runtime.close();
    }
  } finally {
    await load?.close();
    await rm(dataDir, { recursive: true, force: true });
  }
}

export const apiReads: Benchmark = {
  name: 'api-reads',
  description: 'authenticated GET /v1/sites req/s over HTTP; baseline GET /v1/health in the same run',
  run,
};
