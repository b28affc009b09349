// The demo tenant's asset hierarchy through the API: Inlet works / Pumping / Pump 1 with measurements
// from both demo PLCs, the pump model, a second pump made from it with its alarm rules, the tree's
// counts and the alarm list filtered by subtree, and the seed run again creating nothing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedDemoAssets } from './demo-assets.ts';
import { logInAsDemoOwner, startTestApi, type TestApi } from './testing/harness.ts';

describe('the demo asset hierarchy', () => {
  let api: TestApi;
  let token: string;
  let siteId: string;

  beforeAll(async () => {
    api = await startTestApi({ seedDemo: true });
    ({ token } = await logInAsDemoOwner(api));
    siteId = (await api.call('GET', '/v1/sites', { token })).body.sites[0].id;
  }, 60_000);
  afterAll(async () => {
    await api?.close();
  });

  it('has inlet works / pumping / pump 1, whose measurements come from both PLCs', async () => {
    const tree = (await api.call('GET', `/v1/sites/${siteId}/asset-tree`, { token })).body;
    expect(tree.assets.map((n: { name: string }) => n.name)).toEqual(['Inlet works']);
    const pumping = tree.assets[0].children[0];
    expect(pumping.name).toBe('Pumping');
    expect(pumping.children.map((n: { name: string }) => n.name)).toEqual(['Pump 1', 'Wet well']);

    const pumpId = pumping.children[0].id;
    const pump = (await api.call('GET', `/v1/assets/${pumpId}`, { token })).body;
    const tags = (await api.call('GET', '/v1/tags', { token })).body.tags as {
      id: string;
      key: string;
      deviceId: string;
    }[];
    const devices = (await api.call('GET', '/v1/devices', { token })).body.devices as {
      id: string;
      key: string;
    }[];
    const where = (tagId: string) => {
      const tag = tags.find((t) => t.id === tagId);
      return `${devices.find((d) => d.id === tag?.deviceId)?.key}/${tag?.key}`;
    };
    expect(pump.measurements.map((m: { name: string; tagId: string }) => [m.name, where(m.tagId)])).toEqual([
      ['Running', 'plc-1/pump_run'],
      ['Fault', 'plc-1/pump_fault'],
      ['Motor current', 'plc-2/motor_current'],
      ['Motor temperature', 'plc-2/motor_temp'],
    ]);
    expect(pump).toMatchObject({ make: 'Flygt', installDate: '2019-04-01', level: 'equipment' });
    const models = (await api.call('GET', '/v1/asset-models', { token })).body.assetModels;
    expect(models.map((m: { name: string }) => m.name)).toEqual(['Centrifugal pump']);
    expect(pump.assetModelId).toBe(models[0].id);

    expect(await seedDemoAssets(api.runtime.deps, api.runtime.demo?.tenantId ?? '')).toEqual({ created: 0 });
  });

  it('makes a second pump from the model with its rules, named by its path, and filters alarms by subtree', async () => {
    const gatewayId = (await api.call('GET', '/v1/gateways', { token })).body.gateways[0].id;
    const device = (
      await api.call('POST', '/v1/devices', {
        token,
        body: {
          gatewayId,
          key: 'plc-3',
          name: 'Pump 2 starter',
          connection: { protocol: 'opcua', endpoint: 'opc.tcp://127.0.0.1:4999/pump2' },
        },
      })
    ).body;
    for (const key of ['pump2_run', 'pump2_fault', 'pump2_current', 'pump2_temp']) {
      const created = await api.call('POST', '/v1/tags', {
        token,
        body: { deviceId: device.id, key, name: key, address: { kind: 'opcua', nodeId: `ns=1;s=${key}` } },
      });
      expect(created.status).toBe(201);
    }
    const tree = (await api.call('GET', `/v1/sites/${siteId}/asset-tree`, { token })).body;
    const pumping = tree.assets[0].children[0];
    const model = (await api.call('GET', '/v1/asset-models', { token })).body.assetModels[0];
    const made = await api.call('POST', `/v1/asset-models/${model.id}/assets`, {
      token,
      body: { siteId, parentId: pumping.id, name: 'Pump 2', key: 'pump2', serial: 'NP3153-0043' },
    });
    expect(made.status).toBe(201);
    expect(made.body.alarmRuleIds).toHaveLength(3);
    const rules = (await api.call('GET', `/v1/alarm-rules?siteId=${siteId}`, { token })).body.alarmRules;
    expect(
      rules
        .filter((r: { id: string }) => made.body.alarmRuleIds.includes(r.id))
        .map((r: { name: string }) => r.name)
        .sort(),
    ).toEqual([
      'Inlet works / Pumping / Pump 2: Motor current high',
      'Inlet works / Pumping / Pump 2: Motor hot',
      'Inlet works / Pumping / Pump 2: Tripped',
    ]);

    // no alarm of the demo's other rules leaks into Pump 2's list; an unknown asset is not found
    const filtered = await api.call('GET', `/v1/alarms?status=all&assetId=${made.body.asset.id}`, { token });
    expect(filtered.status).toBe(200);
    for (const alarm of filtered.body.alarms) expect(made.body.alarmRuleIds).toContain(alarm.ruleId);
    const unknown = await api.call('GET', `/v1/alarms?assetId=${model.id}`, { token });
    expect({ status: unknown.status, message: unknown.body.error.message }).toEqual({
      status: 404,
      message: 'asset not found',
    });
    const bad = await api.call('GET', '/v1/alarms?assetId=nope', { token });
    expect(bad.status).toBe(400);

    // the pumping line cannot be deleted while Pump 2's rules use it; the refusal names them
    const refused = await api.call('DELETE', `/v1/assets/${pumping.id}`, { token });
    expect(refused.status).toBe(409);
    expect(refused.body.error.message).toContain('"Inlet works / Pumping / Pump 2: Tripped"');
    expect((await api.call('GET', `/v1/sites/${siteId}/assets`, { token })).body.assets).toHaveLength(5);
  });
});
