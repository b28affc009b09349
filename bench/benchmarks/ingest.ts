// Ingest at the message sizes gateways send. A provisioned gateway in a process of its own
// (bench/ingest-publisher.ts) publishes over MQTT/TLS to the local runtime, QoS 1, 32 messages in
// flight. A PUBACK means the message is in the runtime's ingest log on disk (ADR 0058), so a pass
// ends when the runtime has also applied all of it (stored, alarms evaluated): the time from the
// first publish to that is the ingest time; the acknowledgement rate is printed beside it. Swept over 1,000, 100, 20 and 10 points per message, without alarm rules
// and with one rule per tag. CPU µs per point is the runtime's own (this process's) CPU time.
// Same-run baselines: the broker alone (the same publisher and TLS broker acknowledging without
// ingest: this path's message-rate limit) and the broker with the ingest log alone (acknowledging
// once on disk, nothing applied: the limit of a durable PUBACK, ADR 0059) for the message rate, and
// DuckDB's data-chunk appender writing the same rows into a bare table (the store's limit) for
// 1,000-point messages.
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  BIGINT,
  DOUBLE,
  DuckDBDataChunk,
  DuckDBInstance,
  INTEGER,
  UTINYINT,
  VARCHAR,
} from '@duckdb/node-api';
import { openLocalCertificateAuthority } from '../../functions/src/plant/adapters/local/certificate-authority.ts';
import { parseLocalEnv } from '../../infra/local/src/env.ts';
import { openIngestLog } from '../../infra/local/src/ingest-log.ts';
import { startMqttBroker } from '../../infra/local/src/mqtt-broker.ts';
import { startLocalRuntime } from '../../infra/local/src/runtime.ts';
import { apiClient, dataDirMailbox } from '../../infra/local/src/testing/harness.ts';
import { provisioningBundleSchema, telemetryTopic } from '../../shared/src/index.ts';
import { type Benchmark, type BenchResult, progress, round, withBaseline } from '../harness.ts';

const publisher = fileURLToPath(new URL('../ingest-publisher.ts', import.meta.url));
const TAGS = 200;
const IN_FLIGHT = 32;
/**
 * Messages per pass: a few seconds each on a 2-core machine once warm. Passes of about one second
 * (200 messages of 1,000 points, 3,000 of 20) measured mostly the JIT's warm-up and the pipeline
 * filling: the same code went from ~160k to ~300k points/s at 1,000 points per message (ADR 0059).
 */
const SWEEP = [
  { pointsPerMessage: 1000, messages: 1000 },
  { pointsPerMessage: 100, messages: 5000 },
  { pointsPerMessage: 20, messages: 15000 },
  { pointsPerMessage: 10, messages: 20000 },
] as const;
/** INGEST_SIZES=20,1000 runs only those message sizes (for profiling one size); all by default. */
const sizes = (process.env.INGEST_SIZES ?? '').split(',').filter(Boolean).map(Number);
const sweepSizes = SWEEP.filter((size) => sizes.length === 0 || sizes.includes(size.pointsPerMessage));
/** INGEST_RULES=without or =with runs only that half of the sweep (for profiling); both by default. */
const ruleModes = [false, true].filter(
  (rules) =>
    (process.env.INGEST_RULES ?? 'both') === 'both' ||
    process.env.INGEST_RULES === (rules ? 'with' : 'without'),
);

interface Pass {
  pointsPerMessage: number;
  rules: boolean;
  pointsPerSecond: number;
  messagesPerSecond: number;
  cpuMicrosPerPoint: number;
}

interface Sweep {
  passes: Pass[];
  /** Messages/s of the broker alone, by message size. */
  brokerAlone: Map<number, number>;
  /** Messages/s of the broker acknowledging once each message is in an ingest log on disk, nothing applied. */
  durableAlone: Map<number, number>;
  rawAppendPointsPerSecond: number;
}

interface Gateway {
  endpoint: string;
  ca: string;
  cert: string;
  key: string;
  clientId: string;
  topic: string;
  gatewayId: string;
}

