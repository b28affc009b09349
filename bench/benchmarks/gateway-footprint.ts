// The edge gateway's footprint as a site runs it: `edge-gateway run` as its own process, with the
// V8 flags and malloc settings of the container (gatewayNodeFlags, gatewayMallocEnv), with 20
// Modbus TCP PLCs (simulated in this process) × 100 registers at 1 s, publishing to a private
// Mosquitto. Two figures from one run: start-to-first-poll (process spawned → every PLC has had a
// request), against `edge-gateway read --once` on the same PLCs as the baseline (Node starting and
// reading once, no workers, no broker); and resident memory per device (RSS sampled every 500 ms
// for 10 s once every PLC is polled, the highest sample, divided by the device count).
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ModbusSimulator } from '../../edge-gateway/sim/modbus-sim.ts';
import { freePort } from '../../edge-gateway/sim/ports.ts';
import { cliPath, gatewayMallocEnv, gatewayNodeFlags } from '../../edge-gateway/src/spawn.ts';
import { stopChild, waitForPort } from '../child-processes.ts';
import { type Benchmark, type BenchResult, progress, round, withBaseline } from '../harness.ts';

const settings = { devices: 20, registers: 100, pollMs: 1000, sampleMs: 10_000, firstPollTimeoutMs: 60_000 };

const mosquittoBinary = ['/usr/sbin/mosquitto', '/usr/bin/mosquitto', '/usr/local/sbin/mosquitto'].find((p) =>
  existsSync(p),
);

/** Resident set size of a process in MB (Linux /proc; the benchmark machines are Linux). */
async function rssMb(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const match = /^VmRSS:\s+(\d+) kB/m.exec(status);
  if (!match) throw new Error(`no VmRSS in /proc/${pid}/status`);
  return Number(match[1]) / 1024;
}

