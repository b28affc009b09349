// HTTP push on the local runtime (real HTTP on 127.0.0.1): device keys shown once and revocable, readings
// through the same ingest as MQTT (stored, a retry a replay, an unknown tag dead-lettered), the body
// checked naming the field, a key never reaching another tenant, and a per-device rate limit.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi } from './testing/harness.ts';

describe('HTTP push', () => {
  let api: TestApi;
  let token: string;
  let siteId: string;
  let gatewayId: string;
  let deviceId: string;
  let key: string;

  const push = (body: unknown, withKey = key) =>
    api.call('POST', '/v1/ingest/http', { body, headers: { authorization: `Bearer ${withKey}` } });

  beforeAll(async () => {
    api = await startTestApi();
    token = (await api.signUp('http-push')).token;
    siteId = (await api.call('POST', '/v1/sites', { token, body: { name: 'Borehole 4' } })).body.id;
    gatewayId = (await api.call('POST', '/v1/gateways', { token, body: { siteId, name: 'gw-b4' } })).body.id;
    const device = await api.call('POST', '/v1/devices', {
      token,
      body: { gatewayId, key: 'esp-1', name: 'Tank sensor', connection: { protocol: 'http-push' } },
    });
    expect(device.status).toBe(201);
    deviceId = device.body.id;
    for (const tag of ['level', 'pump']) {
      const created = await api.call('POST', '/v1/tags', {
        token,
        body: { deviceId, key: tag, name: tag, address: { kind: 'http' } },
      });
      expect(created.status).toBe(201);
    }
    const created = await api.call('POST', `/v1/devices/${deviceId}/keys`, {
      token,
      body: { name: 'field unit' },
    });
    expect(created.status).toBe(201);
    key = created.body.key;
  });

  afterAll(async () => {
    await api?.close();
  });

  it('shows a key once, lists it without the key, and stores readings pushed with it', async () => {
    expect(key).toMatch(/^pwh_[0-9a-f-]{36}\.[0-9a-f-]{36}\.[A-Za-z0-9_-]{43}$/);
    const list = await api.call('GET', `/v1/devices/${deviceId}/keys`, { token });
    expect(list.body.keys).toHaveLength(1);
    expect(JSON.stringify(list.body)).not.toContain(key.split('.')[2]);
    expect(list.body.keys[0]).toMatchObject({ name: 'field unit', revokedAt: null });

    const ts = Date.now() - 5000;
    const stored = await push({
      seq: 1,
      readings: [
        { tag: 'level', v: 2.75, ts },
        { tag: 'pump', v: true, ts },
      ],
    });
    expect(stored).toMatchObject({ status: 200, body: { status: 'stored', written: 2 } });
    const latest = await api.call('GET', `/v1/telemetry/latest?siteId=${siteId}`, { token });
    const level = latest.body.values.find((v: { tagKey: string }) => v.tagKey === 'level');
    expect(level).toMatchObject({ deviceKey: 'esp-1', value: 2.75, quality: 'good', ts });

    // A retry of the same request is a replay, as a gateway's re-sent batch is.
    const again = await push({
      seq: 1,
      readings: [
        { tag: 'level', v: 2.75, ts },
        { tag: 'pump', v: true, ts },
      ],
    });
    expect(again).toMatchObject({ status: 200, body: { status: 'replay' } });
    const listed = await api.call('GET', `/v1/devices/${deviceId}/keys`, { token });
    expect(listed.body.keys[0].lastUsedAt).not.toBeNull();
  });

  it('dead-letters what ingest refuses, with the reason, and names the field of a malformed body', async () => {
    const unknown = await push({ seq: 2, readings: [{ tag: 'pressure', v: 1 }] });
    expect(unknown.status).toBe(422);
    expect(unknown.body.error.code).toBe('unknown_tag');
    const letters = await api.call('GET', `/v1/ingest/dead-letters?siteId=${siteId}&reason=unknown_tag`, {
      token,
    });
    expect(letters.body.total).toBeGreaterThanOrEqual(1);
    expect(letters.body.deadLetters[0].detail).toMatch(/pressure/);

    const malformed = await push({ readings: [{ tag: 'level', v: { nested: true } }] });
    expect(malformed.status).toBe(400);
    expect(JSON.stringify(malformed.body.error)).toContain('body.readings.0.v');
    const empty = await push({ readings: [] });
    expect(empty.status).toBe(400);
    expect(JSON.stringify(empty.body.error)).toContain('must hold at least one reading');
  });

  it('refuses a missing, forged, revoked or other tenant key, and keys for devices that do not push', async () => {
    expect(
      (await api.call('POST', '/v1/ingest/http', { body: { readings: [{ tag: 'level', v: 1 }] } })).status,
    ).toBe(401);
    const [prefix, keyId, secret] = key.split('.');
    expect(
      (await push({ readings: [{ tag: 'level', v: 1 }] }, `${prefix}.${keyId}.${'A'.repeat(43)}`)).status,
    ).toBe(401);
    expect(secret).toHaveLength(43);

    // Tenant B's own key, with tenant A's id put in front: never found, since keys are looked up in their tenant.
    const b = await api.signUp('http-push-b');
    const bSite = (await api.call('POST', '/v1/sites', { token: b.token, body: { name: 'B site' } })).body.id;
    const bGateway = (
      await api.call('POST', '/v1/gateways', { token: b.token, body: { siteId: bSite, name: 'gw' } })
    ).body.id;
    const bDevice = (
      await api.call('POST', '/v1/devices', {
        token: b.token,
        body: { gatewayId: bGateway, key: 'esp-1', name: 'B sensor', connection: { protocol: 'http-push' } },
      })
    ).body.id;
    const bKey = (await api.call('POST', `/v1/devices/${bDevice}/keys`, { token: b.token, body: {} })).body
      .key as string;
    const aTenant = (prefix ?? '').slice(4);
    const forged = `pwh_${aTenant}.${bKey.split('.').slice(1).join('.')}`;
    expect((await push({ readings: [{ tag: 'level', v: 1 }] }, forged)).status).toBe(401);

    const modbus = await api.call('POST', '/v1/devices', {
      token,
      body: {
        gatewayId,
        key: 'plc-9',
        name: 'PLC',
        connection: { protocol: 'modbus-tcp', host: '10.0.0.9' },
      },
    });
    const refused = await api.call('POST', `/v1/devices/${modbus.body.id}/keys`, { token, body: {} });
    expect(refused.status).toBe(422);

    const second = (
      await api.call('POST', `/v1/devices/${deviceId}/keys`, { token, body: { name: 'spare' } })
    ).body;
    expect((await push({ readings: [{ tag: 'level', v: 3 }] }, second.key)).status).toBe(200);
    expect((await api.call('DELETE', `/v1/devices/${deviceId}/keys/${second.id}`, { token })).status).toBe(
      204,
    );
    expect((await push({ readings: [{ tag: 'level', v: 3 }] }, second.key)).status).toBe(401);
    const keys = (await api.call('GET', `/v1/devices/${deviceId}/keys`, { token })).body.keys;
    expect(keys.find((k: { id: string }) => k.id === second.id).revokedAt).not.toBeNull();
  });

  it('limits each device on its own: 429 with Retry-After, while another device goes on', async () => {
    const other = (
      await api.call('POST', '/v1/devices', {
        token,
        body: { gatewayId, key: 'esp-2', name: 'Other sensor', connection: { protocol: 'http-push' } },
      })
    ).body.id;
    await api.call('POST', '/v1/tags', {
      token,
      body: { deviceId: other, key: 'level', name: 'level', address: { kind: 'http' } },
    });
    const otherKey = (await api.call('POST', `/v1/devices/${other}/keys`, { token, body: {} })).body.key;
    let limited: Awaited<ReturnType<typeof push>> | undefined;
    for (let i = 0; i < 40 && !limited; i++) {
      const res = await push({ seq: 100 + i, readings: [{ tag: 'level', v: i }] });
      if (res.status === 429) limited = res;
      else expect(res.status).toBe(200);
    }
    expect(limited?.body.error.code).toBe('rate_limited');
    expect(Number(limited?.headers.get('retry-after'))).toBeGreaterThan(0);
    expect((await push({ readings: [{ tag: 'level', v: 1 }] }, otherKey)).status).toBe(200);
  });

  it('keeps HTTP push devices out of the config pushed to the gateway', async () => {
    const versions = await api.call('GET', `/v1/gateways/${gatewayId}/config-versions`, { token });
    expect(versions.status).toBe(200);
    const newest = versions.body.versions[0].version;
    const detail = await api.call('GET', `/v1/gateways/${gatewayId}/config-versions/${newest}`, { token });
    expect(detail.status).toBe(200);
    expect(detail.body.config.devices.map((d: { id: string }) => d.id)).toEqual([]);
  });
});
