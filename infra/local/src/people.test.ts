// Contacts, on-call rotations and escalation policies through the HTTP API on the local runtime:
// CRUD, the reference checks (422 naming the bad entry), and deletes refused while still in use (409).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi } from './testing/harness.ts';

describe('contacts, on-call rotations and escalation policies API', () => {
  let api: TestApi;
  let token: string;
  const missing = '00000000-0000-4000-8000-000000000000';
  const post = (path: string, body: unknown) => api.call('POST', path, { token, body });
  const patch = (path: string, body: unknown) => api.call('PATCH', path, { token, body });
  const del = (path: string) => api.call('DELETE', path, { token });
  const get = (path: string) => api.call('GET', path, { token });
  const newContact = async (name: string) =>
    (
      await post('/v1/contacts', {
        name,
        channels: [
          { type: 'sms', address: '+447700900123' },
          { type: 'email', address: `${name.toLowerCase()}@Example.com` },
        ],
      })
    ).body;

  beforeAll(async () => {
    api = await startTestApi();
    token = (await api.signUp('people')).token;
  });
  afterAll(async () => {
    await api.close();
  });

  it('creates, reads, changes and deletes a contact, keeping the channel order', async () => {
    const created = await post('/v1/contacts', {
      name: 'Ana Operator',
      channels: [
        { type: 'voice', address: '+351912345678' },
        { type: 'email', address: 'Ana@Example.com' },
        { type: 'webhook', address: 'https://hooks.example.com/ana' },
      ],
    });
    expect(created.status).toBe(201);
    expect(created.body.channels).toEqual([
      { type: 'voice', address: '+351912345678' },
      { type: 'email', address: 'ana@example.com' },
      { type: 'webhook', address: 'https://hooks.example.com/ana' },
    ]);
    const id = created.body.id;
    const changed = await patch(`/v1/contacts/${id}`, {
      channels: [{ type: 'sms', address: '+351912345678' }],
    });
    expect(changed).toMatchObject({ status: 200, body: { id, name: 'Ana Operator' } });
    expect(changed.body.channels).toEqual([{ type: 'sms', address: '+351912345678' }]);
    expect((await get(`/v1/contacts/${id}`)).body).toEqual(changed.body);
    expect((await get('/v1/contacts')).body.contacts.map((c: { id: string }) => c.id)).toContain(id);
    expect((await del(`/v1/contacts/${id}`)).status).toBe(204);
    expect((await get(`/v1/contacts/${id}`)).status).toBe(404);
    expect((await del(`/v1/contacts/${id}`)).status).toBe(404);
  });

  it.each([
    [
      'a phone number not in E.164',
      { name: 'X', channels: [{ type: 'sms', address: '07700 900123' }] },
      'body.channels.0.address',
    ],
    ['no channel at all', { name: 'X', channels: [] }, 'body.channels'],
    [
      'a plain-http webhook off this machine',
      { name: 'X', channels: [{ type: 'webhook', address: 'http://example.com/x' }] },
      'body.channels.0.address',
    ],
    [
      'an unknown channel type',
      { name: 'X', channels: [{ type: 'pager', address: '123' }] },
      'body.channels.0.type',
    ],
  ])('refuses a contact with %s (400 naming the field)', async (_name, body, path) => {
    const res = await post('/v1/contacts', body);
    expect(res.status).toBe(400);
    expect(res.body.error.details.map((d: { path: string }) => d.path)).toContain(path);
  });

  it("creates a rotation in the tenant's time zone by default and merges patches", async () => {
    const alice = await newContact('Alice');
    const bob = await newContact('Bob');
    const created = await post('/v1/on-call-rotations', {
      name: 'Maintenance',
      handoffTime: '07:30',
      period: 'weekly',
      handoffDay: 1,
      members: [alice.id, bob.id],
      overrides: [{ contactId: bob.id, from: '2026-12-24T07:30:00Z', to: '2026-12-27T07:30:00Z' }],
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      timeZone: 'Europe/Paris',
      period: 'weekly',
      handoffDay: 1,
      members: [alice.id, bob.id],
    });
    const id = created.body.id;

    // switching to daily drops the hand-off day
    const daily = await patch(`/v1/on-call-rotations/${id}`, {
      period: 'daily',
      timeZone: 'America/Sao_Paulo',
    });
    expect(daily.body).toMatchObject({ period: 'daily', handoffDay: null, timeZone: 'America/Sao_Paulo' });
    expect(daily.body.overrides).toHaveLength(1);

    // back to weekly without a day is refused as a whole, and nothing changes
    const noDay = await patch(`/v1/on-call-rotations/${id}`, { period: 'weekly' });
    expect(noDay).toMatchObject({ status: 422, body: { error: { details: { field: 'handoffDay' } } } });
    expect((await get(`/v1/on-call-rotations/${id}`)).body).toEqual(daily.body);

    const weekly = await patch(`/v1/on-call-rotations/${id}`, { period: 'weekly', handoffDay: 5 });
    expect(weekly.body).toMatchObject({ period: 'weekly', handoffDay: 5 });
    expect((await get('/v1/on-call-rotations')).body.onCallRotations).toContainEqual(weekly.body);
  });

  it('refuses a rotation naming a contact that does not exist, naming the entry (422)', async () => {
    const alice = await newContact('Alice');
    const rotation = { name: 'Night', handoffTime: '20:00', period: 'daily', members: [alice.id] };
    const badMember = await post('/v1/on-call-rotations', { ...rotation, members: [alice.id, missing] });
    expect(badMember).toMatchObject({ status: 422, body: { error: { details: { field: 'members.1' } } } });
    expect(badMember.body.error.message).toBe('members.1: no contact with this id');
    const badOverride = await post('/v1/on-call-rotations', {
      ...rotation,
      overrides: [{ contactId: missing, from: '2026-12-24T00:00:00Z', to: '2026-12-25T00:00:00Z' }],
    });
    expect(badOverride).toMatchObject({
      status: 422,
      body: { error: { details: { field: 'overrides.0.contactId' } } },
    });
    const created = (await post('/v1/on-call-rotations', rotation)).body;
    const badPatch = await patch(`/v1/on-call-rotations/${created.id}`, { members: [missing] });
    expect(badPatch).toMatchObject({ status: 422, body: { error: { details: { field: 'members.0' } } } });
  });

  it('refuses a weekly rotation without its day and a daily one with a day (400)', async () => {
    const alice = await newContact('Alice');
    const base = { name: 'R', handoffTime: '08:00', members: [alice.id] };
    expect((await post('/v1/on-call-rotations', { ...base, period: 'weekly' })).status).toBe(400);
    expect((await post('/v1/on-call-rotations', { ...base, period: 'daily', handoffDay: 2 })).status).toBe(
      400,
    );
    expect(
      (await post('/v1/on-call-rotations', { ...base, period: 'daily', timeZone: 'Mars/Olympus' })).status,
    ).toBe(400);
  });

  it('creates and changes a policy, refusing targets that do not exist (422 naming the entry)', async () => {
    const alice = await newContact('Alice');
    const rotation = (
      await post('/v1/on-call-rotations', {
        name: 'Day',
        handoffTime: '08:00',
        period: 'daily',
        members: [alice.id],
      })
    ).body;
    const levels = [
      {
        delayMinutes: 0,
        targets: [{ type: 'rotation', rotationId: rotation.id }],
        channels: ['sms', 'voice'],
      },
      { delayMinutes: 15, targets: [{ type: 'contact', contactId: alice.id }] },
    ];
    const created = await post('/v1/escalation-policies', { name: 'Two levels', levels });
    expect(created).toMatchObject({ status: 201, body: { name: 'Two levels', repeat: 0, levels } });

    const unknownRotation = await post('/v1/escalation-policies', {
      name: 'Bad',
      levels: [levels[0], { delayMinutes: 5, targets: [{ type: 'rotation', rotationId: missing }] }],
    });
    expect(unknownRotation).toMatchObject({
      status: 422,
      body: { error: { details: { field: 'levels.1.targets.0.rotationId' } } },
    });
    const unknownContact = await patch(`/v1/escalation-policies/${created.body.id}`, {
      levels: [
        {
          delayMinutes: 0,
          targets: [
            { type: 'contact', contactId: alice.id },
            { type: 'contact', contactId: missing },
          ],
        },
      ],
    });
    expect(unknownContact).toMatchObject({
      status: 422,
      body: { error: { details: { field: 'levels.0.targets.1.contactId' } } },
    });

    const repeated = await patch(`/v1/escalation-policies/${created.body.id}`, { repeat: 3 });
    expect(repeated.body).toMatchObject({ repeat: 3, levels });
    expect((await get(`/v1/escalation-policies/${created.body.id}`)).body).toEqual(repeated.body);
    expect((await patch(`/v1/escalation-policies/${created.body.id}`, {})).status).toBe(400);
  });

  it('refuses to delete what is still used, saying where, and deletes it once it is not (409)', async () => {
    const carol = await newContact('Carol');
    const dave = await newContact('Dave');
    const rotation = (
      await post('/v1/on-call-rotations', {
        name: 'Shift B',
        handoffTime: '06:00',
        period: 'daily',
        members: [carol.id],
        overrides: [{ contactId: dave.id, from: '2026-12-24T06:00:00Z', to: '2026-12-25T06:00:00Z' }],
      })
    ).body;
    const policy = (
      await post('/v1/escalation-policies', {
        name: 'Shift B first',
        levels: [
          { delayMinutes: 0, targets: [{ type: 'rotation', rotationId: rotation.id }] },
          { delayMinutes: 5, targets: [{ type: 'contact', contactId: carol.id }] },
        ],
      })
    ).body;

    const carolUsed = await del(`/v1/contacts/${carol.id}`);
    expect(carolUsed.status).toBe(409);
    expect(carolUsed.body.error.message).toBe(
      `this contact is still used by on-call rotation "Shift B" (${rotation.id}), escalation policy "Shift B first" (${policy.id}); take the contact out of them first`,
    );
    expect((await del(`/v1/contacts/${dave.id}`)).body.error.message).toContain('on-call rotation "Shift B"');
    const rotationUsed = await del(`/v1/on-call-rotations/${rotation.id}`);
    expect(rotationUsed.status).toBe(409);
    expect(rotationUsed.body.error.message).toContain(`escalation policy "Shift B first" (${policy.id})`);
    // the refused deletes left everything in place
    expect((await get(`/v1/contacts/${carol.id}`)).status).toBe(200);
    expect((await get(`/v1/on-call-rotations/${rotation.id}`)).status).toBe(200);

    expect((await del(`/v1/escalation-policies/${policy.id}`)).status).toBe(204);
    expect((await del(`/v1/on-call-rotations/${rotation.id}`)).status).toBe(204);
    expect((await del(`/v1/contacts/${carol.id}`)).status).toBe(204);
    expect((await del(`/v1/contacts/${dave.id}`)).status).toBe(204);
  });

  it('lets alarm rules name only an existing policy, and keeps a named policy from being deleted', async () => {
    const site = (await post('/v1/sites', { name: 'Policy works' })).body;
    const gateway = (await post('/v1/gateways', { siteId: site.id, name: 'gw-p' })).body;
    const alice = await newContact('Alice');
    const policy = (
      await post('/v1/escalation-policies', {
        name: 'Gateway down',
        levels: [{ delayMinutes: 0, targets: [{ type: 'contact', contactId: alice.id }] }],
      })
    ).body;
    const rule = {
      kind: 'commLoss',
      name: 'Gateway offline',
      severity: 'high',
      afterSeconds: 60,
      scope: 'gateway',
      gatewayId: gateway.id,
    };
    const unknown = await post('/v1/alarm-rules', { ...rule, escalationPolicyId: missing });
    expect(unknown).toMatchObject({
      status: 422,
      body: { error: { message: 'escalationPolicyId: no escalation policy with this id' } },
    });
    const created = await post('/v1/alarm-rules', { ...rule, escalationPolicyId: policy.id });
    expect(created).toMatchObject({ status: 201, body: { escalationPolicyId: policy.id } });
    const repointed = await patch(`/v1/alarm-rules/${created.body.id}`, { escalationPolicyId: missing });
    expect(repointed.status).toBe(422);

    const used = await del(`/v1/escalation-policies/${policy.id}`);
    expect(used.status).toBe(409);
    expect(used.body.error.message).toContain(`alarm rule "Gateway offline" (${created.body.id})`);

    expect((await patch(`/v1/alarm-rules/${created.body.id}`, { escalationPolicyId: null })).status).toBe(
      200,
    );
    expect((await del(`/v1/escalation-policies/${policy.id}`)).status).toBe(204);
  });

  it('lets every role read the people configuration and only engineers and above change it', async () => {
    const invite = async (role: string) => {
      const invited = (
        await post('/v1/users', { email: `${role}-${Date.now()}@example.com`, name: role, role })
      ).body;
      return (
        await api.call('POST', '/v1/auth/accept-invite', {
          body: { token: invited.inviteToken, password: `${role} password 123` },
        })
      ).body.token as string;
    };
    const viewer = await invite('viewer');
    const operator = await invite('operator');
    const engineer = await invite('engineer');
    const contact = { name: 'Eve', channels: [{ type: 'email', address: 'eve@example.com' }] };
    for (const path of ['/v1/contacts', '/v1/on-call-rotations', '/v1/escalation-policies']) {
      expect((await api.call('GET', path, { token: viewer })).status).toBe(200);
    }
    expect((await api.call('POST', '/v1/contacts', { token: operator, body: contact })).status).toBe(403);
    expect((await api.call('POST', '/v1/contacts', { token: engineer, body: contact })).status).toBe(201);
  });
});
