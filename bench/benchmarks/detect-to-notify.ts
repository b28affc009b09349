// Detect to notify on the local runtime: a gateway publishes a value over MQTT/TLS that crosses a Hi
// limit; ingest stores it, the alarm engine raises the alarm, the escalation chain (the shared ASL
// run by aws-local-stepfunctions) starts, checks the alarm and pages level one, whose message lands
// in the outbox. Latency = the outbox row's send time − the publish time (both this machine's
// clock), over TRIPS trips; between trips the value returns to normal and the alarm is acknowledged.
// The same-run baseline is a value on a tag without rules from its publish until the runtime has
// applied it (PUBACK means it is in the ingest log, ADR 0058; applied means stored and evaluated):
// "publish → ingested" alone. The ratio says
// what raising, journaling and paging cost on top of ingest. Aim: p99 under 1 s.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type ProvisioningBundle, provisioningBundleSchema, telemetryTopic } from '@plantwatch/shared';
import mqtt from 'mqtt';
import { z } from 'zod';
import { parseLocalEnv } from '../../infra/local/src/env.ts';
import { startLocalRuntime } from '../../infra/local/src/runtime.ts';
import { apiClient, dataDirMailbox } from '../../infra/local/src/testing/harness.ts';
import { type Benchmark, type BenchResult, progress, round, withBaseline } from '../harness.ts';

const settings = {
  trips: 120,
  /** A trip whose message has not arrived by then fails the benchmark. */
  tripTimeoutMs: 10_000,
  /** The whole measurement stops (and fails) past this. */
  totalTimeoutMs: 180_000,
  pollMs: 5,
  threshold: 5,
};

const idSchema = z.object({ id: z.string() });
const outboxSchema = z.object({
  notifications: z.array(z.object({ id: z.string(), createdAt: z.string(), sentAt: z.string().nullable() })),
});

export function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] as number;
}

/** The runtime and the tenant both variants measure (detect-to-notify-plant.ts reuses it). */
export interface NotifyPlant {
  /** An authenticated JSON call to the API; throws on a non-2xx answer. */
  api(method: string, path: string, body?: unknown): Promise<unknown>;
  siteId: string;
  gatewayId: string;
  deviceId: string;
  /** The Hi rule on tag `level` (holding register 0); an alarm's actions go by its id. */
  ruleId: string;
  bundle: ProvisioningBundle;
  /** The newest message in the outbox. */
  newestMessage(): Promise<OutboxEntry | null>;
  /** Resolves once the runtime has applied every message it acknowledged so far. */
  ingested(): Promise<void>;
  close(): Promise<void>;
}

type OutboxEntry = z.infer<typeof outboxSchema>['notifications'][number];

/**
 * A local runtime with its data in a temporary folder, and one tenant: a site, a gateway, a device
 * (`connection` as given) with tags `level` (register 0) and `spare` (register 1), a contact paged by
 * SMS at level one, no delay, and a Hi limit at `threshold` on `level`.
 */
export async function startNotifyPlant(
  threshold: number,
  connection: Record<string, unknown>,
): Promise<NotifyPlant> {
  const dir = await mkdtemp(join(tmpdir(), 'plantwatch-bench-notify-'));
  const runtime = await startLocalRuntime({
    env: parseLocalEnv({ API_PORT: '0', MQTT_PORT: '0', DATA_DIR: dir }),
    explicitPorts: new Set(['API_PORT', 'MQTT_PORT']),
    seedDemo: false,
    certificateDir: null,
    passwordCost: { N: 2 ** 12, r: 8, p: 1 },
  });
  const close = async () => {
    await runtime.close();
    await rm(dir, { recursive: true, force: true });
  };
  try {
    const base = runtime.apiUrl;
    // Sign-up as a person does it: the verification link comes from DATA_DIR's outbox.
    const { token } = await apiClient(base, dataDirMailbox(dir)).signUp('bench-notify');
    const api = async (method: string, path: string, body?: unknown): Promise<unknown> => {
      const response = await fetch(`${base}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${token}`,
          ...(body ? { 'content-type': 'application/json' } : {}),
        },
        body: body ? JSON.stringify(body) : undefined,
      });
      if (!response.ok)
        throw new Error(`${method} ${path}: HTTP ${response.status} ${await response.text()}`);
      return response.json();
    };
    const site = idSchema.parse(await api('POST', '/v1/sites', { name: 'Bench site' }));
    const gateway = idSchema.parse(await api('POST', '/v1/gateways', { siteId: site.id, name: 'bench gw' }));
    const device = idSchema.parse(
      await api('POST', '/v1/devices', { gatewayId: gateway.id, key: 'plc-1', name: 'PLC', connection }),
    );
    const tag = async (key: string, address: number) =>
      idSchema.parse(
        await api('POST', '/v1/tags', {
          deviceId: device.id,
          key,
          name: key,
          address: { kind: 'modbus', area: 'holding', address, type: 'uint16' },
        }),
      );
    const level = await tag('level', 0);
    await tag('spare', 1);
    const contact = idSchema.parse(
      await api('POST', '/v1/contacts', {
        name: 'Operator',
        channels: [{ type: 'sms', address: '+447700900123' }],
      }),
    );
    const policy = idSchema.parse(
      await api('POST', '/v1/escalation-policies', {
        name: 'Bench',
        levels: [{ delayMinutes: 0, targets: [{ type: 'contact', contactId: contact.id }] }],
      }),
    );
    const rule = idSchema.parse(
      await api('POST', '/v1/alarm-rules', {
        kind: 'limit',
        tagId: level.id,
        name: 'Wet well',
        levels: [{ level: 'hi', threshold, severity: 'high' }],
        escalationPolicyId: policy.id,
        // every trip raises the same rule again: no re-page hold-off
        repageHoldOffMinutes: 0,
      }),
    );
    const bundle = provisioningBundleSchema.parse(
      await api('POST', `/v1/gateways/${gateway.id}/provisioning-bundle`),
    );
    return {
      api,
      siteId: site.id,
      gatewayId: gateway.id,
      deviceId: device.id,
      ruleId: rule.id,
      bundle,
      newestMessage: async () =>
        outboxSchema.parse(await api('GET', '/v1/outbox?limit=1')).notifications[0] ?? null,
      ingested: () => runtime.ingestLog.applied(),
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}

