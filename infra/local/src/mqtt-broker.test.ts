// Broker identity: a gateway's MQTT client id must be the gateway id in its certificate, and a
// session cannot be taken over with another valid certificate. Two tenants' gateways, certificates
// from the local CA, the real TLS broker on 127.0.0.1 (the certificate registry is a map here; the
// config store's lookup is tested with provisioning).
import { randomUUID } from 'node:crypto';
import { openLocalCertificateAuthority } from '@plantwatch/functions/plant/adapters/local/certificate-authority';
import {
  configTopic,
  type GatewayTopicIds,
  requestTopic,
  statusTopic,
  telemetryTopic,
} from '@plantwatch/shared';
import mqtt, { type MqttClient } from 'mqtt';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type MqttBroker, startMqttBroker } from './mqtt-broker.ts';

interface Credentials {
  cert: string;
  key: string;
  fingerprint: string;
}

const tenantA: GatewayTopicIds = { tenantId: randomUUID(), siteId: randomUUID(), gatewayId: randomUUID() };
const tenantB: GatewayTopicIds = { tenantId: randomUUID(), siteId: randomUUID(), gatewayId: randomUUID() };

let broker: MqttBroker;
let caPem: string;
/** Valid certificates, by fingerprint, as the config store's certificate table would say. */
const valid = new Map<string, GatewayTopicIds>();
const published: { topic: string; payload: string; gateway: GatewayTopicIds }[] = [];
const clients: MqttClient[] = [];
let gatewayA: Credentials;
let gatewayAOther: Credentials;
let gatewayB: Credentials;

beforeAll(async () => {
  const authority = await openLocalCertificateAuthority(null);
  caPem = authority.caPem;
  const issue = async (ids: GatewayTopicIds): Promise<Credentials> => {
    const issued = await authority.issueGatewayCertificate(ids);
    valid.set(issued.fingerprintSha256, ids);
    return { cert: issued.certificatePem, key: issued.privateKeyPem, fingerprint: issued.fingerprintSha256 };
  };
  gatewayA = await issue(tenantA);
  // A second valid certificate for the same gateway: a copied bundle, or one issued by mistake.
  gatewayAOther = await issue(tenantA);
  gatewayB = await issue(tenantB);
  broker = await startMqttBroker({
    host: '127.0.0.1',
    port: 0,
    explicitPort: false,
    tls: { ...(await authority.issueServerCertificate(['127.0.0.1'])), caPem },
    gatewayForCertificate: async (fingerprint) => valid.get(fingerprint) ?? null,
    onPublish: async (message) => {
      published.push({
        topic: message.topic,
        payload: message.payload.toString('utf8'),
        gateway: message.gateway,
      });
    },
  });
});

afterEach(async () => {
  await Promise.all(clients.splice(0).map((client) => client.endAsync(true).catch(() => {})));
});

afterAll(() => broker.close());

/** Connects with a certificate and a client id; resolves the client, or rejects with the refusal. */
function connect(credentials: Credentials, clientId: string, will?: GatewayTopicIds): Promise<MqttClient> {
  const client = mqtt.connect(broker.url, {
    ca: caPem,
    cert: credentials.cert,
    key: credentials.key,
    clientId,
    reconnectPeriod: 0,
    connectTimeout: 5000,
    ...(will
      ? {
          will: {
            topic: statusTopic(will),
            payload: Buffer.from(
              JSON.stringify({ v: 1, gw: will.gatewayId, state: 'offline', ts: Date.now() }),
            ),
            qos: 1 as const,
            retain: true,
          },
        }
      : {}),
  });
  clients.push(client);
  return new Promise((resolve, reject) => {
    client.once('connect', () => resolve(client));
    client.once('error', reject);
    client.once('close', () => reject(new Error('connection closed before CONNACK')));
  });
}

const stillConnectedAfter = async (client: MqttClient, ms: number) => {
  let closed = false;
  client.once('close', () => {
    closed = true;
  });
  await new Promise((resolve) => setTimeout(resolve, ms));
  return !closed && client.connected;
};

const willsFor = (ids: GatewayTopicIds) => published.filter((p) => p.topic === statusTopic(ids)).length;

