// Communication loss on the local runtime, end to end over MQTT: the runtime's periodic check
// raises a silent device's alarm, and a gateway whose connection drops (the broker publishes its
// Last Will on the retained status topic) raises one gateway alarm while its devices' alarms are
// suppressed; back online, the gateway alarm clears.
import {
  type ProvisioningBundle,
  provisioningBundleSchema,
  statusTopic,
  telemetryTopic,
} from '@plantwatch/shared';
import type { MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi, until } from './testing/harness.ts';
import { connectGateway } from './testing/mqtt.ts';

describe('communication loss and gateway status on the local runtime', () => {
  let api: TestApi;
  let token: string;
  let bundle: ProvisioningBundle;
  let gatewayId: string;
  let client: MqttClient | undefined;
  let rules: { gateway: string; device: string };

  const ids = () => ({
    tenantId: bundle.config.gateway.tenantId,
    siteId: bundle.config.gateway.siteId,
    gatewayId,
  });
  const status = (state: 'online' | 'offline') =>
    JSON.stringify({ v: 1, gw: gatewayId, state, ts: Date.now() });

  async function connect(): Promise<MqttClient> {
    const connected = await connectGateway(bundle, {
      will: { topic: statusTopic(ids()), payload: Buffer.from(status('offline')), qos: 1, retain: true },
    });
    await connected.publishAsync(statusTopic(ids()), status('online'), { qos: 1, retain: true });
    return connected;
  }

  const publishLevel = (mqttClient: MqttClient, seq: number, ts: number) =>
    mqttClient.publishAsync(
      telemetryTopic(ids()),
      JSON.stringify({
        v: 1,
        gw: gatewayId,
        seq,
        points: [{ d: 'plc-1', t: 'level', ts, v: 2.5, q: 'good' }],
      }),
      { qos: 1 },
    );

  const kinds = async (ruleId: string): Promise<string[]> =>
    (await api.call('GET', `/v1/alarms/${ruleId}/events`, { token })).body.events.map(
      (event: { kind: string }) => event.kind,
    );

  beforeAll(async () => {
    api = await startTestApi({ alarmCheckIntervalMs: 100 });
    token = (await api.signUp('gateway-status')).token;
    const post = async (path: string, body?: unknown) => (await api.call('POST', path, { token, body })).body;
    const site = await post('/v1/sites', { name: 'Booster station' });
    gatewayId = (await post('/v1/gateways', { siteId: site.id, name: 'gw' })).id;
    const device = await post('/v1/devices', {
      gatewayId,
      key: 'plc-1',
      name: 'PLC',
      connection: { protocol: 'modbus-tcp', host: '127.0.0.1' },
    });
    await post('/v1/tags', {
      deviceId: device.id,
      key: 'level',
      name: 'Level',
      address: { kind: 'modbus', area: 'holding', address: 0, type: 'uint16' },
    });
    const commLoss = { kind: 'commLoss', severity: 'high', afterSeconds: 5 };
    rules = {
      gateway: (
        await post('/v1/alarm-rules', {
          ...commLoss,
          name: 'Gateway offline',
          scope: 'gateway',
          gatewayId,
          afterSeconds: 300,
        })
      ).id,
      device: (
        await post('/v1/alarm-rules', {
          ...commLoss,
          name: 'PLC silent',
          scope: 'device',
          deviceId: device.id,
        })
      ).id,
    };
    bundle = provisioningBundleSchema.parse(await post(`/v1/gateways/${gatewayId}/provisioning-bundle`));
  }, 60_000);
  afterAll(async () => {
    await client?.endAsync(true);
    await api?.close();
  });

  it('raises a silent device’s alarm from the periodic check, dated by its data, and clears it when data comes back', async () => {
    client = await connect();
    const lastData = Date.now() - 8_000;
    await publishLevel(client, 1, lastData);
    await until(
      'the comm-loss alarm',
      async () => ((await kinds(rules.device)).includes('raised') ? true : undefined),
      15_000,
    );
    const [raised] = (await api.call('GET', `/v1/alarms/${rules.device}/events`, { token })).body.events;
    expect(raised).toMatchObject({
      kind: 'raised',
      at: new Date(lastData + 5_000).toISOString(),
      channel: 'system',
    });

    await publishLevel(client, 2, Date.now());
    await until(
      'the clear',
      async () => ((await kinds(rules.device))[0] === 'cleared' ? true : undefined),
      15_000,
    );
    expect(await kinds(rules.gateway)).toEqual([]);
  }, 60_000);

  it('raises one gateway alarm when the connection drops and suppresses the device alarm, then clears it when the gateway is back', async () => {
    const active = client;
    if (!active) throw new Error('the first test connects the gateway');
    await api.call('POST', `/v1/alarms/${rules.device}/acknowledge`, { token, body: {} });
    // the connection drops without DISCONNECT: the broker publishes the Last Will
    active.stream.destroy();
    await until(
      'the gateway alarm',
      async () => ((await kinds(rules.gateway)).includes('raised') ? true : undefined),
      15_000,
    );
    await until(
      'the suppression',
      async () => ((await kinds(rules.device))[0] === 'suppressed' ? true : undefined),
      15_000,
    );
    const alarms = (await api.call('GET', '/v1/alarms', { token })).body.alarms;
    expect(alarms.map((alarm: { ruleId: string; state: string }) => [alarm.ruleId, alarm.state])).toEqual([
      [rules.gateway, 'active-unacked'],
    ]);

    client = await connect();
    await until(
      'the gateway alarm to clear',
      async () => ((await kinds(rules.gateway))[0] === 'cleared' ? true : undefined),
      15_000,
    );
    expect(await kinds(rules.gateway)).toEqual(['cleared', 'raised']);
  }, 60_000);
});
