// The whole gateway (driver workers, report by exception, disk buffer, MQTT) against the simulators
// and the real Mosquitto broker on 127.0.0.1:1883.
import { randomUUID } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import {
  configTopic,
  type GatewayCommandResponsePart,
  gatewayConfigSchema,
  requestTopic,
  responseTopic,
} from '@plantwatch/shared';
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
      JSON.stringify(
        pushed(3, [
          {
            id: 'plc-1',
            protocol: 'modbus-tcp',
            host: '127.0.0.1',
            tags: [{ id: 'x', area: 'coil', address: 0, type: 'int16' }],
          },
        ]),
      ),
      { qos: 1, retain: true },
    );
    onTestFinished(async () => {
      await collector.client.publishAsync(configTopic(topicIds(config)), '', { qos: 1, retain: true });
    });
    const refused = await waitFor('a status naming the bad field', () =>
      collector.statuses.find((s) => s.state === 'online' && s.rejected),
    );
    expect(refused).toMatchObject({
      rejected: {
        version: 3,
        reason: expect.stringContaining('config.devices[0].tags[0].type: a coil holds one bit'),
      },
    });
    // Still the old devices: plc-1's level keeps coming.
    const before = collector.points().filter((p) => p.t === 'level').length;
    await waitFor(
      'more level readings',
      () => collector.points().filter((p) => p.t === 'level').length > before,
    );

    await collector.client.publishAsync(
      configTopic(topicIds(config)),
      JSON.stringify(
        pushed(4, [
          {
            id: 'plc-9',
            protocol: 'modbus-tcp',
            host: '127.0.0.1',
            port: sims.modbusPort,
            pollMs: 200,
            tags: [{ id: 'total', area: 'holding', address: 10, type: 'uint32' }],
          },
        ]),
      ),
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
        last.appliedVersion === 4 &&
        !last.rejected &&
        last.devices?.[0]?.d === 'plc-9'
      );
    });
  });

  it('takes a gzip-compressed config, keeps it on disk, and after a restart runs it even when the retained one is bad', async () => {
    const dir = await tempDir();
    const sims = await startSimulators({
      modbusPort: 0,
      opcuaPort: 0,
      pkiDir: `${dir}/sim-pki`,
      tickMs: 200,
    });
    onTestFinished(() => sims.close());
    const config = gatewayConfigSchema.parse(
      plantConfig({ modbusPort: sims.modbusPort, mqttUrl: publicBrokerUrl, bufferDir: `${dir}/buffer` }),
    );
    const collector = await Collector.start(publicBrokerUrl, topicIds(config));
    onTestFinished(async () => {
      await collector.client.publishAsync(configTopic(topicIds(config)), '', { qos: 1, retain: true });
    });
    const start = () => Gateway.start({ config, baseDir: dir, log: silentLogger, statusIntervalMs: 500 });
    let gateway = await start();
    const devices = [
      {
        id: 'plc-7',
        protocol: 'modbus-tcp',
        host: '127.0.0.1',
        port: sims.modbusPort,
        pollMs: 200,
        tags: [{ id: 'level', area: 'holding', address: 0, type: 'uint16' }],
      },
    ];
    const { config: plain, ...envelope } = pushed(5, devices);
    const configGzip = gzipSync(JSON.stringify(plain)).toString('base64');
    await collector.client.publishAsync(
      configTopic(topicIds(config)),
      JSON.stringify({ ...envelope, configGzip }),
      { qos: 1, retain: true },
    );
    await waitFor('plc-7 polled', () => collector.points().some((p) => p.d === 'plc-7'), 15_000);
    await gateway.stop();

    // The broker now keeps a bad version; the gateway restarts on the last good one from disk.
    await collector.client.publishAsync(configTopic(topicIds(config)), '{"v":1,"version":6', {
      qos: 1,
      retain: true,
    });
    const seen = collector.points().length;
    gateway = await start();
    onTestFinished(() => gateway.stop());
    await waitFor('status naming the bad version', () =>
      collector.statuses.find((s) => s.state === 'online' && s.rejected?.reason.startsWith('not JSON')),
    );
    await waitFor(
      'plc-7 polled again after the restart',
      () =>
        collector
          .points()
          .slice(seen)
          .some((p) => p.d === 'plc-7'),
      15_000,
    );
    expect(gateway.configVersion).toBe(5);
    expect(collector.lastStatus()).toMatchObject({ state: 'online', appliedVersion: 5 });
  });

  it('answers a read-once request on the response topic with every tag, and drops one past its deadline', async () => {
    const { collector, config } = await startPlantAndGateway();
    const answers: GatewayCommandResponsePart[] = [];
    collector.client.on('message', (topic, payload) => {
      if (topic === responseTopic(topicIds(config))) answers.push(JSON.parse(payload.toString('utf8')));
    });
    await collector.client.subscribeAsync(responseTopic(topicIds(config)), { qos: 1 });
    await waitFor('the gateway connected', () => collector.lastStatus()?.state === 'online', 15_000);
    const device = gatewayConfigSchema.parse(config).devices[0];
    const late = randomUUID();
    await collector.client.publishAsync(
      requestTopic(topicIds(config)),
      JSON.stringify({ v: 1, id: late, kind: 'read-once', deadline: Date.now() - 1, params: { device } }),
      { qos: 1 },
    );
    const id = randomUUID();
    await collector.client.publishAsync(
      requestTopic(topicIds(config)),
      JSON.stringify({ v: 1, id, kind: 'read-once', deadline: Date.now() + 10_000, params: { device } }),
      { qos: 1 },
    );

    const answer = await waitFor('the answer', () => answers.find((a) => a.id === id), 10_000);
    expect(answer).toMatchObject({ part: 0, parts: 1 });
    const outcome = JSON.parse(answer.chunk);
    expect(outcome.ok).toBe(true);
    expect(outcome.result).toMatchObject({ device: 'plc-1', reachable: true });
    expect(outcome.result.tags.map((t: { tag: string }) => t.tag)).toEqual([
      'level',
      'inflow',
      'pump_run',
      'pump_fault',
      'flow_total',
    ]);
    expect(
      outcome.result.tags.every(
        (t: { error: unknown; quality: string }) => t.error === null && t.quality === 'good',
      ),
    ).toBe(true);
    expect(answers.some((a) => a.id === late)).toBe(false);
  });
});

function pushed(version: number, devices: unknown[]) {
  return { v: 1, version, issuedAt: new Date().toISOString(), config: { devices } };
}
