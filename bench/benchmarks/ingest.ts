// Ingest end to end: a provisioned gateway publishes telemetry batches over MQTT/TLS to the local
// runtime; points/s is counted until the last point is readable from /v1/telemetry/latest. The
// baseline, measured in the same run, is DuckDB's raw appender writing the same number of points into
// a bare table: the ratio is what TLS, MQTT, JSON, validation, plant checks, idempotence, latest
// values and rollups cost on top of the storage engine itself (aim: at least 0.5).
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { provisioningBundleSchema, telemetryTopic } from '@plantwatch/shared';
import mqtt from 'mqtt';
import { z } from 'zod';
import { openDuckDbTelemetryStore } from '../../functions/src/telemetry/adapters/duckdb/telemetry-store.ts';
import { parseLocalEnv } from '../../infra/local/src/env.ts';
import { startLocalRuntime } from '../../infra/local/src/runtime.ts';
import { type Benchmark, type BenchResult, progress, round, withBaseline } from '../harness.ts';

const settings = {
  tags: 50,
  /** Points per MQTT message: ~60 bytes each keeps a message well under the 128 KB limit. */
  pointsPerMessage: 1_000,
  messages: 400,
  /** QoS 1 messages in flight at once on the connection. */
  inFlight: 64,
};
const totalPoints = settings.pointsPerMessage * settings.messages;

