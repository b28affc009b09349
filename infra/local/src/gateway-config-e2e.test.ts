// Running a site from the cloud, through the API only, with real parts: the project's Modbus and
// OPC UA simulators, the edge gateway as a child process installed from its provisioning bundle, the
// local runtime's TLS broker, ingest and API. A tag added through the API is polled without a restart
// or a new bundle; a bad config version is refused and reported while the gateway keeps the last good
// one; a rollback puts the plant back; browse and read-once go through the gateway and back; the
// gateway's health says all of it.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { GatewayProcess } from '@plantwatch/edge-gateway';
import { type Simulators, startSimulators } from '@plantwatch/edge-gateway/sim';
import { type BrowseNode, configTopic } from '@plantwatch/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gatewayProcesses, installGateway } from './testing/gateway.ts';
import { startTestApi, type TestApi } from './testing/harness.ts';

interface Site {
  token: string;
  tenantId: string;
  siteId: string;
  gatewayId: string;
  modbusId: string;
  opcuaId: string;
  levelId: string;
  setpointId: string;
}

const modbusTag = (key: string, address: number, extra: Record<string, unknown> = {}) => ({
  key,
  name: key,
  address: { kind: 'modbus', area: 'holding', address, type: 'uint16', ...extra },
});

function findNode(node: BrowseNode, nodeId: string): BrowseNode | undefined {
  if (node.nodeId === nodeId) return node;
  for (const child of node.children ?? []) {
    const found = findNode(child, nodeId);
    if (found) return found;
  }
  return undefined;
}

