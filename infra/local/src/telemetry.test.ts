// From a gateway's certificate to a chart: provisioning bundle, TLS broker with per-gateway client
// certificates and topic rules, ingest, and the telemetry API, all real on 127.0.0.1.
import { randomUUID } from 'node:crypto';
import {
  configTopic,
  type ProvisioningBundle,
  provisioningBundleSchema,
  telemetryTopic,
} from '@plantwatch/shared';
import mqtt, { type MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi, until } from './testing/harness.ts';
import { gatewayIdOfCertificate } from './testing/mqtt.ts';
import { createPlantOverApi } from './testing/plant.ts';

interface Plant {
  token: string;
  tenantId: string;
  siteId: string;
  gatewayId: string;
  deviceId: string;
  tagIds: Record<string, string>;
}

function createPlant(api: TestApi, label: string): Promise<Plant> {
  return createPlantOverApi(api, label, {
    device: { key: 'plc-1', name: 'PLC', connection: { protocol: 'modbus-tcp', host: '127.0.0.1' } },
    tags: [
      { key: 'level', unit: 'm' },
      { key: 'total', unit: 'm' },
    ],
  });
}

async function provision(
  api: TestApi,
  plant: Plant,
  gatewayId = plant.gatewayId,
): Promise<ProvisioningBundle> {
  const res = await api.call('POST', `/v1/gateways/${gatewayId}/provisioning-bundle`, { token: plant.token });
  if (res.status !== 201) throw new Error(`provisioning failed: ${res.status} ${JSON.stringify(res.body)}`);
  return provisioningBundleSchema.parse(res.body);
}

const topicIds = (bundle: ProvisioningBundle) => ({
  tenantId: bundle.config.gateway.tenantId,
  siteId: bundle.config.gateway.siteId,
  gatewayId: bundle.config.gateway.id,
});

const closeOf = (client: MqttClient) => new Promise<void>((resolve) => client.once('close', () => resolve()));

const clients: MqttClient[] = [];
function connect(bundle: Pick<ProvisioningBundle, 'endpoint' | 'ca' | 'cert' | 'key'>): Promise<MqttClient> {
  const clientId = gatewayIdOfCertificate(bundle.cert);
  const client = mqtt.connect(bundle.endpoint, {
    ca: bundle.ca,
    cert: bundle.cert,
    key: bundle.key,
    ...(clientId ? { clientId } : {}),
    reconnectPeriod: 0,
    connectTimeout: 5000,
  });
  clients.push(client);
  return new Promise((resolve, reject) => {
    client.once('connect', () => resolve(client));
    client.once('error', reject);
    client.once('close', () => reject(new Error('connection closed before CONNACK')));
  });
}

const batch = (gatewayId: string, seq: number, points: { t: string; ts: number; v: number }[]) =>
  JSON.stringify({ v: 1, gw: gatewayId, seq, points: points.map((p) => ({ d: 'plc-1', q: 'good', ...p })) });

/** The QoS the broker granted, 128 meaning refused (mqtt.js rejects on 128, with the SUBACK attached). */
async function grantedQos(client: MqttClient, topic: string): Promise<number | undefined> {
  try {
    return (await client.subscribeAsync(topic, { qos: 1 }))[0]?.qos;
  } catch (error) {
    return (error as { packet?: { granted?: number[] } }).packet?.granted?.[0];
  }
}

