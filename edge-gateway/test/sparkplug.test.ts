// The Sparkplug B driver against a real Mosquitto broker on 127.0.0.1 (TLS with a password, like a
// customer's), fed by the simulators' edge node: births, data by alias, deaths, rebirths, bad payloads.

import { randomUUID } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  type SparkplugConfigDevice,
  sparkplugConfigDeviceSchema,
  type TelemetryPoint,
} from '@plantwatch/shared';
import { describe, expect, it, onTestFinished } from 'vitest';
import { type SimMetric, SparkplugNodeSimulator } from '../sim/sparkplug-sim.ts';
import { CommandRunner } from '../src/commands.ts';
import { silentLogger } from '../src/log.ts';
import { SparkplugDriver } from '../src/sparkplug/driver.ts';
import { startCredentialedBroker } from './support/credentialed-broker.ts';
import { PrivateBroker } from './support/mosquitto.ts';
import { tempDir } from './support/temp.ts';
import { waitFor } from './support/wait.ts';

const nodeMetrics: SimMetric[] = [{ name: 'Supply Voltage', type: 'Float', value: 24 }];
const pumpMetrics: SimMetric[] = [
  { name: 'Discharge Pressure', type: 'Double', value: 3.2 },
  { name: 'Running', type: 'Boolean', value: true },
  { name: 'Run Hours', type: 'UInt64', value: 5_000_000_000 },
  { name: 'Mode', type: 'String', value: 'auto' },
];

function device(brokerUrl: string, extra: Partial<Record<string, unknown>> = {}): SparkplugConfigDevice {
  return sparkplugConfigDeviceSchema.parse({
    id: 'uns-1',
    protocol: 'sparkplug',
    brokerUrl,
    groupId: 'Plantwatch',
    edgeNodeId: 'edge-1',
    rebirthMinIntervalMs: 1000,
    tags: [
      { id: 'voltage', metric: 'Supply Voltage' },
      { id: 'pressure', metric: 'Discharge Pressure', sparkplugDevice: 'pump-3', scale: 100, unit: 'kPa' },
      { id: 'running', metric: 'Running', sparkplugDevice: 'pump-3' },
      { id: 'hours', metric: 'Run Hours', sparkplugDevice: 'pump-3' },
      { id: 'mode', metric: 'Mode', sparkplugDevice: 'pump-3' },
    ],
    ...extra,
  });
}

function startDriver(config: SparkplugConfigDevice) {
  const points: TelemetryPoint[] = [];
  const driver = new SparkplugDriver(config, silentLogger, {
    backoff: { initialMs: 100, maxMs: 500 },
    timeoutMs: 5000,
  });
  onTestFinished(() => driver.stop());
  driver.start((batch) => points.push(...batch));
  return { driver, points };
}

async function startNode(
  brokerUrl: string,
  extra: Partial<ConstructorParameters<typeof SparkplugNodeSimulator>[0]> = {},
) {
  const node = new SparkplugNodeSimulator({
    brokerUrl,
    nodeMetrics: nodeMetrics.map((m) => ({ ...m })),
    devices: { 'pump-3': pumpMetrics.map((m) => ({ ...m })) },
    ...extra,
  });
  await node.start();
  onTestFinished(() => node.stop());
  return node;
}

const last = (points: TelemetryPoint[], tag: string) => points.filter((p) => p.t === tag).at(-1);

