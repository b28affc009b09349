// Alarm rules and alarms through the HTTP API on the local runtime: CRUD, site and tenant scoping,
// the current alarms and acknowledgement.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi } from './testing/harness.ts';

const hiLimit = {
  kind: 'limit',
  name: 'Wet well level',
  levels: [
    { level: 'hihi', threshold: 4.5, severity: 'critical' },
    { level: 'hi', threshold: 4, severity: 'high', name: 'Wet well high' },
  ],
};

describe('alarm rules and alarms API', () => {
  let api: TestApi;
  let token: string;
  let plant: { siteId: string; gatewayId: string; deviceId: string; tagId: string };

  beforeAll(async () => {
    api = await startTestApi();
    token = (await api.signUp('alarms')).token;
    const post = async (path: string, body: unknown) => (await api.call('POST', path, { token, body })).body;
    const site = await post('/v1/sites', { name: 'North works' });
    const gateway = await post('/v1/gateways', { siteId: site.id, name: 'gw-1' });
    const device = await post('/v1/devices', {
      gatewayId: gateway.id,
      key: 'plc-1',
      name: 'Lift station PLC',
      connection: { protocol: 'opcua', endpoint: 'opc.tcp://10.1.1.1:4840' },
    });
    const tag = await post('/v1/tags', {
      deviceId: device.id,
      key: 'level',
      name: 'Wet well level',
      address: { kind: 'opcua', nodeId: 'ns=1;s=Level' },
    });
    plant = { siteId: site.id, gatewayId: gateway.id, deviceId: device.id, tagId: tag.id };
  });
  afterAll(async () => {
    await api.close();
  });

  it('creates, reads, changes and deletes a limit rule, taking its site from the tag', async () => {
    const created = await api.call('POST', '/v1/alarm-rules', {
      token,
      body: { ...hiLimit, tagId: plant.tagId },
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      kind: 'limit',
      siteId: plant.siteId,
      tagId: plant.tagId,
      deadband: 0,
      enabled: true,
      escalationPolicyId: null,
    });
    const id = created.body.id;

    const changed = await api.call('PATCH', `/v1/alarm-rules/${id}`, { token, body: { deadband: 0.1 } });
    expect(changed.status).toBe(200);
    expect(changed.body).toMatchObject({ id, deadband: 0.1, levels: hiLimit.levels });

    // a field of another kind is refused, and the rule is left as it was
    const wrongKind = await api.call('PATCH', `/v1/alarm-rules/${id}`, { token, body: { afterSeconds: 30 } });
    expect(wrongKind.status).toBe(422);
    expect((await api.call('GET', `/v1/alarm-rules/${id}`, { token })).body).toEqual(changed.body);

    const listed = await api.call('GET', `/v1/alarm-rules?siteId=${plant.siteId}`, { token });
    expect(listed.body.alarmRules.map((r: { id: string }) => r.id)).toContain(id);

    expect((await api.call('DELETE', `/v1/alarm-rules/${id}`, { token })).status).toBe(204);
    expect((await api.call('GET', `/v1/alarm-rules/${id}`, { token })).status).toBe(404);
  });

  it('creates a device comm-loss rule that names the device and its gateway', async () => {
    const created = await api.call('POST', '/v1/alarm-rules', {
      token,
      body: {
        kind: 'commLoss',
        name: 'PLC silent',
        severity: 'high',
        afterSeconds: 60,
        scope: 'device',
        deviceId: plant.deviceId,
      },
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      tagId: null,
      siteId: plant.siteId,
      deviceId: plant.deviceId,
      gatewayId: plant.gatewayId,
    });
    const renamed = await api.call('PATCH', `/v1/alarm-rules/${created.body.id}`, {
      token,
      body: { name: 'PLC quiet' },
    });
    expect(renamed.body).toMatchObject({ name: 'PLC quiet', deviceId: plant.deviceId });
  });

  it('creates counter and totalizer rules and per-level settings, and names a bad window in a 400 or 422', async () => {
    const counter = await api.call('POST', '/v1/alarm-rules', {
      token,
      body: {
        kind: 'counter',
        tagId: plant.tagId,
        name: 'Starts',
        severity: 'medium',
        windowSeconds: 3600,
        threshold: 6,
      },
    });
    expect(counter.status).toBe(201);
    expect(counter.body).toMatchObject({ kind: 'counter', state: true, windowSeconds: 3600, threshold: 6 });
    const totalizer = await api.call('POST', '/v1/alarm-rules', {
      token,
      body: {
        kind: 'totalizer',
        tagId: plant.tagId,
        name: 'Volume',
        severity: 'low',
        input: 'ratePerHour',
        windowSeconds: 3600,
        threshold: 500,
      },
    });
    expect(totalizer.status).toBe(201);

    for (const windowSeconds of [59, 86_401]) {
      const refused = await api.call('POST', '/v1/alarm-rules', {
        token,
        body: {
          kind: 'counter',
          tagId: plant.tagId,
          name: 'Starts',
          severity: 'medium',
          windowSeconds,
          threshold: 6,
        },
      });
      expect(refused.status).toBe(400);
      expect(refused.body.error.details).toContainEqual({
        path: 'body.windowSeconds',
        message: expect.stringMatching(/at (least 60|most 86400) seconds/),
      });
    }
    // a patch is checked against the rule's kind once applied: the field is named too
    const patched = await api.call('PATCH', `/v1/alarm-rules/${counter.body.id}`, {
      token,
      body: { threshold: 2.5 },
    });
    expect(patched.status).toBe(422);
    expect(patched.body.error.details.field).toBe('threshold');

    const levels = [
      { level: 'hihi', threshold: 4.5, severity: 'critical', onDelayMs: 0 },
      { level: 'hi', threshold: 4, severity: 'high', deadband: 0.2, offDelayMs: 30_000 },
    ];
    const limit = await api.call('POST', '/v1/alarm-rules', {
      token,
      body: { ...hiLimit, tagId: plant.tagId, levels, deadband: 0.05 },
    });
    expect(limit.status).toBe(201);
    expect(limit.body.levels).toEqual(levels);
  });

  it('refuses a rule on a tag that does not exist with 404', async () => {
    const res = await api.call('POST', '/v1/alarm-rules', {
      token,
      body: { ...hiLimit, tagId: '00000000-0000-4000-8000-000000000000' },
    });
    expect({ status: res.status, code: res.body.error.code }).toEqual({ status: 404, code: 'not_found' });
  });

  it('lists a new rule as normal alarms, one per limit level, and acknowledging them records nothing', async () => {
    const rule = (
      await api.call('POST', '/v1/alarm-rules', { token, body: { ...hiLimit, tagId: plant.tagId } })
    ).body;
    const all = await api.call('GET', '/v1/alarms?status=all', { token });
    const ofRule = all.body.alarms.filter((a: { ruleId: string }) => a.ruleId === rule.id);
    expect(
      ofRule.map((a: { level: string; name: string; state: string }) => [a.level, a.name, a.state]),
    ).toEqual([
      ['hihi', 'Wet well level HiHi', 'normal'],
      ['hi', 'Wet well high', 'normal'],
    ]);
    expect(new Set(ofRule.map((a: { id: string }) => a.id)).size).toBe(2);
    const active = await api.call('GET', '/v1/alarms', { token });
    expect(active.body.alarms.filter((a: { ruleId: string }) => a.ruleId === rule.id)).toEqual([]);

    const ack = await api.call('POST', `/v1/alarms/${rule.id}/acknowledge`, { token, body: {} });
    expect(ack.status).toBe(200);
    expect(ack.body.events).toEqual([]);
    expect((await api.call('GET', `/v1/alarms/${rule.id}/events`, { token })).body).toEqual({ events: [] });
  });
});
