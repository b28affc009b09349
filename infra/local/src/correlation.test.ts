// One correlation id from the MQTT message to the page: a gateway's batch crossing HiHi is stored,
// raises the alarm, delivers the escalation start and sends the first page, and every one of those
// log lines carries `<gatewayId>:<seq>` of the batch (the local runtime's whole path, in process).
import { logger } from '@plantwatch/functions/platform/observability';
import { provisioningBundleSchema, telemetryTopic } from '@plantwatch/shared';
import type { MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi, until } from './testing/harness.ts';
import { connectGateway } from './testing/mqtt.ts';
import { addPlantOverApi, liftStation, tagIdOf } from './testing/plant.ts';

describe('the correlation id of a telemetry batch', () => {
  let api: TestApi;
  let client: MqttClient;
  const lines: Record<string, unknown>[] = [];
  const write = process.stdout.write.bind(process.stdout);

  beforeAll(async () => {
    api = await startTestApi();
    // The log lines, as JSON, while the test runs (they still reach the terminal).
    process.stdout.write = ((chunk: string | Uint8Array, ...rest: never[]) => {
      for (const line of String(chunk).split('\n')) {
        if (line.startsWith('{')) {
          try {
            lines.push(JSON.parse(line) as Record<string, unknown>);
          } catch {
            // not a log line
          }
        }
      }
      return write(chunk, ...rest);
    }) as typeof process.stdout.write;
    logger.setLogLevel('DEBUG');
  }, 60_000);

  afterAll(async () => {
    logger.setLogLevel('INFO');
    process.stdout.write = write;
    await client?.endAsync(true);
    await api?.close();
  });

  it('is on the ingest, alarm, escalation and message lines of its path', async () => {
    const owner = await api.signUp('correlation');
    const post = async (path: string, body?: unknown) => {
      const res = await api.call('POST', path, { token: owner.token, body });
      if (res.status >= 300) throw new Error(`${path}: ${res.status} ${JSON.stringify(res.body)}`);
      return res.body;
    };
    const plant = await addPlantOverApi(api, owner.token, {
      ...liftStation,
      tags: [{ key: 'level', name: 'Wet well level', unit: 'm' }],
    });
    const contact = await post('/v1/contacts', {
      name: 'Alice',
      channels: [{ type: 'sms', address: '+447700900101' }],
    });
    const policy = await post('/v1/escalation-policies', {
      name: 'Night shift',
      repeat: 0,
      levels: [{ delayMinutes: 0, targets: [{ type: 'contact', contactId: contact.id }] }],
    });
    await post('/v1/alarm-rules', {
      kind: 'limit',
      tagId: tagIdOf(plant, 'level'),
      name: 'Wet well',
      levels: [{ level: 'hihi', threshold: 4.5, severity: 'critical' }],
      escalationPolicyId: policy.id,
    });
    const bundle = provisioningBundleSchema.parse(
      await post(`/v1/gateways/${plant.gatewayId}/provisioning-bundle`),
    );
    client = await connectGateway(bundle);
    const topic = telemetryTopic({
      tenantId: owner.tenantId,
      siteId: plant.siteId,
      gatewayId: plant.gatewayId,
    });
    const points = [{ d: 'plc-1', t: 'level', ts: Date.now() - 1000, v: 4.9, q: 'good' }];
    await client.publishAsync(topic, JSON.stringify({ v: 1, gw: plant.gatewayId, seq: 7, points }), {
      qos: 1,
    });

    const correlationId = `${plant.gatewayId}:7`;
    const path = await until(
      'the page sent and the batch stored',
      async () => {
        const mine = lines.filter((line) => line.correlationId === correlationId);
        // The page may go out before ingest logs its batch as stored (both follow the evaluation).
        const messages = new Set(mine.map((line) => line.message));
        return messages.has('message sent') && messages.has('telemetry batch stored') ? mine : undefined;
      },
      15_000,
      50,
    );
    expect(path.map((line) => line.message)).toEqual(
      expect.arrayContaining([
        'telemetry batch stored',
        'alarm events recorded',
        'escalation start delivered',
        'message sent',
      ]),
    );
    expect(path.find((line) => line.message === 'message sent')).toMatchObject({
      tenantId: owner.tenantId,
      channel: 'sms',
    });
  });
});
