// Home layouts through the HTTP API on the local runtime (issue #6, ADR 0019): a user saves pins and
// reads them back in order, bad pins are refused naming the entry, pins outside the user's sites or of
// deleted tags drop out, a derived tag is pinned like a tag, a deleted user's layout goes with them,
// and each user sees only their own.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi } from './testing/harness.ts';

describe('home layout API', () => {
  let api: TestApi;
  let owner: { token: string };
  const tagIds: Record<'north' | 'south' | 'spare', string> = { north: '', south: '', spare: '' };
  const siteIds: Record<'north' | 'south', string> = { north: '', south: '' };

  const layout = (token: string) => api.call('GET', '/v1/me/layout', { token });
  const save = (token: string, pins: unknown[]) =>
    api.call('PUT', '/v1/me/layout', { token, body: { pins } });
  const invite = async (role: string, sites: string[] | null) => {
    const email = `${role}-${Date.now()}-${Math.random()}@example.com`;
    const invited = await api.call('POST', '/v1/users', {
      token: owner.token,
      body: { email, name: role, role, ...(sites ? { siteIds: sites } : {}) },
    });
    const session = await api.call('POST', '/v1/auth/accept-invite', {
      body: { token: invited.body.inviteToken, password: `${role} password 123` },
    });
    return { token: session.body.token as string, userId: invited.body.user.id as string };
  };

  beforeAll(async () => {
    api = await startTestApi();
    owner = await api.signUp('layout');
    for (const name of ['north', 'south'] as const) {
      const site = await api.call('POST', '/v1/sites', { token: owner.token, body: { name } });
      siteIds[name] = site.body.id;
      const gateway = await api.call('POST', '/v1/gateways', {
        token: owner.token,
        body: { siteId: site.body.id, name: `${name} gw` },
      });
      const device = await api.call('POST', '/v1/devices', {
        token: owner.token,
        body: {
          gatewayId: gateway.body.id,
          key: 'plc',
          name: 'PLC',
          connection: { protocol: 'opcua', endpoint: 'opc.tcp://10.1.1.1:4840' },
        },
      });
      const keys = name === 'north' ? ['level', 'spare'] : ['flow'];
      for (const key of keys) {
        const tag = await api.call('POST', '/v1/tags', {
          token: owner.token,
          body: {
            deviceId: device.body.id,
            key,
            name: `${name} ${key}`,
            unit: 'm',
            address: { kind: 'opcua', nodeId: `ns=1;s=${key}` },
          },
        });
        expect(tag.status).toBe(201);
        if (key === 'spare') tagIds.spare = tag.body.id;
        else tagIds[name] = tag.body.id;
      }
    }
  }, 60_000);
  afterAll(async () => {
    await api.close();
  });

  it('starts empty, then keeps the saved pins in order with the tags they name', async () => {
    const viewer = await invite('viewer', null);
    expect((await layout(viewer.token)).body).toEqual({ pins: [], tags: [], updatedAt: null });
    const pins = [
      { kind: 'chart', tagIds: [tagIds.south, tagIds.north], range: '24h' },
      { kind: 'tag', tagId: tagIds.north },
    ];
    const saved = await save(viewer.token, pins);
    expect(saved.status).toBe(200);
    expect(saved.body.pins).toEqual(pins);
    const read = await layout(viewer.token);
    expect(read.body).toEqual(saved.body);
    expect(read.body.tags.map((t: { name: string }) => t.name).sort()).toEqual(['north level', 'south flow']);
    expect(read.body.tags.find((t: { id: string }) => t.id === tagIds.south)).toMatchObject({
      siteId: siteIds.south,
      unit: 'm',
    });
    // Another user of the same tenant has their own (empty) layout.
    expect((await layout(owner.token)).body.pins).toEqual([]);
  });

  it.each([
    [
      'a tag pinned twice',
      () => [
        { kind: 'tag', tagId: tagIds.north },
        { kind: 'tag', tagId: tagIds.north },
      ],
      422,
      'pins.1',
    ],
    [
      'an unknown tag in a chart',
      () => [{ kind: 'chart', tagIds: [tagIds.north, '00000000-0000-4000-8000-000000000000'], range: '1h' }],
      422,
      'pins.0.tagIds.1',
    ],
    ['a chart with no tags', () => [{ kind: 'chart', tagIds: [], range: '1h' }], 400, 'pins.0.tagIds'],
    [
      'a chart of nine tags',
      () => [{ kind: 'chart', tagIds: Array.from({ length: 9 }, () => crypto.randomUUID()), range: '1h' }],
      400,
      'pins.0.tagIds',
    ],
    [
      'a range the trend panel does not offer',
      () => [{ kind: 'chart', tagIds: [tagIds.north], range: '2d' }],
      400,
      'pins.0.range',
    ],
    [
      '25 pins',
      () => Array.from({ length: 25 }, () => ({ kind: 'chart', tagIds: [tagIds.north], range: '1h' })),
      400,
      'pins',
    ],
  ] as const)('refuses %s, naming the entry', async (_, pins, status, where) => {
    const res = await save(owner.token, pins());
    expect(res.status).toBe(status);
    expect(JSON.stringify(res.body.error)).toContain(where);
  });

  it('refuses a tag outside the user’s sites, and hides pins once a site is taken away', async () => {
    const scoped = await invite('operator', [siteIds.north]);
    const refused = await save(scoped.token, [{ kind: 'tag', tagId: tagIds.south }]);
    expect(refused.status).toBe(422);
    expect(refused.body.error.message).toContain(`pins.0.tagId: tag ${tagIds.south} not found`);

    // Pinned while the user could see both sites, then narrowed to north by an admin.
    const wide = await invite('viewer', null);
    await save(wide.token, [
      { kind: 'tag', tagId: tagIds.south },
      { kind: 'chart', tagIds: [tagIds.north, tagIds.south], range: '7d' },
    ]);
    const narrowed = await api.call('PATCH', `/v1/users/${wide.userId}`, {
      token: owner.token,
      body: { siteIds: [siteIds.north] },
    });
    expect(narrowed.status).toBe(200);
    const read = await layout(wide.token);
    expect(read.body.pins).toEqual([{ kind: 'chart', tagIds: [tagIds.north], range: '7d' }]);
    expect(read.body.tags.map((t: { id: string }) => t.id)).toEqual([tagIds.north]);
  });

  it('leaves a deleted tag out of the layout, and deletes the layout with its user', async () => {
    const user = await invite('engineer', null);
    await save(user.token, [
      { kind: 'tag', tagId: tagIds.spare },
      { kind: 'chart', tagIds: [tagIds.spare], range: '15m' },
      { kind: 'tag', tagId: tagIds.north },
    ]);
    expect((await api.call('DELETE', `/v1/tags/${tagIds.spare}`, { token: owner.token })).status).toBe(204);
    expect((await layout(user.token)).body.pins).toEqual([{ kind: 'tag', tagId: tagIds.north }]);

    expect((await api.call('DELETE', `/v1/users/${user.userId}`, { token: owner.token })).status).toBe(204);
    const rows = await api.runtime.store.inTenant(
      (await api.call('GET', '/v1/me', { token: owner.token })).body.tenant.id,
      (repos) => repos.homeLayouts.get(user.userId),
    );
    expect(rows).toBeNull();
  });

  it('pins a chart with a derived tag of a site like a tag, and refuses it to a user of another site', async () => {
    const derived = await api.call('POST', '/v1/derived-tags', {
      token: owner.token,
      body: {
        siteId: siteIds.north,
        key: 'level_cm',
        name: 'Level in cm',
        // biome-ignore lint/suspicious/noTemplateCurlyInString: a formula's reference, not a template
        formula: '${plc:level} * 100',
        unit: 'cm',
      },
    });
    expect(derived.status).toBe(201);
    const viewer = await invite('viewer', null);
    const pins = [{ kind: 'chart', tagIds: [tagIds.north, derived.body.id], range: '24h' }];
    const saved = await save(viewer.token, pins);
    expect(saved.status).toBe(200);
    const read = await layout(viewer.token);
    expect(read.body.pins).toEqual(pins);
    expect(read.body.tags.find((t: { id: string }) => t.id === derived.body.id)).toMatchObject({
      name: 'Level in cm',
      unit: 'cm',
      siteId: siteIds.north,
    });

    const south = await invite('operator', [siteIds.south]);
    const refused = await save(south.token, [{ kind: 'chart', tagIds: [derived.body.id], range: '1h' }]);
    expect(refused.status).toBe(422);
    expect(refused.body.error.message).toContain(`pins.0.tagIds.0: tag ${derived.body.id} not found`);
  });

  it('gives an API key no layout of its own', async () => {
    const key = await api.call('POST', '/v1/api-keys', {
      token: owner.token,
      body: { name: 'k', role: 'viewer' },
    });
    const res = await layout(key.body.secret);
    expect({ status: res.status, code: res.body.error.code }).toEqual({ status: 403, code: 'forbidden' });
  });
});
