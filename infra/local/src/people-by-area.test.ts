// People and paging by area (issue 21 item 4, ADR 0042) in the local runtime: an operator limited to
// the demo's Inlet works sees only its alarms, rules and assets, and is paged only for them; the area's
// escalation policy pages for alarms under it; the page names the asset path; bad and foreign ids are
// refused naming the field.
import { createAlarmEvaluator } from '@plantwatch/functions/alarms/evaluator';
import { resolveForAlarms } from '@plantwatch/functions/alarms/testing';
import { systemClock } from '@plantwatch/functions/platform/clock';
import type { TelemetryPointRecord } from '@plantwatch/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_OPERATOR_EMAIL, seedDemoAreas } from './demo-areas.ts';
import { DEMO_POLICY_NAME, demoContacts } from './demo-escalation.ts';
import { startTestApi, type TestApi, until } from './testing/harness.ts';

const OLGA_SMS = '+447700900201';
const MANAGER_SMS = '+447700900202';

interface Named {
  id: string;
  name: string;
}

describe('people and paging by area', () => {
  let api: TestApi;
  let owner: string;
  let tenantId: string;
  let siteId: string;
  let gatewayId: string;
  const ids = {
    works: '',
    pump: '',
    screening: '',
    olgaUser: '',
    olgaContact: '',
    managerContact: '',
    policy: '',
    motorRule: '',
    screenRule: '',
    screenTag: '',
  };
  let olgaToken = '';

  beforeAll(async () => {
    api = await startTestApi({ seedDemo: true, escalationWaitMs: 400 });
    const demo = api.runtime.demo;
    if (!demo?.password) throw new Error('the demo tenant was not seeded');
    tenantId = demo.tenantId;
    owner = (
      await api.call('POST', '/v1/auth/login', { body: { email: demo.email, password: demo.password } })
    ).body.token;
    siteId = (await api.call('GET', '/v1/sites', { token: owner })).body.sites[0].id;
    gatewayId = (await api.call('GET', '/v1/gateways', { token: owner })).body.gateways[0].id;
    const tree = (await api.call('GET', `/v1/sites/${siteId}/asset-tree`, { token: owner })).body;
    ids.works = tree.assets[0].id;
    ids.pump = tree.assets[0].children[0].children[0].id;

    // a second area of the site, outside Inlet works: the screens, on a PLC of their own
    const device = (
      await api.call('POST', '/v1/devices', {
        token: owner,
        body: {
          gatewayId,
          key: 'plc-9',
          name: 'Screens',
          connection: { protocol: 'opcua', endpoint: 'opc.tcp://127.0.0.1:4999/screens' },
        },
      })
    ).body;
    const screenTag = (
      await api.call('POST', '/v1/tags', {
        token: owner,
        body: {
          deviceId: device.id,
          key: 'screen_dp',
          name: 'Screen dP',
          address: { kind: 'opcua', nodeId: 'ns=1;s=dp' },
        },
      })
    ).body;
    ids.screenTag = screenTag.id;
    ids.screening = (
      await api.call('POST', '/v1/assets', {
        token: owner,
        body: {
          siteId,
          name: 'Screening',
          level: 'area',
          measurements: [{ name: 'dP', tagId: screenTag.id }],
        },
      })
    ).body.id;

    const contact = async (name: string, address: string) =>
      (
        await api.call('POST', '/v1/contacts', {
          token: owner,
          body: { name, channels: [{ type: 'sms', address }] },
        })
      ).body.id as string;
    ids.olgaContact = await contact('Olga Operator', OLGA_SMS);
    ids.managerContact = await contact('Mo Manager', MANAGER_SMS);
    ids.policy = (
      await api.call('POST', '/v1/escalation-policies', {
        token: owner,
        body: {
          name: 'Whole site on call',
          repeat: 0,
          levels: [
            {
              delayMinutes: 0,
              targets: [
                { type: 'contact', contactId: ids.olgaContact },
                { type: 'contact', contactId: ids.managerContact },
              ],
            },
          ],
        },
      })
    ).body.id;
    const demoPolicy = (
      await api.call('GET', '/v1/escalation-policies', { token: owner })
    ).body.escalationPolicies.find((p: Named) => p.name === DEMO_POLICY_NAME);
    const tags = (await api.call('GET', '/v1/tags', { token: owner })).body.tags as (Named & {
      key: string;
    })[];
    const rule = async (tagId: string, name: string, escalationPolicyId: string) =>
      (
        await api.call('POST', '/v1/alarm-rules', {
          token: owner,
          body: {
            kind: 'comparison',
            tagId,
            name,
            severity: 'medium',
            op: '>',
            value: 45,
            escalationPolicyId,
          },
        })
      ).body.id as string;
    // the motor's rule names the demo policy: the area's policy, attached below, pages instead
    ids.motorRule = await rule(
      tags.find((t) => t.key === 'motor_current')?.id ?? '',
      'Motor current high',
      demoPolicy.id,
    );
    ids.screenRule = await rule(screenTag.id, 'Screen differential high', ids.policy);

    const invited = (
      await api.call('POST', '/v1/users', {
        token: owner,
        body: { email: 'olga@example.com', name: 'Olga Operator', role: 'operator', siteIds: [] },
      })
    ).body;
    ids.olgaUser = invited.user.id;
    const accepted = await api.call('POST', '/v1/auth/accept-invite', {
      body: { token: invited.inviteToken, password: 'cobalt lantern meadow olga' },
    });
    expect(accepted.status).toBe(200);
    olgaToken = accepted.body.token;
  }, 180_000);
  afterAll(async () => {
    await api?.close();
  });

  it("seeds the demo's shift operator limited to Inlet works and linked to his contact, once", async () => {
    const demo = api.runtime.demo;
    const login = await api.call('POST', '/v1/auth/login', {
      body: { email: DEMO_OPERATOR_EMAIL, password: demo?.password },
    });
    expect(login.status).toBe(200);
    const users = (await api.call('GET', '/v1/users', { token: owner })).body.users;
    const sam = users.find((u: { email: string }) => u.email === DEMO_OPERATOR_EMAIL);
    const contacts = (await api.call('GET', '/v1/contacts', { token: owner })).body.contacts as Named[];
    expect(sam).toMatchObject({ role: 'operator', siteIds: [], assetIds: [ids.works] });
    expect(contacts.find((c) => c.id === sam.contactId)?.name).toBe(demoContacts.operator.name);
    const tree = (await api.call('GET', `/v1/sites/${siteId}/asset-tree`, { token: login.body.token })).body;
    expect(tree.assets.map((n: Named) => n.name)).toEqual(['Inlet works']);
    expect(await seedDemoAreas(api.runtime.deps, tenantId, demo?.password ?? '')).toEqual({ created: false });
  });

  it('limits a user to areas through the user route, refusing what cannot be', async () => {
    const patch = (body: unknown, token = owner) =>
      api.call('PATCH', `/v1/users/${ids.olgaUser}`, { token, body });
    const engineer = await patch({ role: 'engineer', assetIds: [ids.works] });
    expect(engineer.status).toBe(422);
    expect(engineer.body.error.details.field).toBe('assetIds');
    const everySite = await patch({ siteIds: null, assetIds: [ids.works] });
    expect(everySite.status).toBe(422);
    expect(everySite.body.error.details.field).toBe('siteIds');
    const wholeAlready = await patch({ siteIds: [siteId], assetIds: [ids.works] });
    expect(wholeAlready.status).toBe(422);
    expect(wholeAlready.body.error.details.field).toBe('assetIds.0');
    const unknown = await patch({ assetIds: [ids.works, '00000000-0000-4000-8000-000000000000'] });
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.message).toBe('assetIds.1: asset not found');

    const limited = await patch({ assetIds: [ids.works], contactId: ids.olgaContact });
    expect(limited.status).toBe(200);
    expect(limited.body).toMatchObject({ siteIds: [], assetIds: [ids.works], contactId: ids.olgaContact });
    const listed = (await api.call('GET', '/v1/users', { token: owner })).body.users.find(
      (u: Named) => u.id === ids.olgaUser,
    );
    expect(listed).toMatchObject({ assetIds: [ids.works], contactId: ids.olgaContact });
    // limited to areas, she cannot become an engineer without giving them up
    const promoted = await patch({ role: 'engineer' });
    expect(promoted.status).toBe(422);
    expect(promoted.body.error.details.field).toBe('role');
  });

  it("refuses another tenant's assets and contacts, naming the field", async () => {
    const b = await api.signUp('area-tenant-b');
    const viewer = (
      await api.call('POST', '/v1/users', {
        token: b.token,
        body: { email: 'vic@example.com', name: 'Vic', role: 'viewer', siteIds: [] },
      })
    ).body.user;
    const foreignAsset = await api.call('PATCH', `/v1/users/${viewer.id}`, {
      token: b.token,
      body: { assetIds: [ids.works] },
    });
    expect(foreignAsset.status).toBe(404);
    expect(foreignAsset.body.error.message).toBe('assetIds.0: asset not found');
    const foreignContact = await api.call('PATCH', `/v1/users/${viewer.id}`, {
      token: b.token,
      body: { contactId: ids.olgaContact },
    });
    expect(foreignContact.status).toBe(404);
    expect(foreignContact.body.error.message).toBe('contactId: contact not found');
    const foreignPolicy = await api.call('PUT', `/v1/assets/${ids.works}/escalation-policy`, {
      token: b.token,
      body: { escalationPolicyId: ids.policy },
    });
    expect(foreignPolicy.status).toBe(404);
  });

  it('attaches a policy to an area, inherited below it, and refuses deleting that policy', async () => {
    const set = await api.call('PUT', `/v1/assets/${ids.works}/escalation-policy`, {
      token: owner,
      body: { escalationPolicyId: ids.policy },
    });
    expect(set.status).toBe(200);
    expect(set.body).toEqual({
      assetId: ids.works,
      escalationPolicyId: ids.policy,
      effective: { escalationPolicyId: ids.policy, fromAssetId: ids.works },
    });
    const below = (await api.call('GET', `/v1/assets/${ids.pump}/escalation-policy`, { token: owner })).body;
    expect(below).toEqual({
      assetId: ids.pump,
      escalationPolicyId: null,
      effective: { escalationPolicyId: ids.policy, fromAssetId: ids.works },
    });
    const unknown = await api.call('PUT', `/v1/assets/${ids.works}/escalation-policy`, {
      token: owner,
      body: { escalationPolicyId: '00000000-0000-4000-8000-000000000000' },
    });
    expect(unknown.status).toBe(422);
    expect(unknown.body.error.details.field).toBe('escalationPolicyId');
    const removed = await api.call('DELETE', `/v1/escalation-policies/${ids.policy}`, { token: owner });
    expect(removed.status).toBe(409);
    expect(removed.body.error.message).toContain('area "Inlet works"');
  });

  it('shows the operator only her area, and pages her only for it, naming the asset path', {
    timeout: 120_000,
  }, async () => {
    const evaluator = createAlarmEvaluator({
      store: api.runtime.store,
      ids: api.runtime.deps.ids,
      clock: systemClock,
      dispatcher: api.runtime.deps.dispatcher,
    });
    const point = (deviceKey: string, tagKey: string, value: number): TelemetryPointRecord => ({
      tenantId,
      siteId,
      gatewayId,
      deviceKey,
      tagKey,
      ts: Date.now() - 1000,
      value,
      quality: 'good',
    });
    // the screens first: their policy names Olga too, but she is not paged for an area not hers
    await evaluator.evaluate({
      tenantId,
      siteId,
      gatewayId,
      points: await resolveForAlarms(api.runtime.store, [point('plc-9', 'screen_dp', 80)]),
    });
    const screenChain = await until(
      'the screens chain paged the manager',
      async () => {
        const { chains } = (
          await api.call('GET', `/v1/alarms/${ids.screenRule}/escalations`, { token: owner })
        ).body;
        return chains[0]?.pages.length > 0 && chains[0]?.run?.reason ? chains[0] : undefined;
      },
      15_000,
      50,
    );
    expect(screenChain.policyId).toBe(ids.policy);
    expect(screenChain.pages.map((p: { recipient: string }) => p.recipient)).toEqual([MANAGER_SMS]);
    expect(screenChain.run.reason).toContain('Olga Operator');
    expect(screenChain.run.reason).toContain(
      'not paged: Olga Operator is limited to areas this alarm is not in',
    );

    // the pump's motor: the area's policy pages (not the rule's demo policy), Olga among them
    await evaluator.evaluate({
      tenantId,
      siteId,
      gatewayId,
      points: await resolveForAlarms(api.runtime.store, [point('plc-2', 'motor_current', 60)]),
    });
    const motorChain = await until(
      'the motor chain paged Olga',
      async () => {
        const { chains } = (
          await api.call('GET', `/v1/alarms/${ids.motorRule}/escalations`, { token: owner })
        ).body;
        return chains[0]?.pages.some((p: { recipient: string }) => p.recipient === OLGA_SMS)
          ? chains[0]
          : undefined;
      },
      15_000,
      50,
    );
    expect(motorChain.policyId).toBe(ids.policy);
    const { notifications } = (await api.call('GET', '/v1/outbox', { token: owner })).body;
    const toOlga = notifications.filter((n: { recipient: string }) => n.recipient === OLGA_SMS);
    expect(toOlga).toHaveLength(1);
    expect(toOlga[0].body).toContain('Inlet works / Pumping / Pump 1');
    expect(toOlga[0].body).toContain('Motor current high');

    // what she sees: her area's alarms, rules and assets, nothing of the screens
    const mine = (await api.call('GET', '/v1/alarms', { token: olgaToken })).body.alarms as {
      ruleId: string;
    }[];
    const all = (await api.call('GET', '/v1/alarms', { token: owner })).body.alarms as { ruleId: string }[];
    expect(mine.map((a) => a.ruleId)).toContain(ids.motorRule);
    expect(mine.map((a) => a.ruleId)).not.toContain(ids.screenRule);
    expect(all.map((a) => a.ruleId)).toContain(ids.screenRule);
    const summary = (await api.call('GET', '/v1/alarms/summary', { token: olgaToken })).body;
    const ownerSummary = (await api.call('GET', '/v1/alarms/summary', { token: owner })).body;
    expect(ownerSummary.total - summary.total).toBe(1);
    const rules = (await api.call('GET', '/v1/alarm-rules', { token: olgaToken })).body.alarmRules as Named[];
    expect(rules.map((r) => r.id)).toContain(ids.motorRule);
    expect(rules.map((r) => r.id)).not.toContain(ids.screenRule);
    const tree = (await api.call('GET', `/v1/sites/${siteId}/asset-tree`, { token: olgaToken })).body;
    expect(tree.assets.map((n: Named) => n.name)).toEqual(['Inlet works']);
    const ownerTree = (await api.call('GET', `/v1/sites/${siteId}/asset-tree`, { token: owner })).body;
    expect(ownerTree.assets.map((n: Named) => n.name)).toEqual(['Inlet works', 'Screening']);
    for (const path of [
      `/v1/assets/${ids.screening}`,
      `/v1/alarm-rules/${ids.screenRule}`,
      `/v1/alarms/${ids.screenRule}/escalations`,
    ]) {
      expect((await api.call('GET', path, { token: olgaToken })).status, path).toBe(404);
    }
    expect((await api.call('GET', `/v1/assets/${ids.pump}`, { token: olgaToken })).status).toBe(200);
    const ack = await api.call('POST', `/v1/alarms/${ids.screenRule}/acknowledge`, {
      token: olgaToken,
      body: {},
    });
    expect(ack.status).toBe(404);
    const ownAck = await api.call('POST', `/v1/alarms/${ids.motorRule}/acknowledge`, {
      token: olgaToken,
      body: {},
    });
    expect(ownAck.status).toBe(200);
  });

  it("reads her area's live values, trends and export, and none of another area's (404)", async () => {
    const motorTag = (await api.call('GET', '/v1/tags', { token: owner })).body.tags.find(
      (t: { key: string }) => t.key === 'motor_current',
    ).id as string;
    const ts = Date.now() - 2000;
    const at = (deviceKey: string, tagKey: string, value: number): TelemetryPointRecord => ({
      tenantId,
      siteId,
      gatewayId,
      deviceKey,
      tagKey,
      ts,
      value,
      quality: 'good',
    });
    await api.runtime.telemetry.write([at('plc-9', 'screen_dp', 12), at('plc-2', 'motor_current', 31)]);
    const tagIdsOf = async (token: string) =>
      (await api.call('GET', `/v1/telemetry/latest?siteId=${siteId}`, { token })).body.values.map(
        (v: { tagId: string }) => v.tagId,
      ) as string[];
    const hers = await tagIdsOf(olgaToken);
    const all = await tagIdsOf(owner);
    expect(hers).toContain(motorTag);
    expect(hers).not.toContain(ids.screenTag);
    expect(all).toContain(ids.screenTag);
    expect(all.length).toBeGreaterThan(hers.length);
    const range = `from=${ts - 60_000}&to=${ts + 60_000}`;
    const ok = [
      `/v1/telemetry/latest?tagIds=${motorTag}`,
      `/v1/telemetry/series?tagIds=${motorTag}&${range}`,
      `/v1/telemetry/export?tagIds=${motorTag}&${range}`,
      `/v1/telemetry/export?assetId=${ids.pump}&${range}`,
    ];
    for (const path of ok) expect((await api.call('GET', path, { token: olgaToken })).status, path).toBe(200);
    const refused = [
      `/v1/telemetry/latest?tagIds=${ids.screenTag}`,
      `/v1/telemetry/latest?tagIds=${motorTag},${ids.screenTag}`,
      `/v1/telemetry/series?tagIds=${ids.screenTag}&${range}`,
      `/v1/telemetry/export?tagIds=${ids.screenTag}&${range}`,
      `/v1/telemetry/export?assetId=${ids.screening}&${range}`,
    ];
    for (const path of refused) {
      expect((await api.call('GET', path, { token: olgaToken })).status, path).toBe(404);
      expect((await api.call('GET', path, { token: owner })).status, path).toBe(200);
    }
    // the export of her pump holds its rows; the site's live stream opens with her tags only
    const csv = await fetch(`${api.runtime.apiUrl}/v1/telemetry/export?assetId=${ids.pump}&${range}`, {
      headers: { authorization: `Bearer ${olgaToken}` },
    });
    expect(await csv.text()).toContain(
      `,${motorTag},plc-2,motor_current,31,good,Inlet works / Pumping / Pump 1,`,
    );
    const controller = new AbortController();
    const stream = await fetch(`${api.runtime.apiUrl}/v1/telemetry/stream?siteId=${siteId}`, {
      headers: { authorization: `Bearer ${olgaToken}` },
      signal: controller.signal,
    });
    const reader = stream.body?.getReader();
    if (!reader) throw new Error('no body');
    let text = '';
    const values = () => text.split('\n\n').find((b) => b.includes('event: values') && b.includes('data:'));
    while (values() === undefined) {
      const { value, done } = await reader.read();
      if (done) break;
      text += new TextDecoder().decode(value);
    }
    controller.abort();
    const opened = JSON.parse(
      (values() ?? '')
        .split('\n')
        .filter((line) => line.startsWith('data:'))
        .map((line) => line.slice(5))
        .join(''),
    ).values.map((v: { tagId: string }) => v.tagId);
    expect(opened).toContain(motorTag);
    expect(opened).not.toContain(ids.screenTag);
  });
});