describe('telemetry from an MQTT gateway to the API', () => {
  let api: TestApi;
  let a: Plant;
  let aBundle: ProvisioningBundle;

  beforeAll(async () => {
    api = await startTestApi();
    a = await createPlant(api, 'telemetry-a');
    aBundle = await provision(api, a);
  });
  afterAll(async () => {
    await Promise.all(clients.map((client) => client.endAsync(true)));
    await api?.close();
  });

  it('hands out a provisioning bundle with the broker endpoint, the CA, a client certificate and the config', () => {
    expect(aBundle.endpoint).toBe(api.runtime.mqttUrl);
    expect(aBundle.ca).toBe(api.runtime.caPem);
    expect(aBundle.config.gateway).toEqual({ id: a.gatewayId, tenantId: a.tenantId, siteId: a.siteId });
    expect(aBundle.config.devices.map((d) => [d.id, d.tags.map((t) => t.id)])).toEqual([
      ['plc-1', ['level', 'total']],
    ]);
  });

  it('shows a published batch in /v1/telemetry/latest within 2 seconds', async () => {
    const gateway = await connect(aBundle);
    const ts = Date.now() - 1000;
    const started = Date.now();

    await gateway.publishAsync(
      telemetryTopic(topicIds(aBundle)),
      batch(a.gatewayId, 1, [
        { t: 'level', ts, v: 2.5 },
        { t: 'total', ts, v: 1200 },
      ]),
      { qos: 1 },
    );
    const values = await until(
      'the latest values',
      async () => {
        const res = await api.call('GET', `/v1/telemetry/latest?deviceId=${a.deviceId}`, { token: a.token });
        return res.body.values.length === 2 ? res.body.values : undefined;
      },
      2000,
      25,
    );

    expect(Date.now() - started).toBeLessThan(2000);
    expect(values).toEqual([
      expect.objectContaining({
        tagId: a.tagIds.level,
        tagKey: 'level',
        ts,
        value: 2.5,
        quality: 'good',
        unit: 'm',
      }),
      expect.objectContaining({ tagId: a.tagIds.total, tagKey: 'total', ts, value: 1200 }),
    ]);
  });

  it('serves series and a streamed CSV export of what was published, and counts dead letters', async () => {
    const gateway = await connect(aBundle);
    const base = Math.floor((Date.now() - 3_600_000) / 3_600_000) * 3_600_000;
    const points = Array.from({ length: 60 }, (_, i) => ({ t: 'total', ts: base + i * 60_000, v: i * 10 }));
    await gateway.publishAsync(telemetryTopic(topicIds(aBundle)), batch(a.gatewayId, 2, points), {
      qos: 1,
    });
    await gateway.publishAsync(
      telemetryTopic(topicIds(aBundle)),
      batch(a.gatewayId, 3, [{ t: 'no-such-tag', ts: base, v: 1 }]),
      { qos: 1 },
    );
    // Acknowledged means in the ingest log; stored and dead-lettered follow (ADR 0058).
    await api.runtime.ingestLog.applied();

    const series = await api.call(
      'GET',
      `/v1/telemetry/series?tagIds=${a.tagIds.total}&from=${base}&to=${base + 3_600_000}&maxPoints=4&aggregates=first,last,difference,count`,
      { token: a.token },
    );
    const csv = await fetch(
      `${api.runtime.apiUrl}/v1/telemetry/export?tagIds=${a.tagIds.total}&from=${new Date(base).toISOString()}&to=${new Date(base + 3_600_000).toISOString()}`,
      { headers: { authorization: `Bearer ${a.token}` } },
    );
    const csvText = await csv.text();
    const deadLetters = await api.call('GET', `/v1/ingest/dead-letters?gatewayId=${a.gatewayId}`, {
      token: a.token,
    });

    expect(series.status).toBe(200);
    expect(series.body.bucketMs).toBe(900_000);
    expect(series.body.series[0].buckets[0]).toEqual({
      ts: base,
      first: 0,
      last: 140,
      difference: 140,
      count: 15,
    });
    expect(csv.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    const lines = csvText.trim().split('\n');
    expect(lines[0]).toBe('time,tag_id,device,tag,value,quality');
    expect(lines).toHaveLength(61);
    expect(lines[2]).toBe(`${new Date(base + 60_000).toISOString()},${a.tagIds.total},plc-1,total,10,good`);
    expect(deadLetters.body).toMatchObject({ total: 1, byReason: { unknown_tag: 1 } });
    expect(deadLetters.body.deadLetters[0]).toMatchObject({ reason: 'unknown_tag', gatewayId: a.gatewayId });
  });

  it("refuses a publish to another tenant's topic, closes that connection, and stores nothing there", async () => {
    const b = await createPlant(api, 'telemetry-b');
    const gateway = await connect(aBundle);
    const closed = closeOf(gateway);

    gateway.publish(
      telemetryTopic({ tenantId: b.tenantId, siteId: b.siteId, gatewayId: b.gatewayId }),
      batch(b.gatewayId, 1, [{ t: 'level', ts: Date.now() - 500, v: 666 }]),
      { qos: 1 },
    );
    await closed;
    await new Promise((r) => setTimeout(r, 200));

    const latest = await api.call('GET', `/v1/telemetry/latest?deviceId=${b.deviceId}`, { token: b.token });
    expect(latest.body.values).toEqual([]);
  });

  it("refuses another gateway's certificate on this gateway's topic, and a subscription outside its own prefixes", async () => {
    const other = (
      await api.call('POST', '/v1/gateways', {
        token: a.token,
        body: { siteId: a.siteId, name: `gw-${randomUUID()}` },
      })
    ).body;
    const otherBundle = await provision(api, a, other.id);
    const intruder = await connect(otherBundle);

    const ownConfig = await grantedQos(intruder, configTopic(topicIds(otherBundle)));
    const foreignConfig = await grantedQos(intruder, configTopic(topicIds(aBundle)));
    const wildcard = await grantedQos(intruder, 'dt/#');
    const closed = closeOf(intruder);
    intruder.publish(
      telemetryTopic(topicIds(aBundle)),
      batch(a.gatewayId, 99, [{ t: 'level', ts: Date.now(), v: -1 }]),
      { qos: 1 },
    );
    await closed;

    expect([ownConfig, foreignConfig, wildcard]).toEqual([1, 128, 128]);
    const latest = await api.call('GET', `/v1/telemetry/latest?tagIds=${a.tagIds.level}`, { token: a.token });
    expect(latest.body.values[0]?.value).not.toBe(-1);
  });

  it("shows a user limited to other sites none of this site's telemetry or dead letters", async () => {
    const otherSite = (
      await api.call('POST', '/v1/sites', { token: a.token, body: { name: `elsewhere ${randomUUID()}` } })
    ).body;
    const email = `viewer-${randomUUID()}@example.com`;
    const invite = await api.call('POST', '/v1/users', {
      token: a.token,
      body: { email, name: 'Limited', role: 'viewer', siteIds: [otherSite.id] },
    });
    const viewer = (
      await api.call('POST', '/v1/auth/accept-invite', {
        body: { token: invite.body.inviteToken, password: 'limited viewer 123' },
      })
    ).body.token;

    const latest = await api.call('GET', `/v1/telemetry/latest?siteId=${a.siteId}`, { token: viewer });
    const series = await api.call(
      'GET',
      `/v1/telemetry/series?tagIds=${a.tagIds.level}&from=2026-01-01T00:00:00Z&to=2026-01-02T00:00:00Z`,
      { token: viewer },
    );
    const deadLetters = await api.call('GET', '/v1/ingest/dead-letters', { token: viewer });

    expect([latest.status, series.status]).toEqual([404, 404]);
    expect(deadLetters.body).toEqual({ total: 0, byReason: {}, deadLetters: [] });
  });

  it('refuses a client without a certificate from this CA, and a certificate revoked by re-provisioning', async () => {
    const other = (
      await api.call('POST', '/v1/gateways', {
        token: a.token,
        body: { siteId: a.siteId, name: `gw-${randomUUID()}` },
      })
    ).body;
    const first = await provision(api, a, other.id);
    await provision(api, a, other.id); // replaces the first certificate

    await expect(connect({ ...first, cert: '', key: '' })).rejects.toThrow();
    await expect(connect(first)).rejects.toThrow(/Not authorized|closed/i);
  });
});
