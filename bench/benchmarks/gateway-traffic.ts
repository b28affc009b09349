// What one site's gateway sends the cloud, measured at the broker: a site of 200 tags (two Modbus
// PLCs × 100 registers, scaled to engineering values) polled every second, 10 % of the tags moving
// each second, the default 60 s heartbeat. Three gateways run side by side on the same PLCs, one per
// publish interval: 0 (one publish per disk write, as before ADR 0026; the same-run baseline), 1 s and
// 5 s. Each figure is a key of the result line; the numbers are also written to
// infra/aws/src/measured-traffic.json, which `npm run cost` and the CDK app's load model read.
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type GatewayConfigInput, gatewayConfigSchema, telemetryMessageSchema } from '@plantwatch/shared';
import mqtt from 'mqtt';
import { ModbusSimulator } from '../../edge-gateway/sim/modbus-sim.ts';
import { freePort } from '../../edge-gateway/sim/ports.ts';
import { Gateway } from '../../edge-gateway/src/gateway.ts';
import { createLogger } from '../../edge-gateway/src/log.ts';
import { stopChild, waitForPort } from '../child-processes.ts';
import { type Benchmark, type BenchResult, progress, round, withBaseline } from '../harness.ts';

export const TRAFFIC_FILE = fileURLToPath(
  new URL('../../infra/aws/src/measured-traffic.json', import.meta.url),
);

const site = { plcs: 2, registersPerPlc: 100, pollMs: 1000, changeFraction: 0.1, heartbeatMs: 60_000 };
const intervals = [0, 1000, 5000] as const;
const settings = { warmUpMs: 12_000, measureMs: 75_000 };

const mosquittoBinary = ['/usr/sbin/mosquitto', '/usr/bin/mosquitto', '/usr/local/sbin/mosquitto'].find((p) =>
  existsSync(p),
);

interface Counter {
  messages: number;
  points: number;
  payloadBytes: number;
  /** Bytes of the message outside its points: {"v":1,"gw":…,"seq":…,"points":[…]}. */
  envelopeBytes: number;
}

export interface IntervalTraffic {
  publishIntervalMs: number;
  messagesPerSecond: number;
  pointsPerSecond: number;
  pointsPerMessage: number;
  messageBytes: number;
}

export interface MeasuredTraffic {
  measuredAt: string;
  by: string;
  site: typeof site & { tagKey: string; deviceKey: string; valueExample: string };
  measureSeconds: number;
  /** Bytes of JSON one point takes in a message ({"d","t","ts","v","q"} and its comma). */
  bytesPerPoint: number;
  /** Bytes of a message besides its points. */
  envelopeBytes: number;
  intervals: IntervalTraffic[];
}

const gatewayId = (interval: number) => `gw-traffic-${interval}`;
const ids = {
  tenantId: '0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b',
  siteId: '0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5c',
};

let measurement: Promise<MeasuredTraffic> | null = null;