async function rawAppenderPointsPerSecond(dir: string): Promise<number> {
  const instance = await DuckDBInstance.create(join(dir, 'raw.duckdb'));
  const connection = await instance.connect();
  try {
    await connection.run(
      'CREATE TABLE points (series_id INTEGER, ts BIGINT, kind UTINYINT, num DOUBLE, txt VARCHAR, quality UTINYINT)',
    );
    const start = Date.UTC(2026, 0, 1);
    const began = performance.now();
    const appender = await connection.createAppender('points');
    for (let i = 0; i < totalPoints; i += 1) {
      appender.appendInteger(i % settings.tags);
      appender.appendBigInt(BigInt(start + Math.floor(i / settings.tags) * 1000));
      appender.appendUTinyInt(0);
      appender.appendDouble(i * 0.5);
      appender.appendNull();
      appender.appendUTinyInt(0);
      appender.endRow();
    }
    appender.flushSync();
    appender.closeSync();
    await connection.run('CHECKPOINT');
    return totalPoints / ((performance.now() - began) / 1000);
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

/**
 * The telemetry store's own write path (replay check, latest values, two rollups, one transaction
 * per group) with the same points, written as ingest hands them over: one write per message, as
 * many at once as the gateway has in flight. Printed beside the two results: it is the ceiling of
 * the end-to-end figure, whatever MQTT, JSON and validation cost.
 */
async function storePointsPerSecond(dir: string): Promise<number> {
  const store = await openDuckDbTelemetryStore({ path: join(dir, 'store.duckdb') });
  try {
    const start = Date.UTC(2026, 0, 1);
    const messages = Array.from({ length: settings.messages }, (_, m) =>
      Array.from({ length: settings.pointsPerMessage }, (_, p) => {
        const i = m * settings.pointsPerMessage + p;
        return {
          tenantId: 'tenant-1',
          siteId: 'site-1',
          gatewayId: 'gw-1',
          deviceKey: 'plc-1',
          tagKey: `t${i % settings.tags}`,
          ts: start + Math.floor(i / settings.tags),
          value: i * 0.5,
          quality: 'good' as const,
        };
      }),
    );
    const began = performance.now();
    for (let m = 0; m < messages.length; m += settings.inFlight) {
      await Promise.all(messages.slice(m, m + settings.inFlight).map((points) => store.write(points)));
    }
    return totalPoints / ((performance.now() - began) / 1000);
  } finally {
    await store.close();
  }
}

const idSchema = z.object({ id: z.string() });

async function api<T>(base: string, token: string, method: string, path: string, body?: unknown): Promise<T> {
  const response = await fetch(`${base}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  if (!response.ok) throw new Error(`${method} ${path}: HTTP ${response.status} ${await response.text()}`);
  return (await response.json()) as T;
}

async function endToEndPointsPerSecond(dir: string): Promise<number> {
  const runtime = await startLocalRuntime({
    env: parseLocalEnv({ API_PORT: '0', MQTT_PORT: '0', DATA_DIR: dir }),
    explicitPorts: new Set(['API_PORT', 'MQTT_PORT']),
    seedDemo: false,
    passwordCost: { N: 2 ** 12, r: 8, p: 1 },
  });
  try {
    const signUp = await fetch(`${runtime.apiUrl}/v1/auth/signup`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        tenantName: 'Bench Water',
        name: 'Bench',
        email: 'bench@example.com',
        password: 'bench password 1',
        timeZone: 'UTC',
      }),
    });
    const token = z.object({ token: z.string() }).parse(await signUp.json()).token;
    const base = runtime.apiUrl;
    const site = idSchema.parse(await api(base, token, 'POST', '/v1/sites', { name: 'Bench site' }));
    const gateway = idSchema.parse(
      await api(base, token, 'POST', '/v1/gateways', { siteId: site.id, name: 'bench gw' }),
    );
    const device = idSchema.parse(
      await api(base, token, 'POST', '/v1/devices', {
        gatewayId: gateway.id,
        key: 'plc-1',
        name: 'PLC',
        connection: { protocol: 'modbus-tcp', host: '127.0.0.1' },
      }),
    );
    for (let tag = 0; tag < settings.tags; tag += 1) {
      await api(base, token, 'POST', '/v1/tags', {
        deviceId: device.id,
        key: `t${tag}`,
        name: `Tag ${tag}`,
        address: { kind: 'modbus', area: 'holding', address: tag, type: 'uint16' },
      });
    }
    const bundle = provisioningBundleSchema.parse(
      await api(base, token, 'POST', `/v1/gateways/${gateway.id}/provisioning-bundle`),
    );
    const topic = telemetryTopic({
      tenantId: bundle.config.gateway.tenantId,
      siteId: bundle.config.gateway.siteId,
      gatewayId: bundle.config.gateway.id,
    });
    // Timestamps end a little before now, so the last one is also the newest value of its tag.
    const start = Date.now() - totalPoints / settings.tags - 60_000;
    const payloads = Array.from({ length: settings.messages }, (_, m) =>
      JSON.stringify({
        v: 1,
        gw: gateway.id,
        seq: m,
        points: Array.from({ length: settings.pointsPerMessage }, (_, p) => {
          const i = m * settings.pointsPerMessage + p;
          return {
            d: 'plc-1',
            t: `t${i % settings.tags}`,
            ts: start + Math.floor(i / settings.tags),
            v: i * 0.5,
            q: 'good',
          };
        }),
      }),
    );
    const lastTs = start + Math.floor((totalPoints - 1) / settings.tags);
    const lastTag = `t${(totalPoints - 1) % settings.tags}`;

    const client = await mqtt.connectAsync(bundle.endpoint, {
      ca: bundle.ca,
      cert: bundle.cert,
      key: bundle.key,
      reconnectPeriod: 0,
    });
    try {
      progress(
        `ingest: publishing ${totalPoints} points in ${settings.messages} messages, ${settings.inFlight} in flight`,
      );
      const began = performance.now();
      let next = 0;
      await Promise.all(
        Array.from({ length: settings.inFlight }, async () => {
          while (next < payloads.length) {
            const payload = payloads[next] as string;
            next += 1;
            await client.publishAsync(topic, payload, { qos: 1 });
          }
        }),
      );
      // Queryable through the API, not just acknowledged.
      for (;;) {
        const latest = await api<{ values: { tagKey: string; ts: number }[] }>(
          base,
          token,
          'GET',
          `/v1/telemetry/latest?deviceId=${device.id}`,
        );
        if (latest.values.find((v) => v.tagKey === lastTag)?.ts === lastTs) break;
        if (performance.now() - began > 300_000) throw new Error('the last point never became readable');
        await new Promise((r) => setTimeout(r, 5));
      }
      return totalPoints / ((performance.now() - began) / 1000);
    } finally {
      await client.endAsync();
    }
  } finally {
    await runtime.close();
  }
}

async function run(): Promise<BenchResult> {
  const dir = await mkdtemp(join(tmpdir(), 'plantwatch-bench-ingest-'));
  try {
    const raw = await rawAppenderPointsPerSecond(dir);
    progress(`  raw DuckDB appender   ${round(raw, 0)} points/s`);
    const store = await storePointsPerSecond(dir);
    progress(
      `  telemetry store write ${round(store, 0)} points/s (ratio ${round(store / raw, 3)}: the ceiling)`,
    );
    const endToEnd = await endToEndPointsPerSecond(dir);
    progress(`  MQTT → queryable      ${round(endToEnd, 0)} points/s`);
    return withBaseline(round(endToEnd, 0), 'points/s', round(raw, 0));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

export const ingest: Benchmark = {
  name: 'ingest',
  description: 'points/s from MQTT publish to readable in the API, against the raw DuckDB appender',
  run,
};