// A gateway process starts slowly on a loaded 2-core machine: generous limits on waits that are not
// the measurement; the measured one (10 s from the API call to the new tag's first value) is exact.
describe('a site run from the cloud through the API', { timeout: 180_000 }, () => {
  let api: TestApi;
  let sims: Simulators;
  let dir: string;
  let site: Site;
  let gateway: GatewayProcess;
  const gateways = gatewayProcesses({ keepLines: 80 });

  const call = (method: string, path: string, body?: unknown) =>
    api.call(method, path, { token: site.token, ...(body === undefined ? {} : { body }) });
  const health = async () => (await call('GET', `/v1/gateways/${site.gatewayId}/health`)).body;
  const latest = async (deviceId: string) =>
    (await call('GET', `/v1/telemetry/latest?deviceId=${deviceId}`)).body.values as {
      tagKey: string;
      value: unknown;
      ts: number;
    }[];
  const configVersion = async () => (await call('GET', `/v1/gateways/${site.gatewayId}`)).body.configVersion;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'plantwatch-gateway-config-'));
    sims = await startSimulators({ modbusPort: 0, opcuaPort: 0, pkiDir: join(dir, 'sim-pki'), tickMs: 200 });
    api = await startTestApi();
    const owner = await api.signUp('cloud-config');
    const made = async (path: string, body: unknown) => {
      const res = await api.call('POST', path, { token: owner.token, body });
      if (res.status !== 201) throw new Error(`POST ${path}: ${res.status} ${JSON.stringify(res.body)}`);
      return res.body.id as string;
    };
    const siteId = await made('/v1/sites', { name: 'North pumping station' });
    const gatewayId = await made('/v1/gateways', { siteId, name: 'gw-north' });
    const modbusId = await made('/v1/devices', {
      gatewayId,
      key: 'plc-1',
      name: 'Lift station PLC',
      connection: { protocol: 'modbus-tcp', host: '127.0.0.1', port: sims.modbusPort, pollMs: 200 },
    });
    const opcuaId = await made('/v1/devices', {
      gatewayId,
      key: 'plc-2',
      name: 'Pump drive',
      connection: { protocol: 'opcua', endpoint: sims.opcuaEndpoint, publishMs: 200 },
    });
    // The simulated plant moves registers 0-11; 30 and 40 are the test's own.
    const levelId = await made('/v1/tags', {
      deviceId: modbusId,
      ...modbusTag('level', 0),
      scale: 0.01,
      unit: 'm',
    });
    const setpointId = await made('/v1/tags', {
      deviceId: modbusId,
      ...modbusTag('setpoint', 30),
      unit: 'm3/h',
    });
    site = {
      token: owner.token,
      tenantId: owner.tenantId,
      siteId,
      gatewayId,
      modbusId,
      opcuaId,
      levelId,
      setpointId,
    };
    const bundle = await api.call('POST', `/v1/gateways/${gatewayId}/provisioning-bundle`, {
      token: owner.token,
    });
    gateway = gateways.start('gw-north', await installGateway(bundle.body, dir, 'gw-north'));
    await gateways.until(
      'the first level reading',
      async () => ((await latest(modbusId)).some((v) => v.tagKey === 'level') ? true : undefined),
      60_000,
    );
  });

  afterAll(async () => {
    await gateways.stopAll(5_000);
    await api?.close();
    await sims?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('reports the gateway online, running the latest config, with its devices and buffer', async () => {
    const report = await gateways.until(
      'a health report with the device connected',
      async () => {
        const h = await health();
        return h.state === 'online' && h.devices[0]?.connected && h.lastDataAt ? h : undefined;
      },
      30_000,
    );
    expect(report).toMatchObject({
      gatewayVersion: expect.any(String),
      config: {
        latestVersion: await configVersion(),
        appliedVersion: await configVersion(),
        state: 'applied',
      },
      buffer: { droppedPoints: 0, whenFull: 'drop-oldest', maxBytes: expect.any(Number) },
      devices: [{ key: 'plc-1', deviceId: site.modbusId, connected: true, errorCount: 0 }],
    });
    const listed = (await call('GET', `/v1/gateway-health?siteId=${site.siteId}`)).body.gateways;
    expect(listed).toEqual([expect.objectContaining({ gatewayId: site.gatewayId, state: 'online' })]);
  });

  it('polls a tag added through the API within 10 s, without a restart or a new bundle', async () => {
    sims.modbus.setHolding(40, [0b1000]);
    const pid = gateway.child.pid;
    const added = Date.now();
    const res = await call('POST', '/v1/tags', {
      deviceId: site.modbusId,
      ...modbusTag('pump_fault', 40, { type: 'bool', bit: 3 }),
    });
    expect(res.status).toBe(201);

    const first = await gateways.until(
      'the new tag’s first value',
      async () => (await latest(site.modbusId)).find((v) => v.tagKey === 'pump_fault'),
      10_000,
    );
    expect(Date.now() - added).toBeLessThan(10_000);
    expect(first.value).toBe(true);
    expect(gateway.child.pid).toBe(pid);
    expect(gateway.child.exitCode).toBeNull();
    const versions = (await call('GET', `/v1/gateways/${site.gatewayId}/config-versions`)).body.versions;
    expect(versions[0]).toMatchObject({
      version: await configVersion(),
      change: 'tag pump_fault added to device plc-1',
      publish: { state: 'published' },
    });
    await gateways.until(
      'health saying the new version is applied',
      async () => ((await health()).config.state === 'applied' ? true : undefined),
      10_000,
    );
  });

  it('refuses a bad config version, says why, and keeps polling with the last good one', async () => {
    const good = await configVersion();
    const bad = JSON.stringify({
      v: 1,
      version: good + 1,
      issuedAt: new Date().toISOString(),
      config: {
        devices: [
          {
            id: 'plc-1',
            protocol: 'modbus-tcp',
            host: '127.0.0.1',
            tags: [{ id: 'x', area: 'coil', address: 0, type: 'int16' }],
          },
        ],
      },
    });
    // What a cloud newer than the gateway, or a damaged message, would put on the config topic.
    await api.runtime.deps.commandPublisher.publish({
      topic: configTopic({ tenantId: site.tenantId, siteId: site.siteId, gatewayId: site.gatewayId }),
      payload: bad,
      retain: true,
    });

    const refused = await gateways.until(
      'health reporting the refusal',
      async () => {
        const h = await health();
        return h.config.rejected?.version === good + 1 ? h : undefined;
      },
      15_000,
    );
    expect(refused.config).toMatchObject({
      appliedVersion: good,
      rejected: { reason: expect.stringContaining('config.devices[0].tags[0].type: a coil holds one bit') },
    });
    sims.modbus.setHolding(30, [321]);
    await gateways.until(
      'the setpoint read after the refusal',
      async () => (await latest(site.modbusId)).find((v) => v.tagKey === 'setpoint' && v.value === 321),
      10_000,
    );

    // The next real change is newer than the bad one, and the gateway takes it.
    await call('PATCH', `/v1/tags/${site.levelId}`, { deadband: 0.01 });
    await gateways.until(
      'the next version applied',
      async () => {
        const h = await health();
        return h.config.state === 'applied' && h.config.appliedVersion === good + 1 ? true : undefined;
      },
      15_000,
    );
  });

  it('rolls back to an earlier version: the tag added since is gone from the gateway too', async () => {
    const versions = (await call('GET', `/v1/gateways/${site.gatewayId}/config-versions`)).body.versions as {
      version: number;
      change: string;
    }[];
    const before = versions.find((v) => v.change === 'tag setpoint added to device plc-1');
    if (!before) throw new Error(`no version before the bit tag: ${JSON.stringify(versions)}`);

    const rolled = await call(
      'POST',
      `/v1/gateways/${site.gatewayId}/config-versions/${before.version}/rollback`,
    );

    expect(rolled.status).toBe(201);
    expect(rolled.body).toMatchObject({ rollbackOf: before.version, publish: { state: 'published' } });
    const tags = (await call('GET', `/v1/tags?deviceId=${site.modbusId}`)).body.tags;
    expect(tags.map((t: { id: string; key: string }) => [t.id, t.key])).toEqual([
      [site.levelId, 'level'],
      [site.setpointId, 'setpoint'],
    ]);
    await gateways.until(
      'the rollback applied by the gateway',
      async () => ((await health()).config.appliedVersion === rolled.body.version ? true : undefined),
      15_000,
    );
    const read = await call('POST', `/v1/devices/${site.modbusId}/read-once`, {});
    expect(read.body.tags.map((t: { key: string }) => t.key)).toEqual(['level', 'setpoint']);
  });

  it('reads every tag of a Modbus device once through the gateway (test connection)', async () => {
    sims.modbus.setHolding(30, [456]);
    const res = await call('POST', `/v1/devices/${site.modbusId}/read-once`, { timeoutSeconds: 10 });

    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      deviceId: site.modbusId,
      reachable: true,
      tags: [
        {
          tagId: site.levelId,
          key: 'level',
          unit: 'm',
          value: expect.any(Number),
          quality: 'good',
          error: null,
        },
        { tagId: site.setpointId, key: 'setpoint', unit: 'm3/h', value: 456, quality: 'good', error: null },
      ],
    });
  });

  it('browses the OPC UA simulator through the gateway and bulk-adds chosen nodes as tags', async () => {
    const res = await call('POST', `/v1/devices/${site.opcuaId}/browse`, { depth: 3 });

    expect(res.status).toBe(200);
    expect(res.body.truncated).toBe(false);
    const temperature = findNode(res.body.root, 'ns=1;s=MotorTemperature');
    const running = findNode(res.body.root, 'ns=1;s=PumpRunning');
    expect(temperature).toMatchObject({ nodeClass: 'Variable', dataType: 'Double', quality: 'good' });
    expect(temperature?.value).toEqual(expect.any(Number));
    expect(running).toMatchObject({ dataType: 'Boolean' });

    const added = await call('POST', `/v1/devices/${site.opcuaId}/tags/bulk`, {
      create: [
        {
          key: 'motor_temp',
          name: 'Motor temperature',
          unit: 'degC',
          address: { kind: 'opcua', nodeId: 'ns=1;s=MotorTemperature' },
        },
        {
          key: 'pump_running',
          name: 'Pump running',
          address: { kind: 'opcua', nodeId: 'ns=1;s=PumpRunning' },
        },
      ],
    });
    expect(added.status).toBe(200);
    expect(added.body.created.map((t: { key: string }) => t.key)).toEqual(['motor_temp', 'pump_running']);
    await gateways.until(
      'values of the imported nodes',
      async () => {
        const keys = new Set((await latest(site.opcuaId)).map((v) => v.tagKey));
        return keys.has('motor_temp') && keys.has('pump_running') ? true : undefined;
      },
      15_000,
    );
  });

  it('lets only engineers send commands, and keeps every one in the audit log', async () => {
    const key = await call('POST', '/v1/api-keys', { name: 'operator key', role: 'operator' });
    const denied = await api.call('POST', `/v1/devices/${site.modbusId}/read-once`, {
      token: key.body.secret,
      body: {},
    });
    expect({ status: denied.status, code: denied.body.error.code }).toEqual({
      status: 403,
      code: 'forbidden',
    });

    const audit = (await call('GET', `/v1/gateways/${site.gatewayId}/commands`)).body.commands as {
      kind: string;
      status: string;
      requestedBy: { type: string; id?: string };
    }[];
    expect(audit.map((c) => [c.kind, c.status])).toEqual([
      ['browse', 'answered'],
      ['read-once', 'answered'],
      ['read-once', 'answered'],
    ]);
    expect(audit.every((c) => c.requestedBy.type === 'user')).toBe(true);
  });

  it('says 504 when the gateway is gone, records it, and shows the gateway offline', async () => {
    await gateway.stop(5_000);
    const res = await call('POST', `/v1/devices/${site.modbusId}/read-once`, { timeoutSeconds: 2 });

    expect({ status: res.status, code: res.body.error.code }).toEqual({
      status: 504,
      code: 'gateway_timeout',
    });
    const [last] = (await call('GET', `/v1/gateways/${site.gatewayId}/commands`)).body.commands;
    expect(last).toMatchObject({
      kind: 'read-once',
      status: 'timed-out',
      error: expect.stringContaining('2 s'),
    });
    const report = await gateways.until(
      'health saying offline',
      async () => {
        const h = await health();
        return h.state === 'offline' ? h : undefined;
      },
      10_000,
    );
    expect(Date.parse(report.since)).toBeGreaterThan(Date.now() - 30_000);
  });
});