async function measure(): Promise<MeasuredTraffic> {
  if (!mosquittoBinary) throw new Error('the gateway-traffic benchmark needs the mosquitto binary');
  const dir = await mkdtemp(join(tmpdir(), 'plantwatch-bench-traffic-'));
  let broker: ChildProcess | undefined;
  const plcs = Array.from({ length: site.plcs }, () => new ModbusSimulator());
  const gateways: Gateway[] = [];
  let listener: mqtt.MqttClient | undefined;
  let mover: NodeJS.Timeout | undefined;
  try {
    const port = await freePort();
    const brokerConfig = join(dir, 'mosquitto.conf');
    await writeFile(brokerConfig, `listener ${port} 127.0.0.1\nallow_anonymous true\nlog_dest none\n`);
    broker = spawn(mosquittoBinary, ['-c', brokerConfig], { stdio: 'ignore' });
    await waitForPort(port, 10_000);
    await Promise.all(plcs.map((plc) => plc.start()));
    for (const plc of plcs) {
      for (let r = 0; r < site.registersPerPlc; r += 1) plc.holding[r] = 10_000 + r * 37;
    }
    // Each second a different 10 % of the tags move (by a random step, so values look like a process).
    mover = setInterval(() => {
      for (const plc of plcs) {
        for (let r = 0; r < site.registersPerPlc; r += 1) {
          if (Math.random() < site.changeFraction) {
            plc.holding[r] = ((plc.holding[r] ?? 0) + 1 + Math.floor(Math.random() * 250)) & 0xffff;
          }
        }
      }
    }, site.pollMs);

    const counters = new Map<string, Counter>(
      intervals.map((interval) => [
        gatewayId(interval),
        { messages: 0, points: 0, payloadBytes: 0, envelopeBytes: 0 },
      ]),
    );
    let counting = false;
    listener = await mqtt.connectAsync(`mqtt://127.0.0.1:${port}`, { clientId: 'traffic-listener' });
    listener.on('message', (_topic, payload) => {
      if (!counting) return;
      const message = telemetryMessageSchema.parse(JSON.parse(payload.toString('utf8')));
      const counter = counters.get(message.gw);
      if (!counter) return;
      const pointsBytes = Buffer.byteLength(JSON.stringify(message.points));
      counter.messages += 1;
      counter.points += message.points.length;
      counter.payloadBytes += payload.length;
      counter.envelopeBytes += payload.length - pointsBytes;
    });
    await listener.subscribeAsync(`dt/${ids.tenantId}/${ids.siteId}/+/telemetry`, { qos: 1 });

    for (const interval of intervals) {
      const config: GatewayConfigInput = {
        gateway: { id: gatewayId(interval), ...ids },
        mqtt: { url: `mqtt://127.0.0.1:${port}`, publishIntervalMs: interval },
        buffer: {
          dir: join(dir, `buffer-${interval}`),
          maxBytes: 256 * 1024 * 1024,
          whenFull: 'drop-oldest',
        },
        devices: plcs.map((plc, d) => ({
          id: `plc-${d + 1}`,
          protocol: 'modbus-tcp' as const,
          host: '127.0.0.1',
          port: plc.port,
          pollMs: site.pollMs,
          heartbeatMs: site.heartbeatMs,
          tags: Array.from({ length: site.registersPerPlc }, (_, r) => ({
            id: `tag_${String(r).padStart(3, '0')}`,
            area: 'holding' as const,
            address: r,
            type: 'uint16' as const,
            scale: 0.01,
          })),
        })),
      };
      gateways.push(
        await Gateway.start({
          config: gatewayConfigSchema.parse(config),
          baseDir: dir,
          log: createLogger({ level: 'warn' }),
          logLevel: 'error',
        }),
      );
    }
    progress(`gateway-traffic: warming up ${settings.warmUpMs / 1000} s (the first poll sends every tag)`);
    await new Promise((resolve) => setTimeout(resolve, settings.warmUpMs));
    counting = true;
    const t0 = performance.now();
    progress(`gateway-traffic: counting for ${settings.measureMs / 1000} s (heartbeats included)`);
    await new Promise((resolve) => setTimeout(resolve, settings.measureMs));
    counting = false;
    const seconds = (performance.now() - t0) / 1000;

    const results = intervals.map((interval): IntervalTraffic => {
      const c = counters.get(gatewayId(interval)) as Counter;
      if (c.messages === 0) throw new Error(`the gateway publishing every ${interval} ms sent nothing`);
      return {
        publishIntervalMs: interval,
        messagesPerSecond: round(c.messages / seconds, 3),
        pointsPerSecond: round(c.points / seconds, 2),
        pointsPerMessage: round(c.points / c.messages, 1),
        messageBytes: Math.round(c.payloadBytes / c.messages),
      };
    });
    const all = [...counters.values()];
    const points = all.reduce((sum, c) => sum + c.points, 0);
    const messages = all.reduce((sum, c) => sum + c.messages, 0);
    const envelope = all.reduce((sum, c) => sum + c.envelopeBytes, 0);
    const payload = all.reduce((sum, c) => sum + c.payloadBytes, 0);
    const measured: MeasuredTraffic = {
      measuredAt: new Date().toISOString().slice(0, 10),
      by: 'npm run bench -- gateway-traffic (bench/benchmarks/gateway-traffic.ts)',
      site: { ...site, tagKey: 'tag_000', deviceKey: 'plc-1', valueExample: '123.45' },
      measureSeconds: round(seconds, 1),
      bytesPerPoint: round((payload - envelope) / points, 1),
      envelopeBytes: Math.round(envelope / messages),
      intervals: results,
    };
    await writeFile(TRAFFIC_FILE, `${JSON.stringify(measured, null, 2)}\n`);
    progress(`gateway-traffic: ${JSON.stringify(measured)}`);
    return measured;
  } finally {
    if (mover) clearInterval(mover);
    await Promise.all(gateways.map((gateway) => gateway.stop()));
    await listener?.endAsync();
    await Promise.all(plcs.map((plc) => plc.stop()));
    await stopChild(broker);
    await rm(dir, { recursive: true, force: true });
  }
}

const once = () => {
  measurement ??= measure();
  return measurement;
};

const at = (m: MeasuredTraffic, interval: number) =>
  m.intervals.find((i) => i.publishIntervalMs === interval) as IntervalTraffic;

export const gatewayTraffic: Benchmark = {
  name: 'gateway-traffic',
  description:
    'gateway: points per message a 200-tag site sends at 10 % change per second, publishing every 5 s; baseline: one publish per disk write (interval 0)',
  partOf: 'gateway',
  async run(): Promise<BenchResult> {
    const m = await once();
    return withBaseline(at(m, 5000).pointsPerMessage, 'points/message', at(m, 0).pointsPerMessage);
  },
};

export const gatewayTrafficOneSecond: Benchmark = {
  name: 'gateway-traffic-1s',
  description:
    'gateway: points per message of the same site publishing every 1 s (same run as gateway-traffic)',
  partOf: 'gateway',
  async run(): Promise<BenchResult> {
    const m = await once();
    return withBaseline(at(m, 1000).pointsPerMessage, 'points/message', at(m, 0).pointsPerMessage);
  },
};

export const gatewayTrafficBytes: Benchmark = {
  name: 'gateway-traffic-bytes',
  description: 'gateway: bytes of JSON per point in a telemetry message (same run as gateway-traffic)',
  partOf: 'gateway',
  async run(): Promise<BenchResult> {
    const m = await once();
    return { value: m.bytesPerPoint, unit: 'bytes/point' };
  },
};
