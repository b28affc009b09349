// Alarms from real telemetry: a gateway publishes over MQTT, ingest hands the batch to the alarm
// evaluator, and the API shows the alarm, takes the acknowledgement and keeps the journal.
import { type ProvisioningBundle, provisioningBundleSchema, telemetryTopic } from '@plantwatch/shared';
import type { MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi, until } from './testing/harness.ts';
import { connectGateway } from './testing/mqtt.ts';
import { addPlantOverApi, liftStation, tagIdOf } from './testing/plant.ts';

describe('alarms raised by ingested telemetry', () => {
  let api: TestApi;
  let token: string;
  let gatewayId: string;
  let tagId: string;
  let bundle: ProvisioningBundle;
  let client: MqttClient;

  beforeAll(async () => {
    api = await startTestApi();
    token = (await api.signUp('alarm-ingest')).token;
    const post = async (path: string, body?: unknown) => (await api.call('POST', path, { token, body })).body;
    const plant = await addPlantOverApi(api, token, {
      ...liftStation,
      tags: [{ key: 'level', name: 'Wet well level', unit: 'm' }],
    });
    gatewayId = plant.gatewayId;
    tagId = tagIdOf(plant, 'level');
    bundle = provisioningBundleSchema.parse(await post(`/v1/gateways/${gatewayId}/provisioning-bundle`));
    client = await connectGateway(bundle);
  });
  afterAll(async () => {
    await client?.endAsync(true);
    await api?.close();
  });

  it('raises a Hi alarm when the level crosses its limit, takes an acknowledgement, and ignores a replayed batch', async () => {
    const rule = (
      await api.call('POST', '/v1/alarm-rules', {
        token,
        body: {
          kind: 'limit',
          tagId,
          name: 'Wet well',
          levels: [{ level: 'hi', threshold: 4, severity: 'high' }],
        },
      })
    ).body;
    const topic = telemetryTopic({
      tenantId: bundle.config.gateway.tenantId,
      siteId: bundle.config.gateway.siteId,
      gatewayId,
    });
    const ts = Date.now() - 2000;
    const crossing = (seq: number) =>
      JSON.stringify({
        v: 1,
        gw: gatewayId,
        seq,
        points: [
          { d: 'plc-1', t: 'level', ts, v: 3.2, q: 'good' },
          { d: 'plc-1', t: 'level', ts: ts + 1000, v: 4.6, q: 'good' },
        ],
      });

    await client.publishAsync(topic, crossing(1), { qos: 1 });
    const raised = await until(
      'the Hi alarm',
      async () => {
        const alarms = (await api.call('GET', '/v1/alarms', { token })).body.alarms;
        return alarms.length > 0 ? alarms : undefined;
      },
      3000,
      25,
    );
    expect(raised).toEqual([
      expect.objectContaining({ ruleId: rule.id, level: 'hi', state: 'active-unacked', value: 4.6 }),
    ]);

    const ack = await api.call('POST', `/v1/alarms/${rule.id}/acknowledge`, {
      token,
      body: { comment: 'pump 2 started' },
    });
    expect(ack.status).toBe(200);
    expect(ack.body.alarms).toEqual([expect.objectContaining({ state: 'active-acked' })]);

    // the same batch again, as a redelivery and under a new sequence number, and a second ack change nothing
    await client.publishAsync(topic, crossing(1), { qos: 1 });
    await client.publishAsync(topic, crossing(2), { qos: 1 });
    await api.runtime.ingestLog.applied(); // acknowledged is logged; applied is evaluated (ADR 0058)
    await api.call('POST', `/v1/alarms/${rule.id}/acknowledge`, { token, body: {} });
    await new Promise((r) => setTimeout(r, 300));

    const alarms = (await api.call('GET', '/v1/alarms', { token })).body.alarms;
    expect(alarms).toEqual([expect.objectContaining({ ruleId: rule.id, state: 'active-acked' })]);
    const events = (await api.call('GET', `/v1/alarms/${rule.id}/events`, { token })).body.events;
    expect(
      events.map((e: { kind: string; from: string; to: string; channel: string; by: { type: string } }) => [
        e.kind,
        e.from,
        e.to,
        e.channel,
        e.by.type,
      ]),
    ).toEqual([
      ['acknowledged', 'active-unacked', 'active-acked', 'web', 'user'],
      ['raised', 'normal', 'active-unacked', 'system', 'system'],
    ]);
    expect(events[0]).toMatchObject({ comment: 'pump 2 started', alarmId: raised[0].id });
    expect(events[1]).toMatchObject({ value: 4.6, at: new Date(ts + 1000).toISOString() });
  });
});