/** Spawns the CLI and resolves with the ms from spawn until every simulator has had a request. */
async function timeToFirstPolls(
  sims: readonly ModbusSimulator[],
  args: string[],
): Promise<{ child: ChildProcess; firstMs: number; allMs: number }> {
  const before = sims.map((sim) => sim.totalRequests);
  const started = performance.now();
  const child = spawn(process.execPath, [...gatewayNodeFlags, cliPath, ...args], {
    stdio: ['ignore', 'ignore', 'pipe'],
    env: { ...process.env, ...gatewayMallocEnv },
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString('utf8')).slice(-4000);
  });
  let firstMs = 0;
  for (;;) {
    const polled = sims.filter((sim, i) => sim.totalRequests > (before[i] ?? 0)).length;
    const elapsed = performance.now() - started;
    if (polled > 0 && firstMs === 0) firstMs = elapsed;
    if (polled === sims.length) return { child, firstMs, allMs: elapsed };
    if (elapsed > settings.firstPollTimeoutMs || (child.exitCode !== null && polled === 0)) {
      child.kill('SIGKILL');
      throw new Error(`${polled} of ${sims.length} PLCs polled after ${Math.round(elapsed)} ms\n${stderr}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

interface Footprint {
  firstPollAllMs: number;
  readOnceAllMs: number;
  rssMb: number;
  rssPerDeviceMb: number;
}

let measurement: Promise<Footprint> | null = null;

async function measure(): Promise<Footprint> {
  if (!mosquittoBinary)
    throw new Error('the gateway benchmark needs the mosquitto binary (apt-get install mosquitto)');
  const dir = await mkdtemp(join(tmpdir(), 'plantwatch-bench-gw-footprint-'));
  const sims = Array.from({ length: settings.devices }, () => new ModbusSimulator());
  let broker: ChildProcess | undefined;
  let gateway: ChildProcess | undefined;
  let mover: NodeJS.Timeout | undefined;
  try {
    await Promise.all(sims.map((sim) => sim.start()));
    let tick = 0;
    mover = setInterval(() => {
      tick += 1;
      sims.forEach((sim, s) => {
        for (let r = 0; r < settings.registers; r += 1) sim.holding[r] = (tick + r + s) & 0xffff;
      });
    }, 250);
    const brokerPort = await freePort();
    const brokerConfig = join(dir, 'mosquitto.conf');
    await writeFile(brokerConfig, `listener ${brokerPort} 127.0.0.1\nallow_anonymous true\nlog_dest none\n`);
    broker = spawn(mosquittoBinary, ['-c', brokerConfig], { stdio: 'ignore' });
    await waitForPort(brokerPort, 10_000);
    const configFile = join(dir, 'config.json');
    await writeFile(
      configFile,
      JSON.stringify({
        gateway: { id: 'gw-bench', tenantId: 't-bench', siteId: 's-bench' },
        mqtt: { url: `mqtt://127.0.0.1:${brokerPort}` },
        buffer: { dir: join(dir, 'buffer') },
        devices: sims.map((sim, d) => ({
          id: `plc-${d}`,
          protocol: 'modbus-tcp',
          host: '127.0.0.1',
          port: sim.port,
          pollMs: settings.pollMs,
          tags: Array.from({ length: settings.registers }, (_, r) => ({
            id: `r${r}`,
            area: 'holding',
            address: r,
            type: 'uint16',
          })),
        })),
      }),
    );

    progress(`gateway footprint: read --once on ${settings.devices} PLCs (baseline)`);
    const readOnce = await timeToFirstPolls(sims, ['read', '--config', configFile, '--once']);
    await stopChild(readOnce.child, 'SIGTERM', 10_000);

    progress(
      `gateway footprint: edge-gateway run with ${settings.devices} PLCs × ${settings.registers} registers`,
    );
    const run = await timeToFirstPolls(sims, ['run', '--config', configFile, '--log-level', 'warn']);
    gateway = run.child;
    const pid = gateway.pid;
    if (pid === undefined) throw new Error('the gateway process has no pid');
    let highest = 0;
    const sampleUntil = performance.now() + settings.sampleMs;
    while (performance.now() < sampleUntil) {
      highest = Math.max(highest, await rssMb(pid));
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    const result: Footprint = {
      firstPollAllMs: Math.round(run.allMs),
      readOnceAllMs: Math.round(readOnce.allMs),
      rssMb: round(highest, 1),
      rssPerDeviceMb: round(highest / settings.devices, 1),
    };
    progress(
      `gateway footprint: ${JSON.stringify({ ...result, firstPollAnyMs: Math.round(run.firstMs), devices: settings.devices })}`,
    );
    return result;
  } finally {
    clearInterval(mover);
    await stopChild(gateway, 'SIGTERM', 10_000);
    await stopChild(broker, 'SIGTERM', 10_000);
    await Promise.allSettled(sims.map((sim) => sim.stop()));
    await rm(dir, { recursive: true, force: true });
  }
}

const once = () => {
  measurement ??= measure();
  return measurement;
};

export const gatewayFirstPoll: Benchmark = {
  name: 'gateway-first-poll',
  description:
    'edge gateway: ms from `edge-gateway run` spawned until all 20 Modbus PLCs were polled; baseline: `read --once` on the same PLCs',
  partOf: 'gateway',
  async run(): Promise<BenchResult> {
    const m = await once();
    return withBaseline(m.firstPollAllMs, 'ms', m.readOnceAllMs);
  },
};

export const gatewayRssPerDevice: Benchmark = {
  name: 'gateway-rss-per-device',
  description:
    'edge gateway: resident memory per device (MB), `edge-gateway run` with 20 Modbus PLCs × 100 registers at 1 s, highest of 10 s of samples',
  partOf: 'gateway',
  async run(): Promise<BenchResult> {
    const m = await once();
    return { value: m.rssPerDeviceMb, unit: 'MB per device' };
  },
};

export const gatewayRss: Benchmark = {
  name: 'gateway-rss',
  description:
    'edge gateway: resident memory (MB) of the same process with 20 PLCs, same run as gateway-rss-per-device',
  partOf: 'gateway',
  async run(): Promise<BenchResult> {
    const m = await once();
    return { value: m.rssMb, unit: 'MB' };
  },
};
