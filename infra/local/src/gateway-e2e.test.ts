// The whole path with real parts: a Modbus TCP PLC simulator, the edge gateway as a child process
// installed from its provisioning bundle, the local runtime's TLS broker, ingest and the API.
import { randomUUID } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ModbusSimulator } from '@plantwatch/edge-gateway/sim';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gatewayProcesses, installGateway } from './testing/gateway.ts';
import { startTestApi, type TestApi, until } from './testing/harness.ts';
import { createPlantOverApi } from './testing/plant.ts';

interface Plant {
  token: string;
  siteId: string;
  gatewayId: string;
  deviceId: string;
}

// Gateway processes start slowly on a loaded 2-core CI machine: generous limits, and on a failure
// the gateways' own logs say why.
describe('a real gateway process publishing to the local runtime', { timeout: 120_000 }, () => {
  let api: TestApi;
  let plc: ModbusSimulator;
  let dir: string;
  const gateways = gatewayProcesses();

  function createPlant(label: string): Promise<Plant> {
    return createPlantOverApi(api, label, {
      device: {
        key: 'plc-1',
        name: 'Lift station PLC',
        connection: { protocol: 'modbus-tcp', host: '127.0.0.1', port: plc.port, pollMs: 200 },
      },
      tags: [{ key: 'level', name: 'Wet well level', unit: 'm', scale: 0.01 }],
    });
  }

  /** Provisions the gateway and installs its bundle as `edge-gateway provision` does; returns config.json. */
  async function install(plant: Plant, name: string): Promise<string> {
    const res = await api.call('POST', `/v1/gateways/${plant.gatewayId}/provisioning-bundle`, {
      token: plant.token,
    });
    return installGateway(res.body, dir, name);
  }

  const latestLevel = async (plant: Plant) =>
    (await api.call('GET', `/v1/telemetry/latest?deviceId=${plant.deviceId}`, { token: plant.token })).body
      .values[0];

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'plantwatch-gateway-e2e-'));
    plc = new ModbusSimulator({ port: 0 });
    await plc.start();
    api = await startTestApi();
  });
  afterAll(async () => {
    await gateways.stopAll(5_000);
    await api?.close();
    await plc?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('polls the PLC and a changed value is in /v1/telemetry/latest within 2 s of its sample time', async () => {
    const plant = await createPlant('gateway-e2e');
    const configFile = await install(plant, 'gw-a');
    // The local runtime asks its gateways for short publish intervals (GATEWAY_PUBLISH_INTERVAL_MS).
    expect(JSON.parse(await readFile(configFile, 'utf8')).mqtt.publishIntervalMs).toBe(250);
    plc.setHolding(0, [123]);
    gateways.start('gw-a', configFile);
    // Connected and publishing: from here on, no start-up buffering is in the measurement.
    await gateways.until(
      'a first level of 1.23 m',
      async () => ((await latestLevel(plant))?.value === 1.23 ? true : undefined),
      60_000,
    );

    const changedAt = Date.now();
    plc.setHolding(0, [250]);
    const sample = await until(
      'the changed level of 2.5 m',
      async () => {
        const value = await latestLevel(plant);
        return value?.value === 2.5 ? { ...value, seenAt: Date.now() } : undefined;
      },
      10_000,
    );

    expect(sample).toMatchObject({ tagKey: 'level', unit: 'm', quality: 'good' });
    expect(sample.ts).toBeGreaterThanOrEqual(changedAt - 250); // a poll already in flight may carry it
    expect(sample.seenAt - sample.ts).toBeLessThan(2_000);
  });

  it("stores nothing from a gateway using another gateway's certificate or another tenant's topics", async () => {
    const victim = await createPlant('gateway-e2e-victim');
    const intruder = await createPlant('gateway-e2e-intruder');
    const victimConfig = JSON.parse(await readFile(await install(victim, 'gw-victim'), 'utf8'));
    const intruderConfigFile = await install(intruder, 'gw-intruder');
    const intruderConfig = JSON.parse(await readFile(intruderConfigFile, 'utf8'));
    plc.setHolding(0, [456]);

    // Its own certificate, the victim's identity (so the victim's topics): refused by the broker.
    // Its own buffer too: two gateway processes cannot share one (the second cannot open it).
    const spoofFile = join(dir, 'gw-intruder', `spoof-${randomUUID()}.json`);
    await writeFile(
      spoofFile,
      JSON.stringify({
        ...intruderConfig,
        gateway: victimConfig.gateway,
        buffer: { ...intruderConfig.buffer, dir: './spoof-buffer' },
      }),
    );
    gateways.start('gw-spoof', spoofFile);
    // The control: the same binary and PLC with its own identity does get through.
    gateways.start('gw-intruder', intruderConfigFile);
    await gateways.until(
      'the intruder’s own telemetry',
      async () => (await latestLevel(intruder))?.value === 4.56 || undefined,
      60_000,
    );
    await new Promise((r) => setTimeout(r, 1_000));

    expect(await latestLevel(victim)).toBeUndefined();
  });
});
