// A flood on the local runtime, end to end: a gateway publishes one batch in which three tags of one
// site cross their limits; the escalation chains (the shared ASL in process) page the operator once
// at once, hold the other two pages, and the runtime's timer sends one digest listing them when the
// tenant's flood window closes; a signed SMS reply to the digest acknowledges both of its alarms.
import { twilioSignature } from '@plantwatch/functions/notify/adapters/twilio';
import { provisioningBundleSchema, telemetryTopic } from '@plantwatch/shared';
import { afterAll, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi, until } from './testing/harness.ts';
import { connectGateway } from './testing/mqtt.ts';
import { addPlantOverApi, liftStation, tagIdOf } from './testing/plant.ts';

const OPERATOR = '+447700900555';
const WINDOW_SECONDS = 2;

interface OutboxRow {
  id: string;
  body: string;
  status: string;
  purpose: string;
  alarmIds: string[];
  digestId: string | null;
  recipient: string;
  flushAt: string | null;
  createdAt: string;
}

describe('flood window on the local runtime', () => {
  let api: TestApi;
  afterAll(async () => {
    await api?.close();
  });

  it('pages the first alarm of a site at once and the others in one digest when the window closes; one reply acknowledges the digest', {
    timeout: 90_000,
  }, async () => {
    api = await startTestApi({});
    const owner = await api.signUp('flood');
    const { token, tenantId } = owner;
    const post = async (path: string, body?: unknown) => {
      const res = await api.call('POST', path, { token, body });
      if (res.status >= 300) throw new Error(`${path}: ${res.status} ${JSON.stringify(res.body)}`);
      return res.body;
    };
    const put = await api.call('PUT', '/v1/settings/notifications', {
      token,
      body: { smsProvider: 'twilio', floodWindowSeconds: WINDOW_SECONDS },
    });
    expect(put.body.floodWindowSeconds).toBe(WINDOW_SECONDS);
    const plant = await addPlantOverApi(api, token, {
      ...liftStation,
      tags: [
        { key: 'level', name: 'Wet well level', unit: 'm' },
        { key: 'inflow', name: 'Inflow', unit: 'm3/h' },
        { key: 'temp', name: 'Motor temperature', unit: 'degC' },
      ],
    });
    const operator = await post('/v1/contacts', {
      name: 'Operator',
      channels: [{ type: 'sms', address: OPERATOR }],
    });
    const policy = await post('/v1/escalation-policies', {
      name: 'Operator',
      levels: [{ delayMinutes: 0, targets: [{ type: 'contact', contactId: operator.id }] }],
    });
    const rules: Record<string, string> = {};
    for (const [key, name, threshold] of [
      ['level', 'Wet well high', 4.5],
      ['inflow', 'Inflow high', 300],
      ['temp', 'Motor hot', 90],
    ] as const) {
      const rule = await post('/v1/alarm-rules', {
        kind: 'limit',
        tagId: tagIdOf(plant, key),
        name,
        levels: [{ level: 'hi', threshold, severity: 'high' }],
        escalationPolicyId: policy.id,
      });
      rules[key] = rule.id;
    }
    const bundle = provisioningBundleSchema.parse(
      await post(`/v1/gateways/${plant.gatewayId}/provisioning-bundle`),
    );
    const client = await connectGateway(bundle);
    try {
      const topic = telemetryTopic({ tenantId, siteId: plant.siteId, gatewayId: plant.gatewayId });
      const ts = Date.now() - 5_000;
      const point = (t: string, v: number, at: number) => ({ d: 'plc-1', t, ts: at, v, q: 'good' });
      await client.publishAsync(
        topic,
        JSON.stringify({
          v: 1,
          gw: plant.gatewayId,
          seq: 1,
          points: [point('level', 4.9, ts), point('inflow', 350, ts), point('temp', 95.5, ts)],
        }),
        { qos: 1 },
      );

      const outbox = async () =>
        (await api.call('GET', `/v1/outbox?contactId=${operator.id}`, { token })).body
          .notifications as OutboxRow[];
      const before = await until(
        'one page sent and two held',
        async () => {
          const rows = await outbox();
          const sent = rows.filter((r) => r.status === 'sent');
          const held = rows.filter((r) => r.status === 'held');
          return sent.length === 1 && held.length === 2 ? { sent, held } : undefined;
        },
        20_000,
      );
      const first = before.sent[0];
      expect(first?.body).toMatch(/^HIGH alarm at Lift station: .+\. Reply OK to acknowledge\.$/);
      expect(before.held.every((r) => r.flushAt !== null)).toBe(true);

      const digest = await until(
        'the digest',
        async () => (await outbox()).find((r) => r.purpose === 'digest' && r.status === 'sent'),
        15_000,
      );
      expect(digest.body).toMatch(/^2 alarms at Lift station: HIGH .+; HIGH .+\. Reply OK to ack all\.$/);
      expect(digest.alarmIds).toHaveLength(2);
      const grouped = (await outbox()).filter((r) => r.status === 'grouped');
      expect(grouped.map((r) => r.digestId)).toEqual([digest.id, digest.id]);
      const late = Date.parse(digest.createdAt) - Date.parse(before.held[0]?.flushAt ?? '');
      expect(late).toBeGreaterThanOrEqual(0);

      const path = `/v1/webhooks/twilio/${tenantId}/sms`;
      const params: [string, string][] = [
        ['From', OPERATOR],
        ['Body', 'ok'],
      ];
      const { twilioAuthToken } = await api.runtime.deps.notify.secrets.get(tenantId);
      const url = `${api.runtime.apiUrl}${path}`;
      const reply = await fetch(url, {
        method: 'POST',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          'x-twilio-signature': twilioSignature(twilioAuthToken ?? '', url, params),
        },
        body: new URLSearchParams(params).toString(),
      });
      expect(await reply.text()).toMatch(/<Message>Acknowledged: .+ and .+\. Thank you\.<\/Message>/);
      const alarms = (await api.call('GET', '/v1/alarms?status=all', { token })).body.alarms as {
        id: string;
        state: string;
      }[];
      const states = Object.fromEntries(alarms.map((a) => [a.id, a.state]));
      expect(digest.alarmIds.map((id) => states[id])).toEqual(['active-acked', 'active-acked']);
      expect(first?.alarmIds.map((id) => states[id])).toEqual(['active-unacked']);
    } finally {
      await client.endAsync();
    }
  });
});