function publish(
  gateway: Gateway,
  size: { pointsPerMessage: number; messages: number },
  startTs: number,
  firstSeq: number,
) {
  const job = {
    ...gateway,
    deviceKey: 'plc-1',
    tagKeys: Array.from({ length: TAGS }, (_, tag) => `t${tag}`),
    ...size,
    inFlight: IN_FLIGHT,
    startTs,
    firstSeq,
  };
  type Published = { elapsedMs: number; startedAt: number; messages: number; points: number };
  return new Promise<Published>((resolve, reject) => {
    const child = spawn(process.execPath, [publisher, JSON.stringify(job)], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
    });
    child.once('exit', (code) => {
      if (code !== 0) reject(new Error(`the publisher exited with ${code}`));
      else resolve(JSON.parse(out.trim().split('\n').at(-1) ?? '{}'));
    });
  });
}

/** The same rows as a 1,000-point pass, through DuckDB's data-chunk appender into a bare table. */
async function rawAppendPointsPerSecond(dir: string, points: number): Promise<number> {
  const instance = await DuckDBInstance.create(join(dir, 'raw.duckdb'));
  const connection = await instance.connect();
  try {
    await connection.run(
      'CREATE TABLE points (series_id INTEGER, ts BIGINT, kind UTINYINT, num DOUBLE, txt VARCHAR, quality UTINYINT)',
    );
    const start = Date.now() - 3_600_000;
    const began = performance.now();
    const appender = await connection.createAppender('points');
    for (let offset = 0; offset < points; offset += 2048) {
      const rows = Math.min(2048, points - offset);
      const chunk = DuckDBDataChunk.create([INTEGER, BIGINT, UTINYINT, DOUBLE, VARCHAR, UTINYINT]);
      const series: number[] = [];
      const ts: bigint[] = [];
      const kind: number[] = [];
      const num: number[] = [];
      const txt: null[] = [];
      const quality: number[] = [];
      for (let r = 0; r < rows; r += 1) {
        const i = offset + r;
        series.push(i % TAGS);
        ts.push(BigInt(start + Math.floor(i / TAGS)));
        kind.push(0);
        num.push((i % 97) * 0.5);
        txt.push(null);
        quality.push(0);
      }
      chunk.setColumns([series, ts, kind, num, txt, quality]);
      appender.appendDataChunk(chunk);
    }
    appender.flushSync();
    appender.closeSync();
    await connection.run('CHECKPOINT');
    return points / ((performance.now() - began) / 1000);
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

async function sweep(): Promise<Sweep> {
  const dir = await mkdtemp(join(tmpdir(), 'plantwatch-bench-ingest-'));
  const runtime = await startLocalRuntime({
    env: parseLocalEnv({
      API_PORT: '0',
      MQTT_PORT: '0',
      DATA_DIR: dir,
      SERVICE_CANARY_MINUTES: '0',
    }),
    explicitPorts: new Set(['API_PORT', 'MQTT_PORT']),
    seedDemo: false,
    passwordCost: { N: 2 ** 12, r: 8, p: 1 },
    // INGEST_WRITE_BEHIND=off measures alarm states written in every batch (before ADR 0047)
    ...(process.env.INGEST_WRITE_BEHIND === 'off' ? { alarmWriteBehind: false } : {}),
  });
  try {
    const api = apiClient(runtime.apiUrl, dataDirMailbox(dir));
    const { token } = await api.signUp('bench');
    const created = async (path: string, body?: unknown) => {
      const res = await api.call('POST', path, { token, body });
      if (res.status >= 300) throw new Error(`${path}: ${res.status} ${JSON.stringify(res.body)}`);
      return res.body;
    };
    const site = await created('/v1/sites', { name: 'Bench site' });
    const gw = await created('/v1/gateways', { siteId: site.id, name: 'bench gw' });
    const device = await created('/v1/devices', {
      gatewayId: gw.id,
      key: 'plc-1',
      name: 'PLC',
      connection: { protocol: 'modbus-tcp', host: '127.0.0.1' },
    });
    const tagIds: string[] = [];
    for (let tag = 0; tag < TAGS; tag += 1) {
      const created_ = await created('/v1/tags', {
        deviceId: device.id,
        key: `t${tag}`,
        name: `Tag ${tag}`,
        address: { kind: 'modbus', area: 'holding', address: tag, type: 'uint16' },
      });
      tagIds.push(created_.id);
    }
    const bundle = provisioningBundleSchema.parse(await created(`/v1/gateways/${gw.id}/provisioning-bundle`));
    const gateway: Gateway = {
      endpoint: bundle.endpoint,
      ca: bundle.ca,
      cert: bundle.cert,
      key: bundle.key,
      clientId: gw.id,
      topic: telemetryTopic({ tenantId: bundle.config.gateway.tenantId, siteId: site.id, gatewayId: gw.id }),
      gatewayId: gw.id,
    };

    // The broker alone: the same TLS broker code and certificates, every message acknowledged at once;
    // then the same broker acknowledging as the runtime does, once a message is in an ingest log on
    // disk (ADR 0058), with nothing applied: the message rate a durable acknowledgement allows.
    const authority = await openLocalCertificateAuthority(join(dir, 'ca'));
    const brokerAlone = new Map<number, number>();
    const durableAlone = new Map<number, number>();
    for (const durable of [false, true]) {
      const log = durable
        ? await openIngestLog({
            dir: join(dir, 'durable-alone'),
            apply: async (messages) =>
              messages.map(() => ({
                status: 'fulfilled' as const,
                value: { status: 'stored' as const, written: 0, duplicates: 0 },
              })),
          })
        : null;
      const alone = await startMqttBroker({
        host: '127.0.0.1',
        port: 0,
        explicitPort: true,
        tls: { ...(await authority.issueServerCertificate(['127.0.0.1'])), caPem: authority.caPem },
        gatewayForCertificate: async () => ({
          tenantId: bundle.config.gateway.tenantId,
          siteId: site.id,
          gatewayId: gw.id,
        }),
        onPublish: log ? (message) => log.submit(message) : async () => undefined,
      });
      try {
        for (const size of sweepSizes) {
          const result = await publish({ ...gateway, endpoint: alone.url }, size, Date.now() - 3_600_000, 0);
          const rate = result.messages / (result.elapsedMs / 1000);
          (durable ? durableAlone : brokerAlone).set(size.pointsPerMessage, rate);
          progress(
            `ingest: broker ${durable ? 'with the ingest log alone' : 'alone'}, ${size.pointsPerMessage}-point messages: ${round(rate, 0)} messages/s`,
          );
        }
      } finally {
        await alone.close();
        await log?.close();
      }
    }

    const passes: Pass[] = [];
    let seq = 0;
    // Each pass writes its own two hours, later than the pass before, so every point is new and newer
    // than what is stored, as a gateway's live data is (replays and late points have their own tests).
    const passSpanMs = 2 * 3_600_000; // the longest pass covers 5,000 s of samples (1M points, 200 tags)
    let startTs = Date.now() - (2 * SWEEP.length + 2) * passSpanMs;
    for (const rules of ruleModes) {
      if (rules) {
        for (const tagId of tagIds) {
          await created('/v1/alarm-rules', {
            kind: 'limit',
            tagId,
            name: `High ${tagId.slice(-4)}`,
            levels: [{ level: 'hi', threshold: 1_000_000, severity: 'low' }],
          });
        }
      }
      for (const size of sweepSizes) {
        const cpuBefore = process.cpuUsage();
        const published = await publish(gateway, size, startTs, seq);
        // Acknowledged is on disk; the pass ends when all of it is stored and evaluated too.
        await runtime.ingestLog.applied();
        const appliedAt = performance.timeOrigin + performance.now();
        const cpu = process.cpuUsage(cpuBefore);
        const result = {
          ...published,
          elapsedMs: Math.max(published.elapsedMs, appliedAt - published.startedAt),
        };
        seq += size.messages;
        startTs += passSpanMs;
        const pass: Pass = {
          pointsPerMessage: size.pointsPerMessage,
          rules,
          pointsPerSecond: result.points / (result.elapsedMs / 1000),
          messagesPerSecond: result.messages / (result.elapsedMs / 1000),
          cpuMicrosPerPoint: (cpu.user + cpu.system) / result.points,
        };
        passes.push(pass);
        progress(
          `ingest: ${size.pointsPerMessage}-point messages, ${rules ? `one rule per tag (${TAGS})` : 'no rules'}: ` +
            `${round(pass.pointsPerSecond, 0)} points/s, ${round(pass.messagesPerSecond, 0)} messages/s, ` +
            `${round(pass.cpuMicrosPerPoint, 1)} µs CPU per point ` +
            `(acknowledged at ${round(published.messages / (published.elapsedMs / 1000), 0)} messages/s; ` +
            `broker alone ${round(brokerAlone.get(size.pointsPerMessage) ?? 0, 0)} messages/s)`,
        );
      }
    }
    const rawAppendPointsPerSecond_ = await rawAppendPointsPerSecond(
      dir,
      SWEEP[0].pointsPerMessage * SWEEP[0].messages,
    );
    progress(
      `ingest: DuckDB data-chunk append of the same rows: ${round(rawAppendPointsPerSecond_, 0)} points/s`,
    );
    return { passes, brokerAlone, durableAlone, rawAppendPointsPerSecond: rawAppendPointsPerSecond_ };
  } finally {
    await runtime.close();
    await rm(dir, { recursive: true, force: true });
  }
}

let measured: Promise<Sweep> | undefined;
const once = () => {
  measured ??= sweep();
  return measured;
};
const passOf = (s: Sweep, pointsPerMessage: number, rules: boolean): Pass => {
  const pass = s.passes.find((p) => p.pointsPerMessage === pointsPerMessage && p.rules === rules);
  if (!pass)
    throw new Error(
      `no pass of ${pointsPerMessage}-point messages ${rules ? 'with' : 'without'} rules (INGEST_SIZES or INGEST_RULES left it out)`,
    );
  return pass;
};

async function messagesWithRules(pointsPerMessage: number): Promise<BenchResult> {
  const s = await once();
  const pass = passOf(s, pointsPerMessage, true);
  return withBaseline(
    round(pass.messagesPerSecond, 0),
    'messages/s',
    round(s.brokerAlone.get(pointsPerMessage) ?? 0, 0),
  );
}

export const ingest: Benchmark = {
  name: 'ingest',
  description:
    'ingest of 20-point messages with one alarm rule per tag, MQTT/TLS publish to stored: messages/s against the broker alone (aim ≥ 0.5)',
  run: () => messagesWithRules(20),
};

export const ingest10: Benchmark = {
  name: 'ingest-10',
  description: 'as `ingest`, 10-point messages: messages/s against the broker alone',
  partOf: 'ingest',
  run: () => messagesWithRules(10),
};

export const ingest100: Benchmark = {
  name: 'ingest-100',
  description: 'as `ingest`, 100-point messages: messages/s against the broker alone',
  partOf: 'ingest',
  run: () => messagesWithRules(100),
};

export const ingest1000: Benchmark = {
  name: 'ingest-1000',
  description:
    'ingest of 1,000-point messages, no rules: points/s against DuckDB data-chunk appends of the same rows (aim ≥ 0.3)',
  partOf: 'ingest',
  run: async () => {
    const s = await once();
    return withBaseline(
      round(passOf(s, 1000, false).pointsPerSecond, 0),
      'points/s',
      round(s.rawAppendPointsPerSecond, 0),
    );
  },
};

export const ingestDurable: Benchmark = {
  name: 'ingest-20-durable',
  description:
    'as `ingest`, against the broker acknowledging once each message is in the ingest log on disk, nothing applied (the rate a durable PUBACK allows)',
  partOf: 'ingest',
  run: async () => {
    const s = await once();
    return withBaseline(
      round(passOf(s, 20, true).messagesPerSecond, 0),
      'messages/s',
      round(s.durableAlone.get(20) ?? 0, 0),
    );
  },
};

export const ingest20Points: Benchmark = {
  name: 'ingest-20-points',
  description: 'ingest of 20-point messages with one rule per tag: points/s (aim ≥ 50k)',
  partOf: 'ingest',
  run: async () => ({ value: round(passOf(await once(), 20, true).pointsPerSecond, 0), unit: 'points/s' }),
};

export const ingest20Cpu: Benchmark = {
  name: 'ingest-20-cpu',
  description:
    'runtime CPU per point, 20-point messages with one rule per tag; baseline: the same without rules',
  partOf: 'ingest',
  run: async () => {
    const s = await once();
    return withBaseline(
      round(passOf(s, 20, true).cpuMicrosPerPoint, 1),
      'µs CPU/point',
      round(passOf(s, 20, false).cpuMicrosPerPoint, 1),
    );
  },
};