export interface Measurement {
  detectToNotifyMs: number[];
  publishToIngestedMs: number[];
}

async function measure(): Promise<Measurement> {
  const plant = await startNotifyPlant(settings.threshold, { protocol: 'modbus-tcp', host: '127.0.0.1' });
  try {
    const { api, bundle, newestMessage } = plant;
    const topic = telemetryTopic({
      tenantId: bundle.config.gateway.tenantId,
      siteId: plant.siteId,
      gatewayId: plant.gatewayId,
    });
    const client = await mqtt.connectAsync(bundle.endpoint, {
      // the broker accepts a gateway only under its own id (ADR 0023)
      clientId: plant.gatewayId,
      ca: bundle.ca,
      cert: bundle.cert,
      key: bundle.key,
      reconnectPeriod: 0,
    });
    let seq = 0;
    const publish = (tagKey: string, value: number, ts: number) =>
      client.publishAsync(
        topic,
        JSON.stringify({
          v: 1,
          gw: plant.gatewayId,
          seq: ++seq,
          points: [{ d: 'plc-1', t: tagKey, ts, v: value, q: 'good' }],
        }),
        { qos: 1 },
      );
    const measurement: Measurement = { detectToNotifyMs: [], publishToIngestedMs: [] };
    const began = performance.now();
    try {
      for (let trip = 0; trip < settings.trips; trip += 1) {
        if (performance.now() - began > settings.totalTimeoutMs)
          throw new Error(`gave up after ${trip} trips`);
        // baseline: a value on a tag no rule watches, publish → stored and evaluated
        const ingestStart = performance.now();
        await publish('spare', trip, Date.now());
        await plant.ingested();
        measurement.publishToIngestedMs.push(performance.now() - ingestStart);

        const before = (await newestMessage())?.id ?? null;
        const publishedAt = Date.now();
        await publish('level', settings.threshold + 1, publishedAt);
        const deadline = performance.now() + settings.tripTimeoutMs;
        for (;;) {
          const newest = await newestMessage();
          if (newest && newest.id !== before) {
            const sent = Date.parse(newest.sentAt ?? newest.createdAt);
            measurement.detectToNotifyMs.push(Math.max(0, sent - publishedAt));
            break;
          }
          if (performance.now() > deadline)
            throw new Error(`trip ${trip}: no message within ${settings.tripTimeoutMs} ms`);
          await new Promise((resolve) => setTimeout(resolve, settings.pollMs));
        }
        // back to normal and acknowledged, so the next crossing raises a new alarm
        await publish('level', settings.threshold - 1, Date.now());
        await api('POST', `/v1/alarms/${plant.ruleId}/acknowledge`, {});
      }
    } finally {
      await client.endAsync();
    }
    return measurement;
  } finally {
    await plant.close();
  }
}

let measurement: Promise<Measurement> | null = null;
/** The MQTT-only trips, measured once per run (the plant variant's baseline reuses them). */
export const measured = (): Promise<Measurement> => {
  measurement ??= measure().then((m) => {
    const [p50, p99, b50, b99] = [
      percentile(m.detectToNotifyMs, 50),
      percentile(m.detectToNotifyMs, 99),
      percentile(m.publishToIngestedMs, 50),
      percentile(m.publishToIngestedMs, 99),
    ];
    progress(`  ${m.detectToNotifyMs.length} trips`);
    progress(`  publish → outbox message      p50 ${round(p50, 1)} ms   p99 ${round(p99, 1)} ms`);
    progress(`  publish → ingested (baseline) p50 ${round(b50, 1)} ms   p99 ${round(b99, 1)} ms`);
    return m;
  });
  return measurement;
};

async function result(p: number): Promise<BenchResult> {
  const m = await measured();
  return withBaseline(
    round(percentile(m.detectToNotifyMs, p), 1),
    'ms',
    Math.max(0.1, round(percentile(m.publishToIngestedMs, p), 1)),
  );
}

export const detectToNotify: Benchmark = {
  name: 'detect-to-notify',
  description: `p99 ms from an MQTT value crossing Hi to its page in the outbox (${settings.trips} trips), against publish → ingested`,
  run: () => result(99),
};

export const detectToNotifyP50: Benchmark = {
  name: 'detect-to-notify-p50',
  description: 'the same trips as detect-to-notify, their median',
  run: () => result(50),
};
