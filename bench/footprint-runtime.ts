// Child process of the `footprint-runtime-10m` benchmark: the local runtime started on a DATA_DIR that
// holds 10 million points (bench/query-data.ts prepared it), its resident memory idle and then
// while queries read all over the data. Prints one JSON line on stdout and exits.
import { readFile, writeFile } from 'node:fs/promises';
import { z } from 'zod';
import type { TagRef } from '../functions/src/telemetry/ports.ts';
import { parseLocalEnv } from '../infra/local/src/env.ts';
import { startLocalRuntime } from '../infra/local/src/runtime.ts';

const inputSchema = z.object({
  dataDir: z.string(),
  memoryLimit: z.string().optional(),
  tenantId: z.string(),
  end: z.number(),
  sites: z.array(
    z.object({
      refs: z.array(z.object({ gatewayId: z.string(), deviceKey: z.string(), tagKey: z.string() })),
    }),
  ),
});
const input = inputSchema.parse(JSON.parse(await readFile(process.argv[2] ?? '', 'utf8')));
const DAY_MS = 86_400_000;

async function rssMb(): Promise<{ rss: number; peak: number }> {
  const status = await readFile('/proc/self/status', 'utf8');
  const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? 0);
  return { rss: Math.round(kb('VmRSS') / 1024), peak: Math.round(kb('VmHWM') / 1024) };
}

const env = parseLocalEnv({
  API_PORT: '0',
  MQTT_PORT: '0',
  DATA_DIR: input.dataDir,
  DEMO: 'off',
  ...(input.memoryLimit ? { TELEMETRY_MEMORY_LIMIT: input.memoryLimit } : {}),
});
const runtime = await startLocalRuntime({
  env,
  explicitPorts: new Set(['API_PORT', 'MQTT_PORT']),
  seedDemo: false,
});
try {
  await new Promise((done) => setTimeout(done, 5_000));
  const idle = await rssMb();
  // The peak from here on: start-up (migrations, opening the file) has its own, higher one.
  await writeFile('/proc/self/clear_refs', '5');
  const store = runtime.telemetry;
  // Reads over the whole span, every site: raw days, 30 days hourly, the whole span at 1,000 buckets.
  for (let i = 0; i < 300; i += 1) {
    const site = input.sites[i % input.sites.length] as (typeof input.sites)[number];
    const to = input.end - ((i * 7_919_000) % (30 * DAY_MS));
    await store.range(input.tenantId, site.refs[i % site.refs.length] as TagRef, to - DAY_MS, to, 100_000);
    if (i % 5 === 0) {
      await store.series(input.tenantId, {
        tagRefs: site.refs,
        from: to - 30 * DAY_MS,
        to,
        maxPoints: 720,
        aggregates: ['avg', 'min', 'max'],
      });
    }
    if (i % 30 === 0) {
      await store.series(input.tenantId, {
        tagRefs: site.refs,
        from: input.end - 35 * DAY_MS,
        to: input.end,
        maxPoints: 1_000,
        aggregates: ['avg', 'min', 'max', 'first', 'last'],
      });
      await store.range(input.tenantId, site.refs[0] as TagRef, 0, input.end, 1_000_000);
    }
  }
  const busy = await rssMb();
  const heap = process.memoryUsage();
  process.stdout.write(
    `${JSON.stringify({
      idleMb: idle.rss,
      startPeakMb: idle.peak,
      afterQueriesMb: busy.rss,
      peakMb: busy.peak,
      heapUsedMb: Math.round(heap.heapUsed / 2 ** 20),
      externalMb: Math.round(heap.external / 2 ** 20),
      arrayBuffersMb: Math.round(heap.arrayBuffers / 2 ** 20),
    })}\n`,
  );
} finally {
  await runtime.close();
}
