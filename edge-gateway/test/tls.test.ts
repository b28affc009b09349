// Mutual TLS: the gateway publishes to a broker that requires a client certificate.
import { readFileSync } from 'node:fs';
import { gatewayConfigSchema, telemetryTopic } from '@plantwatch/shared';
import mqtt from 'mqtt';
import { describe, expect, it, onTestFinished } from 'vitest';
import { ModbusSimulator } from '../sim/modbus-sim.ts';
import { Gateway } from '../src/gateway.ts';
import { silentLogger } from '../src/log.ts';
import { makeTestPki } from './support/certificates.ts';
import { PrivateBroker } from './support/mosquitto.ts';
import { plantConfig, topicIds } from './support/plant.ts';
import { tempDir } from './support/temp.ts';
import { waitFor } from './support/wait.ts';

describe('MQTT over mutual TLS', () => {
  it('publishes with its client certificate to a broker that requires one, which refuses a client without', async () => {
    const dir = await tempDir();
    const pki = await makeTestPki(dir);
    const broker = await PrivateBroker.start(dir, { ca: pki.ca, cert: pki.serverCert, key: pki.serverKey });
    const sim = new ModbusSimulator();
    await sim.start();
    onTestFinished(() => sim.stop());
    const input = plantConfig({ modbusPort: sim.port, bufferDir: `${dir}/buffer` });
    const config = gatewayConfigSchema.parse({
      ...input,
      mqtt: { url: broker.url, ca: 'ca.pem', cert: 'client.pem', key: 'client.key' },
    });
    const received: string[] = [];
    const subscriber = mqtt.connect(broker.url, {
      ca: readFileSync(pki.ca),
      cert: readFileSync(pki.clientCert),
      key: readFileSync(pki.clientKey),
      reconnectPeriod: 300,
    });
    onTestFinished(() => subscriber.endAsync(true));
    subscriber.on('message', (_topic, payload) => received.push(payload.toString('utf8')));
    await new Promise<void>((resolve) => subscriber.once('connect', () => resolve()));
    await subscriber.subscribeAsync(telemetryTopic(topicIds(input)), { qos: 1 });

    const gateway = await Gateway.start({ config, baseDir: dir, log: silentLogger });
    onTestFinished(() => gateway.stop());
    await waitFor('telemetry over TLS', () => received.length > 0, 15_000);

    expect(JSON.parse(received[0] ?? '{}')).toMatchObject({ v: 1, gw: input.gateway.id, seq: 1 });
    const anonymous = mqtt.connect(broker.url, {
      ca: readFileSync(pki.ca),
      reconnectPeriod: 0,
      connectTimeout: 5000,
    });
    onTestFinished(() => anonymous.endAsync(true));
    const outcome = await new Promise<string>((resolve) => {
      anonymous.once('connect', () => resolve('connected'));
      anonymous.once('error', () => resolve('refused'));
      anonymous.once('close', () => resolve('refused'));
    });
    expect(outcome).toBe('refused');
  });
});
