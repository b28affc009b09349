// The whole gateway (driver workers, report by exception, disk buffer, MQTT) against the simulators
// and the real Mosquitto broker on 127.0.0.1:1883.
import { configTopic, gatewayConfigSchema } from '@plantwatch/shared';
import { describe, expect, it, onTestFinished } from 'vitest';
import { startSimulators } from '../sim/index.ts';
import { Gateway } from '../src/gateway.ts';
import { silentLogger } from '../src/log.ts';
import { Collector, publicBrokerUrl } from './support/collector.ts';
import { plantConfig, topicIds } from './support/plant.ts';
import { tempDir } from './support/temp.ts';
import { waitFor } from './support/wait.ts';

async function startPlantAndGateway() {
  const dir = await tempDir();
  const sims = await startSimulators({ modbusPort: 0, opcuaPort: 0, pkiDir: `${dir}/sim-pki`, tickMs: 200 });
  onTestFinished(() => sims.close());
  const config = plantConfig({
    modbusPort: sims.modbusPort,
    opcuaEndpoint: sims.opcuaEndpoint,
    mqttUrl: publicBrokerUrl,
    bufferDir: `${dir}/buffer`,
  });
  const collector = await Collector.start(publicBrokerUrl, topicIds(config));
  const gateway = await Gateway.start({
    config: gatewayConfigSchema.parse(config),
    baseDir: dir,
    log: silentLogger,
    statusIntervalMs: 500,
  });
  onTestFinished(() => gateway.stop());
  return { sims, config, collector, gateway };
}

describe('gateway', () => {
  it('publishes both PLCs of the simulated plant as QoS 1 batches with increasing seq', async () => {
    const { collector, config } = await startPlantAndGateway();

    await waitFor(
      'every tag of both PLCs',
      () => new Set(collector.points().map((p) => `${p.d}/${p.t}`)).size === 7,
      15_000,
    );

    const seqs = collector.arrivals.map((a) => a.seq);
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    expect(collector.points().every((p) => p.q === 'good')).toBe(true);
    const level = collector.points().find((p) => p.t === 'level');
    expect(level?.v).toBeTypeOf('number');
    expect(config.gateway.id).toBe(collector.batches.get(seqs[0] ?? -1)?.gw);
  });

  it('publishes retained status with the health of every device', async () => {
    const { collector } = await startPlantAndGateway();

    const status = await waitFor(
      'a status with both devices connected',
      () => {
        const last = collector.lastStatus();
        return last?.state === 'online' && last.devices?.every((d) => d.connected) && last;
      },
      15_000,
    );

    expect(status).toMatchObject({
      state: 'online',
      buffer: { whenFull: 'drop-oldest', droppedPoints: 0 },
      devices: [
        { d: 'plc-1', connected: true, lastSuccessTs: expect.any(Number), backoffMs: 0 },
        { d: 'plc-2', connected: true, lastSuccessTs: expect.any(Number), backoffMs: 0 },
      ],
    });
  });

  it('applies a pushed config without a restart, and refuses an invalid one with the reason in status', async () => {
    const { collector, config, gateway, sims } = await startPlantAndGateway();
    await waitFor('first telemetry', () => collector.points().length > 0, 15_000);

    await collector.client.publishAsync(
      configTopic(topicIds(config)),
      JSON.stringify({
        version: 3,
        devices: [
          {
            id: 'plc-1',
            protocol: 'modbus-tcp',
            host: '127.0.0.1',
            tags: [{ id: 'x', area: 'coil', address: 0, type: 'int16' }],
          },
        ],
      }),
      { qos: 1, retain: true },
    );
    onTestFinished(async () => {
      await collector.client.publishAsync(configTopic(topicIds(config)), '', { qos: 1, retain: true });
    });
    const refused = await waitFor('a status naming the bad field', () =>
      collector.statuses.find((s) => s.state === 'online' && s.configError),
    );
    expect(refused).toMatchObject({
      configError: {
        version: 3,
        reason: expect.stringContaining('devices[0].tags[0].type: a coil holds one bit'),
      },
    });

    await collector.client.publishAsync(
      configTopic(topicIds(config)),
      JSON.stringify({
        version: 4,
        devices: [
          {
            id: 'plc-9',
            protocol: 'modbus-tcp',
            host: '127.0.0.1',
            port: sims.modbusPort,
            pollMs: 200,
            tags: [{ id: 'total', area: 'holding', address: 10, type: 'uint32' }],
          },
        ],
      }),
      { qos: 1, retain: true },
    );

    await waitFor(
      'telemetry from the new device',
      () => collector.points().some((p) => p.d === 'plc-9'),
      15_000,
    );
    expect(gateway.configVersion).toBe(4);
    await waitFor('status with the new version and no error', () => {
      const last = collector.lastStatus();
      return (
        last?.state === 'online' &&
        last.configVersion === 4 &&
        !last.configError &&
        last.devices?.[0]?.d === 'plc-9'
      );
    });
  });
});