describe('Sparkplug B driver', () => {
  it('reads births and data by alias from a TLS broker with a password, keeping the metric times', async () => {
    const dir = await tempDir();
    const broker = await startCredentialedBroker(dir);
    const passwordFile = join(dir, 'broker-password');
    await writeFile(passwordFile, `${broker.password}\n`);
    const config = device(broker.url, { username: broker.username, passwordFile, caFile: broker.pki.ca });
    const { driver, points } = startDriver(config);
    await waitFor('the driver connected', () => driver.brokerConnected);

    const ca = await readFile(broker.pki.ca);
    const node = await startNode(broker.url, { username: broker.username, password: broker.password, ca });
    await waitFor(
      'the birth values',
      () => last(points, 'mode')?.v === 'auto' && last(points, 'voltage')?.v === 24,
    );
    expect(last(points, 'pressure')).toMatchObject({ d: 'uns-1', v: 320, q: 'good' });
    expect(last(points, 'running')?.v).toBe(true);
    expect(last(points, 'hours')?.v).toBe(5_000_000_000);

    const sampled = Date.UTC(2026, 5, 1, 12, 0, 0, 250);
    node.set('Discharge Pressure', 4.5, { device: 'pump-3', timestamp: sampled });
    node.set('Supply Voltage', 23.5);
    await waitFor(
      'the data',
      () => last(points, 'pressure')?.v === 450 && last(points, 'voltage')?.v === 23.5,
    );
    expect(last(points, 'pressure')?.ts).toBe(sampled);
    expect(driver.health()).toMatchObject({ connected: true, errorCount: 0 });
    expect(driver.health().malformed).toBeUndefined();
  });

  it('asks for a rebirth when data arrives for an alias it does not know, and when it comes online late', async () => {
    const dir = await tempDir();
    const broker = await PrivateBroker.start(dir);
    const node = await startNode(broker.url);
    // The node was born before the driver subscribed: its data means nothing without the births.
    const { driver, points } = startDriver(device(broker.url));
    await waitFor('a rebirth on connect', () => node.rebirthRequests >= 1);
    await waitFor('the births it asked for', () => last(points, 'voltage')?.v === 24);

    node.publishUnknownAlias(4242);
    await waitFor('a rebirth for the unknown alias', () => node.rebirthRequests >= 2, 5000);
    node.set('Running', false, { device: 'pump-3' });
    await waitFor('data after the rebirth', () => last(points, 'running')?.v === false);
    expect(driver.rebirthsRequested).toBeGreaterThanOrEqual(2);
  });

  it('marks tags bad on DDEATH and on the NDEATH Last Will, and good again after the next birth', async () => {
    const dir = await tempDir();
    const broker = await PrivateBroker.start(dir);
    const { driver, points } = startDriver(device(broker.url));
    await waitFor('the driver connected', () => driver.brokerConnected);
    const node = await startNode(broker.url);
    await waitFor(
      'the births',
      () => last(points, 'running')?.q === 'good' && last(points, 'voltage')?.q === 'good',
    );

    node.deviceDeath('pump-3');
    await waitFor('pump-3 tags bad', () => last(points, 'running')?.q === 'bad');
    expect(last(points, 'pressure')).toMatchObject({ v: 320, q: 'bad' });
    expect(last(points, 'voltage')?.q).toBe('good');

    await node.crash();
    await waitFor('every tag bad after NDEATH', () => last(points, 'voltage')?.q === 'bad', 10_000);
    expect(driver.health()).toMatchObject({
      connected: false,
      lastError: 'the edge node is offline (NDEATH)',
    });

    const reborn = await startNode(broker.url);
    await waitFor('good again after the new birth', () => last(points, 'voltage')?.q === 'good');
    expect(reborn.rebirthRequests).toBe(0);
    expect(driver.health().connected).toBe(true);
  });

  it('counts payloads it cannot decode, shows the last one in health, and keeps going', async () => {
    const dir = await tempDir();
    const broker = await PrivateBroker.start(dir);
    const { driver, points } = startDriver(device(broker.url));
    await waitFor('the driver connected', () => driver.brokerConnected);
    const node = await startNode(broker.url);
    await waitFor('the births', () => last(points, 'voltage')?.v === 24);

    node.publishRaw('NDATA', Buffer.from([0x0a, 0xff, 0xff, 0xff]));
    node.publishRaw('DDATA', Buffer.from('{"not":"protobuf"}'), 'pump-3');
    await waitFor('two malformed payloads counted', () => (driver.health().malformed?.count ?? 0) >= 2);
    expect(driver.health().malformed?.lastError).toMatch(/not a Sparkplug B payload/);

    node.set('Supply Voltage', 25);
    await waitFor('data after the bad payloads', () => last(points, 'voltage')?.v === 25);
  });

  it('reads once and discovers the metrics the births announce', async () => {
    const dir = await tempDir();
    const broker = await PrivateBroker.start(dir);
    await startNode(broker.url);
    const config = device(broker.url);
    const reader = new SparkplugDriver(config, silentLogger, { timeoutMs: 5000 });
    const points = await reader.readOnce();
    expect(points.find((p) => p.t === 'pressure')).toMatchObject({ v: 320, q: 'good' });
    expect(points.map((p) => p.t).sort()).toEqual(['hours', 'mode', 'pressure', 'running', 'voltage']);

    const discovered = await new SparkplugDriver(config, silentLogger, { timeoutMs: 5000 }).discover();
    expect(discovered.get('pump-3')?.map((m) => m.name)).toEqual(pumpMetrics.map((m) => m.name));
    expect(discovered.get('')?.map((m) => m.name)).toContain('Supply Voltage');
  });

  it("answers the cloud's browse command with the births as a tree, each metric with its tag address", async () => {
    const dir = await tempDir();
    const broker = await PrivateBroker.start(dir);
    await startNode(broker.url);
    const parts: string[] = [];
    const runner = new CommandRunner({
      log: silentLogger,
      pkiDir: join(dir, 'pki'),
      respond: async (payload) => {
        parts.push(payload);
      },
    });
    const {
      tags: _tags,
      id: _id,
      enabled: _enabled,
      heartbeatMs: _heartbeat,
      ...sparkplug
    } = device(broker.url);
    const id = randomUUID();
    runner.handle(
      Buffer.from(
        JSON.stringify({
          v: 1,
          id,
          deadline: Date.now() + 10_000,
          kind: 'browse',
          params: { sparkplug, maxNodes: 100 },
        }),
      ),
    );
    await waitFor('the answer', () => parts.length > 0, 10_000);
    const answer = JSON.parse(parts.map((p) => JSON.parse(p).chunk).join(''));
    expect(answer.ok).toBe(true);
    const { root } = answer.result;
    expect(root.nodeId).toBe('spBv1.0/Plantwatch/edge-1');
    expect(root.children.map((c: { nodeId: string }) => c.nodeId)).toEqual(['Supply Voltage', 'pump-3']);
    const pump = root.children[1];
    expect(pump.children[0]).toMatchObject({
      nodeId: 'pump-3/Discharge Pressure',
      dataType: 'Double',
      value: 3.2,
      address: { kind: 'sparkplug', metric: 'Discharge Pressure', sparkplugDevice: 'pump-3' },
    });
    expect(answer.result.nodes).toBe(7);
  });

  it('says why when the broker refuses the password, and retries without crashing', async () => {
    const dir = await tempDir();
    const broker = await startCredentialedBroker(dir);
    const passwordFile = join(dir, 'wrong-password');
    await writeFile(passwordFile, 'not-it\n');
    const { driver } = startDriver(
      device(broker.url, { username: broker.username, passwordFile, caFile: broker.pki.ca }),
    );
    await waitFor('two failed attempts', () => driver.health().errorCount >= 2, 10_000);
    expect(driver.health()).toMatchObject({ connected: false });
    expect(driver.health().lastError).toMatch(/Not authorized|Bad User Name or Password|refused/i);
  });
});