describe('local broker identity', () => {
  it("accepts a gateway whose client id is its certificate's gateway id, and takes its publishes", async () => {
    const client = await connect(gatewayA, tenantA.gatewayId);
    await client.publishAsync(telemetryTopic(tenantA), '{"v":1}', { qos: 1 });
    expect(published.at(-1)).toMatchObject({ topic: telemetryTopic(tenantA), gateway: tenantA });
  });

  it("refuses tenant B's certificate under tenant A's gateway id, and A stays online with no Last Will", async () => {
    const a = await connect(gatewayA, tenantA.gatewayId, tenantA);
    const willsBefore = willsFor(tenantA);

    await expect(connect(gatewayB, tenantA.gatewayId)).rejects.toThrow(/Identifier rejected/i);

    expect(await stillConnectedAfter(a, 500)).toBe(true);
    expect(willsFor(tenantA)).toBe(willsBefore);
    // B with its own id is welcome.
    await expect(connect(gatewayB, tenantB.gatewayId)).resolves.toBeDefined();
  });

  it('refuses a client id that is not the gateway id of the certificate', async () => {
    await expect(connect(gatewayA, `${tenantA.gatewayId}-2`)).rejects.toThrow(/Identifier rejected/i);
    await expect(connect(gatewayA, `plantwatch-${randomUUID()}`)).rejects.toThrow(/Identifier rejected/i);
  });

  it('refuses a second session for a gateway from another valid certificate, keeping the first', async () => {
    const first = await connect(gatewayA, tenantA.gatewayId, tenantA);
    const willsBefore = willsFor(tenantA);

    await expect(connect(gatewayAOther, tenantA.gatewayId)).rejects.toThrow(/Identifier rejected/i);

    expect(await stillConnectedAfter(first, 500)).toBe(true);
    expect(willsFor(tenantA)).toBe(willsBefore);
  });

  it('lets the same certificate take its session over, as a gateway reconnecting does', async () => {
    const first = await connect(gatewayA, tenantA.gatewayId);
    const closed = new Promise<void>((resolve) => first.once('close', () => resolve()));

    const second = await connect(gatewayA, tenantA.gatewayId);

    await closed;
    expect(second.connected).toBe(true);
  });

  it('lets a new certificate in once the one holding the session is revoked', async () => {
    const first = await connect(gatewayA, tenantA.gatewayId);
    const closed = new Promise<void>((resolve) => first.once('close', () => resolve()));
    const ids = valid.get(gatewayA.fingerprint);
    valid.delete(gatewayA.fingerprint);
    try {
      const second = await connect(gatewayAOther, tenantA.gatewayId);
      await closed;
      expect(second.connected).toBe(true);
    } finally {
      if (ids) valid.set(gatewayA.fingerprint, ids);
    }
  });
});

describe("the cloud's messages on the local broker", () => {
  it('keeps a config version retained, so a gateway that subscribes later still gets it', async () => {
    const payload = JSON.stringify({ v: 1, version: 42 });
    await broker.publish({ topic: configTopic(tenantA), payload, retain: true });

    const client = await connect(gatewayA, tenantA.gatewayId);
    const received = new Promise<string>((resolve) =>
      client.on('message', (topic, message) => {
        if (topic === configTopic(tenantA)) resolve(message.toString('utf8'));
      }),
    );
    await client.subscribeAsync(configTopic(tenantA), { qos: 1 });

    expect(await received).toBe(payload);
    await broker.publish({ topic: configTopic(tenantA), payload: '', retain: true });
  });

  it('refuses a gateway publishing on its own command topics, as its IoT policy does', async () => {
    for (const topic of [configTopic(tenantA), requestTopic(tenantA)]) {
      const client = await connect(gatewayA, tenantA.gatewayId);
      const closed = new Promise<void>((resolve) => client.once('close', () => resolve()));
      client.publish(topic, '{"v":1,"version":999}', { qos: 1, retain: true });
      await closed;
      expect(published.some((p) => p.topic === topic)).toBe(false);
    }
    const reader = await connect(gatewayA, tenantA.gatewayId);
    const retained: string[] = [];
    reader.on('message', (topic) => retained.push(topic));
    await reader.subscribeAsync(configTopic(tenantA), { qos: 1 });
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(retained).toEqual([]);
  });
});
