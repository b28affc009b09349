// The edge gateway under load: 100 simulated Modbus TCP PLCs (another process) with 100 registers
// each, polled every second, every value moving, published over MQTT to a private Mosquitto. The
// gateway runs in this process, so process CPU (all threads) is the gateway's. Two results from one
// run: points/s published (acknowledged by the broker) against points/s polled as the baseline, and
// the CPU it takes per 1,000 points/s.
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type GatewayConfigInput, gatewayConfigSchema } from '@plantwatch/shared';
import { freePort } from '../../edge-gateway/sim/ports.ts';
import { Gateway } from '../../edge-gateway/src/gateway.ts';
import { createLogger } from '../../edge-gateway/src/log.ts';
import { stopChild, waitForPort } from '../child-processes.ts';
import { type Benchmark, type BenchResult, progress, round, withBaseline } from '../harness.ts';

const settings = { devices: 100, registers: 100, pollMs: 1000, warmUpMs: 10_000, measureMs: 15_000 };

const mosquittoBinary = ['/usr/sbin/mosquitto', '/usr/bin/mosquitto', '/usr/local/sbin/mosquitto'].find((p) =>
  existsSync(p),
);

async function startFarm(): Promise<{ child: ChildProcess; ports: number[] }> {
  const script = fileURLToPath(new URL('../../edge-gateway/sim/modbus-farm.ts', import.meta.url));
  const child = spawn(
    process.execPath,
    [
      script,
      '--count',
      String(settings.devices),
      '--registers',
      String(settings.registers),
      '--change-ms',
      '250',
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const ports = await new Promise<number[]>((resolve, reject) => {
    let output = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString('utf8');
      const line = output.split('\n').find((l) => l.startsWith('{'));
      if (line) resolve((JSON.parse(line) as { ports: number[] }).ports);
    });
    child.once('exit', (code) => reject(new Error(`the Modbus simulators exited with ${code}`)));
  });
  return { child, ports };
}

interface Measurement {
  polledPerSecond: number;
  publishedPerSecond: number;
  cpuPercentOfOneCore: number;
  cpuPercentPer1000PointsPerSecond: number;
}

let measurement: Promise<Measurement> | null = null;

async function measure(): Promise<Measurement> {
  if (!mosquittoBinary)
    throw new Error('the gateway benchmark needs the mosquitto binary (apt-get install mosquitto)');
  const dir = await mkdtemp(join(tmpdir(), 'plantwatch-bench-gw-'));
  let broker: ChildProcess | undefined;
  let farm: ChildProcess | undefined;
  let gateway: Gateway | undefined;
  try {
    const brokerPort = await freePort();
    const brokerConfig = join(dir, 'mosquitto.conf');
    await writeFile(brokerConfig, `listener ${brokerPort} 127.0.0.1\nallow_anonymous true\nlog_dest none\n`);
    broker = spawn(mosquittoBinary, ['-c', brokerConfig], { stdio: 'ignore' });
    await waitForPort(brokerPort, 10_000);
    progress(`gateway: starting ${settings.devices} Modbus simulators in a child process`);
    const started = await startFarm();
    farm = started.child;
    const config: GatewayConfigInput = {
      gateway: { id: 'gw-bench', tenantId: 't-bench', siteId: 's-bench' },
      mqtt: { url: `mqtt://127.0.0.1:${brokerPort}` },
      buffer: { dir: join(dir, 'buffer'), maxBytes: 1024 * 1024 * 1024, whenFull: 'drop-oldest' },
      devices: started.ports.map((port, d) => ({
        id: `plc-${d}`,
        protocol: 'modbus-tcp' as const,
        host: '127.0.0.1',
        port,
        pollMs: settings.pollMs,
        tags: Array.from({ length: settings.registers }, (_, r) => ({
          id: `r${r}`,
          area: 'holding' as const,
          address: r,
          type: 'uint16' as const,
        })),
      })),
    };
    gateway = await Gateway.start({
      config: gatewayConfigSchema.parse(config),
      baseDir: dir,
      log: createLogger({ level: 'warn' }),
      logLevel: 'error',
    });
    const publisher = gateway.publisher;
    if (!publisher) throw new Error('the gateway has no publisher');
    progress(`gateway: warming up for ${settings.warmUpMs / 1000} s`);
    await new Promise((resolve) => setTimeout(resolve, settings.warmUpMs));

    const polled0 = gateway.polledPoints;
    const published0 = publisher.acknowledgedPoints;
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    await new Promise((resolve) => setTimeout(resolve, settings.measureMs));
    const seconds = (performance.now() - t0) / 1000;
    const cpu = process.cpuUsage(cpu0);
    const polledPerSecond = (gateway.polledPoints - polled0) / seconds;
    const publishedPerSecond = (publisher.acknowledgedPoints - published0) / seconds;
    const cpuPercentOfOneCore = ((cpu.user + cpu.system) / 1000 / (seconds * 1000)) * 100;
    const result: Measurement = {
      polledPerSecond: round(polledPerSecond, 0),
      publishedPerSecond: round(publishedPerSecond, 0),
      cpuPercentOfOneCore: round(cpuPercentOfOneCore, 1),
      cpuPercentPer1000PointsPerSecond: round(cpuPercentOfOneCore / (publishedPerSecond / 1000), 2),
    };
    progress(
      `gateway: ${JSON.stringify({ ...result, devices: settings.devices, registersPerDevice: settings.registers, pollMs: settings.pollMs, bufferedPoints: gateway.buffer.stats().points })}`,
    );
    return result;
  } finally {
    await gateway?.stop();
    await stopChild(farm);
    await stopChild(broker);
    await rm(dir, { recursive: true, force: true });
  }
}

const once = () => {
  measurement ??= measure();
  return measurement;
};

export const gatewayThroughput: Benchmark = {
  name: 'gateway',
  description:
    'edge gateway: points/s published over MQTT (broker-acknowledged) from 100 Modbus PLCs x 100 registers at 1 s; baseline: points/s polled',
  async run(): Promise<BenchResult> {
    const m = await once();
    return withBaseline(m.publishedPerSecond, 'points/s', m.polledPerSecond);
  },
};

export const gatewayCpu: Benchmark = {
  name: 'gateway-cpu',
  description:
    'edge gateway: CPU (% of one core) per 1,000 points/s polled and published, same run as "gateway"',
  partOf: 'gateway',
  async run(): Promise<BenchResult> {
    const m = await once();
    return { value: m.cpuPercentPer1000PointsPerSecond, unit: '% of one core per 1,000 points/s' };
  },
};
