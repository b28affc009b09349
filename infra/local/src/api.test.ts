import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startTestApi, type TestApi } from './testing/harness.ts';

const modbusDevice = (gatewayId: string, key = 'plc-1') => ({
  gatewayId,
  key,
  name: 'Lift station PLC',
  connection: { protocol: 'modbus-tcp', host: '10.0.0.5', port: 502 },
});

describe('API over HTTP', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await startTestApi();
  });
  afterAll(async () => {
    await api.close();
  });

  describe('health and errors', () => {
    it('answers health without credentials', async () => {
      const res = await api.call('GET', '/v1/health');
      expect(res.status).toBe(200);
      expect(res.body.status).toBe('ok');
      expect(res.headers.get('cache-control')).toBe('no-store');
    });

    it('answers an unknown route with 404 in the error envelope', async () => {
      const res = await api.call('GET', '/v1/nothing-here');
      expect(res).toMatchObject({
        status: 404,
        body: { error: { code: 'not_found', message: 'there is no route GET /v1/nothing-here' } },
      });
    });

    it('refuses a protected route without credentials, or with a bad token, with 401', async () => {
      expect((await api.call('GET', '/v1/sites')).body.error.code).toBe('unauthenticated');
      const bad = await api.call('GET', '/v1/sites', { token: 'pws_not-a-real-token' });
      expect(bad.status).toBe(401);
      expect(bad.headers.get('www-authenticate')).toBe('Bearer');
      expect((await api.call('GET', '/v1/sites', { token: 'hello' })).body.error.message).toMatch(
        /neither a session token/,
      );
    });

    it('names every bad field of a request body, with where it is', async () => {
      const owner = await api.signUp('fields');
      const res = await api.call('POST', '/v1/sites', {
        token: owner.token,
        body: { name: '', timeZone: 'Mars/Olympus', extra: 1 },
      });
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe('invalid_request');
      const paths = res.body.error.details.map((d: { path: string }) => d.path);
      expect(paths).toEqual(expect.arrayContaining(['body.name', 'body.timeZone', 'body']));
      expect(res.body.error.message).toContain('body.timeZone: must be an IANA time zone');
    });

    it('rejects malformed JSON, a non-JSON body and an oversized body with clear 4xx', async () => {
      const owner = await api.signUp('malformed');
      const malformed = await api.call('POST', '/v1/sites', { token: owner.token, rawBody: '{"name": ' });
      expect(malformed.status).toBe(400);
      expect(malformed.body.error.message).toMatch(/not valid JSON/);
      const form = await api.call('POST', '/v1/sites', {
        token: owner.token,
        rawBody: 'name=x',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
      });
      expect(form.status).toBe(415);
      const huge = await api.call('POST', '/v1/sites', {
        token: owner.token,
        rawBody: JSON.stringify({ name: 'x'.repeat(1_100_000) }),
      });
      expect(huge.status).toBe(413);
    });

    it('refuses a PATCH that changes nothing with 400 instead of pretending it worked', async () => {
      const owner = await api.signUp('emptypatch');
      const site = (await api.call('POST', '/v1/sites', { token: owner.token, body: { name: 'S' } })).body;
      const res = await api.call('PATCH', `/v1/sites/${site.id}`, { token: owner.token, body: {} });
      expect(res.status).toBe(400);
      expect(res.body.error.details).toEqual([
        { path: 'body', message: 'send at least one field to change' },
      ]);
    });

    it('rejects an id that is not a UUID in the path with 400, not 500', async () => {
      const owner = await api.signUp('badid');
      const res = await api.call('GET', '/v1/sites/not-a-uuid', { token: owner.token });
      expect(res.status).toBe(400);
      expect(res.body.error.details).toEqual([{ path: 'path.siteId', message: 'must be a UUID' }]);
    });
  });

  describe('sign-up, log-in, log-out', () => {
    it('signs up a tenant whose owner can log in, see themselves, and log out', async () => {
      const owner = await api.signUp('acme');
      const login = await api.call('POST', '/v1/auth/login', {
        body: { email: owner.email.toUpperCase(), password: owner.password },
      });
      expect(login.status).toBe(200);
      expect(login.body.token).toMatch(/^pws_/);
      const me = await api.call('GET', '/v1/me', { token: login.body.token });
      expect(me.body).toMatchObject({
        via: 'session',
        role: 'owner',
        user: { email: owner.email },
        tenant: { id: owner.tenantId, timeZone: 'Europe/Paris' },
      });

      expect((await api.call('POST', '/v1/auth/logout', { token: login.body.token })).status).toBe(204);
      expect((await api.call('GET', '/v1/me', { token: login.body.token })).status).toBe(401);
      // the other session of the same user is untouched
      expect((await api.call('GET', '/v1/me', { token: owner.token })).status).toBe(200);
    });

    it('answers a second sign-up with the same e-mail as any other, and tells only the address', async () => {
      const owner = await api.signUp('twice');
      const res = await api.call('POST', '/v1/auth/signup', {
        body: { tenantName: 'Again', name: 'X', email: owner.email, password: 'another long password' },
      });
      const fresh = await api.call('POST', '/v1/auth/signup', {
        body: {
          tenantName: 'Fresh',
          name: 'Y',
          email: `fresh-${Date.now()}@example.com`,
          password: 'another long password',
        },
      });
      expect(res.status).toBe(202);
      expect(res.body).toEqual(fresh.body);
      expect((await api.mailbox(owner.email)).map((mail) => mail.subject)).toContain(
        'Plantwatch: someone tried to sign up with your address',
      );
      // the account is unchanged: its password still works, the new one does not
      const login = (password: string) =>
        api.call('POST', '/v1/auth/login', { body: { email: owner.email, password } });
      expect((await login(owner.password)).status).toBe(200);
      expect((await login('another long password')).status).toBe(401);
    });

    it('says the same thing for an unknown e-mail and a wrong password', async () => {
      const owner = await api.signUp('same');
      const wrong = await api.call('POST', '/v1/auth/login', {
        body: { email: owner.email, password: 'not the password' },
      });
      const unknown = await api.call('POST', '/v1/auth/login', {
        body: { email: 'ghost@example.com', password: 'whatever it is' },
      });
      expect(wrong.status).toBe(401);
      expect(unknown.status).toBe(401);
      expect(wrong.body).toEqual(unknown.body);
    });

    it('refuses a weak password at sign-up with the rule', async () => {
      const res = await api.call('POST', '/v1/auth/signup', {
        body: { tenantName: 'Weak', name: 'X', email: 'weak@example.com', password: 'short' },
      });
      expect(res.status).toBe(400);
      expect(res.body.error.details).toContainEqual({
        path: 'body.password',
        message: 'must be at least 10 characters',
      });
    });
  });

  describe('API keys', () => {
    it('shows a new key once, stores only its hash, authenticates with it, and stops it when revoked', async () => {
      const owner = await api.signUp('keys');
      const created = await api.call('POST', '/v1/api-keys', {
        token: owner.token,
        body: { name: 'historian', role: 'viewer' },
      });
      expect(created.status).toBe(201);
      const { secret, apiKey } = created.body;
      expect(secret).toMatch(/^pwk_[A-Za-z0-9_-]{43}$/);
      expect(apiKey.prefix).toBe(secret.slice(0, 12));

      const listed = await api.call('GET', '/v1/api-keys', { token: owner.token });
      expect(JSON.stringify(listed.body)).not.toContain(secret);
      expect(listed.body.apiKeys).toEqual([
        expect.objectContaining({ id: apiKey.id, name: 'historian', revokedAt: null }),
      ]);

      // what the database holds is the SHA-256 of the secret, never the secret
      const stored = await api.runtime.store.findApiKeyByHash(
        createHash('sha256').update(secret).digest('hex'),
      );
      expect(stored).toMatchObject({ apiKeyId: apiKey.id, tenantId: owner.tenantId });

      const me = await api.call('GET', '/v1/me', { token: secret });
      expect(me.body).toMatchObject({ via: 'apiKey', role: 'viewer', user: null });
      expect((await api.call('GET', '/v1/sites', { token: secret })).status).toBe(200);
      expect((await api.call('POST', '/v1/sites', { token: secret, body: { name: 'nope' } })).status).toBe(
        403,
      );

      const revoked = await api.call('DELETE', `/v1/api-keys/${apiKey.id}`, { token: owner.token });
      expect(revoked.status).toBe(200);
      expect(revoked.body.revokedAt).not.toBeNull();
      expect((await api.call('GET', '/v1/sites', { token: secret })).status).toBe(401);
    });

    it('will not mint a key more powerful than its creator', async () => {
      const owner = await api.signUp('keyrole');
      const adminKey = (
        await api.call('POST', '/v1/api-keys', { token: owner.token, body: { name: 'admin', role: 'admin' } })
      ).body.secret;
      const res = await api.call('POST', '/v1/api-keys', {
        token: adminKey,
        body: { name: 'escalate', role: 'owner' },
      });
      expect(res).toMatchObject({
        status: 422,
        body: { error: { message: 'an API key cannot have a role above yours (admin)' } },
      });
    });
  });

  describe('users and roles', () => {
    it('invites a user who accepts, logs in, and only sees the sites they were given', async () => {
      const owner = await api.signUp('invite');
      const north = (await api.call('POST', '/v1/sites', { token: owner.token, body: { name: 'North' } }))
        .body;
      const south = (await api.call('POST', '/v1/sites', { token: owner.token, body: { name: 'South' } }))
        .body;
      const invite = await api.call('POST', '/v1/users', {
        token: owner.token,
        body: {
          email: 'night.shift@example.com',
          name: 'Night Shift',
          role: 'operator',
          siteIds: [north.id],
        },
      });
      expect(invite.status).toBe(201);
      expect(invite.body.user).toMatchObject({ status: 'invited', role: 'operator', siteIds: [north.id] });

      const loginBefore = await api.call('POST', '/v1/auth/login', {
        body: { email: 'night.shift@example.com', password: 'pumps all night' },
      });
      expect(loginBefore.status).toBe(401);

      const accepted = await api.call('POST', '/v1/auth/accept-invite', {
        body: { token: invite.body.inviteToken, password: 'pumps all night' },
      });
      expect(accepted.status).toBe(200);
      const again = await api.call('POST', '/v1/auth/accept-invite', {
        body: { token: invite.body.inviteToken, password: 'pumps all night' },
      });
      expect(again.status).toBe(401);

      const operator = accepted.body.token;
      const sites = await api.call('GET', '/v1/sites', { token: operator });
      expect(sites.body.sites.map((s: { id: string }) => s.id)).toEqual([north.id]);
      expect((await api.call('GET', `/v1/sites/${south.id}`, { token: operator })).status).toBe(404);
      expect((await api.call('GET', `/v1/sites/${north.id}`, { token: operator })).status).toBe(200);
    });

    it('lets an admin limited to some sites give only those sites to others', async () => {
      const owner = await api.signUp('scopedadmin');
      const north = (await api.call('POST', '/v1/sites', { token: owner.token, body: { name: 'North' } }))
        .body;
      const south = (await api.call('POST', '/v1/sites', { token: owner.token, body: { name: 'South' } }))
        .body;
      const invite = (
        await api.call('POST', '/v1/users', {
          token: owner.token,
          body: { email: 'area.admin@example.com', name: 'Area admin', role: 'admin', siteIds: [north.id] },
        })
      ).body;
      const admin = (
        await api.call('POST', '/v1/auth/accept-invite', {
          body: { token: invite.inviteToken, password: 'north only please' },
        })
      ).body.token;
      const body = (siteIds: string[] | null) => ({
        email: `op-${Math.random()}@example.com`,
        name: 'Op',
        role: 'operator',
        siteIds,
      });
      expect((await api.call('POST', '/v1/users', { token: admin, body: body([south.id]) })).status).toBe(
        404,
      );
      expect((await api.call('POST', '/v1/users', { token: admin, body: body(null) })).status).toBe(403);
      expect((await api.call('POST', '/v1/users', { token: admin, body: body([north.id]) })).status).toBe(
        201,
      );
    });

    it('keeps at least one owner, and lets only an owner touch an owner', async () => {
      const owner = await api.signUp('owners');
      const demote = await api.call('PATCH', `/v1/users/${owner.userId}`, {
        token: owner.token,
        body: { role: 'admin' },
      });
      expect(demote).toMatchObject({
        status: 409,
        body: { error: { message: 'a tenant needs at least one owner: make someone else owner first' } },
      });
      expect((await api.call('DELETE', `/v1/users/${owner.userId}`, { token: owner.token })).status).toBe(
        409,
      );

      const adminKey = (
        await api.call('POST', '/v1/api-keys', { token: owner.token, body: { name: 'ops', role: 'admin' } })
      ).body.secret;
      const byAdmin = await api.call('PATCH', `/v1/users/${owner.userId}`, {
        token: adminKey,
        body: { name: 'Renamed' },
      });
      expect(byAdmin).toMatchObject({
        status: 403,
        body: { error: { message: 'only an owner can change or remove an owner' } },
      });
      const grantOwner = await api.call('POST', '/v1/users', {
        token: adminKey,
        body: { email: 'boss@example.com', name: 'Boss', role: 'owner' },
      });
      expect(grantOwner.status).toBe(403);
    });

    it('ends the sessions of a removed user', async () => {
      const owner = await api.signUp('remove');
      const invite = (
        await api.call('POST', '/v1/users', {
          token: owner.token,
          body: { email: 'temp@example.com', name: 'Temp', role: 'viewer' },
        })
      ).body;
      const session = (
        await api.call('POST', '/v1/auth/accept-invite', {
          body: { token: invite.inviteToken, password: 'temporary password' },
        })
      ).body;
      expect((await api.call('GET', '/v1/me', { token: session.token })).status).toBe(200);
      expect((await api.call('DELETE', `/v1/users/${invite.user.id}`, { token: owner.token })).status).toBe(
        204,
      );
      expect((await api.call('GET', '/v1/me', { token: session.token })).status).toBe(401);
    });

    it('changes a role, which takes effect on the next request', async () => {
      const owner = await api.signUp('promote');
      const invite = (
        await api.call('POST', '/v1/users', {
          token: owner.token,
          body: { email: 'eng@example.com', name: 'Eng', role: 'viewer' },
        })
      ).body;
      const session = (
        await api.call('POST', '/v1/auth/accept-invite', {
          body: { token: invite.inviteToken, password: 'engineering pass' },
        })
      ).body;
      expect(
        (await api.call('POST', '/v1/sites', { token: session.token, body: { name: 'New' } })).status,
      ).toBe(403);
      const promoted = await api.call('PATCH', `/v1/users/${invite.user.id}`, {
        token: owner.token,
        body: { role: 'engineer' },
      });
      expect(promoted.body.role).toBe('engineer');
      expect(
        (await api.call('POST', '/v1/sites', { token: session.token, body: { name: 'New' } })).status,
      ).toBe(201);
    });
  });

  describe('the plant model', () => {
    it('builds a site, gateway, device and tag, and bumps the gateway config version on device and tag changes', async () => {
      const owner = await api.signUp('plant');
      const t = owner.token;
      const site = (
        await api.call('POST', '/v1/sites', {
          token: t,
          body: { name: 'Works', timeZone: 'Europe/Berlin', location: { latitude: 52.5, longitude: 13.4 } },
        })
      ).body;
      const gateway = (
        await api.call('POST', '/v1/gateways', { token: t, body: { siteId: site.id, name: 'gw-1' } })
      ).body;
      expect(gateway.configVersion).toBe(1);
      const device = await api.call('POST', '/v1/devices', { token: t, body: modbusDevice(gateway.id) });
      expect(device.status).toBe(201);
      expect(device.body.connection).toMatchObject({
        protocol: 'modbus-tcp',
        unitId: 1,
        pollMs: 1000,
        byteOrder: 'BE',
      });
      const tag = await api.call('POST', '/v1/tags', {
        token: t,
        body: {
          deviceId: device.body.id,
          key: 'level',
          name: 'Level',
          address: { kind: 'modbus', area: 'holding', address: 0, type: 'uint16' },
          scale: 0.1,
          unit: 'm',
          deadband: 0.05,
        },
      });
      expect(tag.status).toBe(201);
      const patched = await api.call('PATCH', `/v1/tags/${tag.body.id}`, {
        token: t,
        body: { deadband: 0.1 },
      });
      expect(patched.body.deadband).toBe(0.1);
      expect((await api.call('GET', `/v1/gateways/${gateway.id}`, { token: t })).body.configVersion).toBe(4);
      expect(
        (await api.call('GET', `/v1/tags?deviceId=${device.body.id}`, { token: t })).body.tags,
      ).toHaveLength(1);
    });

    it('refuses a tag whose address does not fit its device protocol with 422', async () => {
      const owner = await api.signUp('mismatch');
      const site = (await api.call('POST', '/v1/sites', { token: owner.token, body: { name: 'S' } })).body;
      const gateway = (
        await api.call('POST', '/v1/gateways', { token: owner.token, body: { siteId: site.id, name: 'g' } })
      ).body;
      const device = (
        await api.call('POST', '/v1/devices', { token: owner.token, body: modbusDevice(gateway.id) })
      ).body;
      const res = await api.call('POST', '/v1/tags', {
        token: owner.token,
        body: {
          deviceId: device.id,
          key: 'temp',
          name: 'Temp',
          address: { kind: 'opcua', nodeId: 'ns=1;s=Temperature' },
        },
      });
      expect(res).toMatchObject({
        status: 422,
        body: { error: { message: 'address: a modbus-tcp device needs a modbus address, not opcua' } },
      });
    });

    it('refuses duplicates and deleting a site that still has gateways with 409', async () => {
      const owner = await api.signUp('dupes');
      const site = (await api.call('POST', '/v1/sites', { token: owner.token, body: { name: 'S' } })).body;
      expect((await api.call('POST', '/v1/sites', { token: owner.token, body: { name: 'S' } })).status).toBe(
        409,
      );
      const gateway = (
        await api.call('POST', '/v1/gateways', { token: owner.token, body: { siteId: site.id, name: 'g' } })
      ).body;
      await api.call('POST', '/v1/devices', { token: owner.token, body: modbusDevice(gateway.id) });
      const dup = await api.call('POST', '/v1/devices', {
        token: owner.token,
        body: modbusDevice(gateway.id),
      });
      expect(dup.body.error.message).toBe('a device with this key already exists on this gateway');
      const del = await api.call('DELETE', `/v1/sites/${site.id}`, { token: owner.token });
      expect(del).toMatchObject({
        status: 409,
        body: { error: { message: 'the site still has gateways; delete or move them first' } },
      });
    });

    it("retires a deleted gateway's certificates, but not when the delete is refused", async () => {
      const owner = await api.signUp('retire');
      const site = (await api.call('POST', '/v1/sites', { token: owner.token, body: { name: 'S' } })).body;
      const gateway = (
        await api.call('POST', '/v1/gateways', { token: owner.token, body: { siteId: site.id, name: 'g' } })
      ).body;
      const device = (
        await api.call('POST', '/v1/devices', { token: owner.token, body: modbusDevice(gateway.id) })
      ).body;
      const retire = vi.spyOn(api.runtime.deps.gatewayCertificates, 'retire');
      try {
        expect((await api.call('DELETE', `/v1/gateways/${gateway.id}`, { token: owner.token })).status).toBe(
          409,
        );
        expect(retire).not.toHaveBeenCalled();
        await api.call('DELETE', `/v1/devices/${device.id}`, { token: owner.token });
        expect((await api.call('DELETE', `/v1/gateways/${gateway.id}`, { token: owner.token })).status).toBe(
          204,
        );
        expect(retire).toHaveBeenCalledWith(gateway.id);
      } finally {
        retire.mockRestore();
      }
    });

    it('lets the owner rename the tenant, and nobody else', async () => {
      const owner = await api.signUp('tenant');
      const adminKey = (
        await api.call('POST', '/v1/api-keys', { token: owner.token, body: { name: 'a', role: 'admin' } })
      ).body.secret;
      expect(
        (await api.call('PATCH', '/v1/tenant', { token: adminKey, body: { name: 'Hijack' } })).status,
      ).toBe(403);
      const renamed = await api.call('PATCH', '/v1/tenant', {
        token: owner.token,
        body: { name: 'Renamed Water', timeZone: 'America/Chicago' },
      });
      expect(renamed.body).toMatchObject({ name: 'Renamed Water', timeZone: 'America/Chicago' });
    });
  });
});

describe('login rate limit', () => {
  it('answers 429 with Retry-After after too many failures on one account, even for the right password', async () => {
    const api = await startTestApi({
      loginLimits: { attemptsPerIpPer5Min: 100, failuresPerAccountPer15Min: 3 },
    });
    try {
      const owner = await api.signUp('limited');
      const attempt = (password: string) =>
        api.call('POST', '/v1/auth/login', { body: { email: owner.email, password } });
      expect((await attempt('wrong one')).status).toBe(401);
      expect((await attempt('wrong two')).status).toBe(401);
      expect((await attempt('wrong three')).status).toBe(401);
      const fourth = await attempt('wrong four');
      expect(fourth.status).toBe(429);
      expect(Number(fourth.headers.get('retry-after'))).toBeGreaterThan(800);
      const right = await attempt(owner.password);
      expect(right.status).toBe(429);
      expect(right.body.error.code).toBe('rate_limited');
      // another account from the same client is not locked out
      const other = await api.signUp('unlimited');
      expect(
        (await api.call('POST', '/v1/auth/login', { body: { email: other.email, password: other.password } }))
          .status,
      ).toBe(200);
    } finally {
      await api.close();
    }
  });

  it('answers 429 after too many attempts from one client address, across accounts', async () => {
    const api = await startTestApi({
      loginLimits: { attemptsPerIpPer5Min: 4, failuresPerAccountPer15Min: 100 },
    });
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 6; i += 1) {
        statuses.push(
          (
            await api.call('POST', '/v1/auth/login', {
              body: { email: `user${i}@example.com`, password: 'guess guess' },
            })
          ).status,
        );
      }
      expect(statuses).toEqual([401, 401, 401, 401, 429, 429]);
    } finally {
      await api.close();
    }
  });

  it('forgets earlier failures after a successful login', async () => {
    const api = await startTestApi({
      loginLimits: { attemptsPerIpPer5Min: 100, failuresPerAccountPer15Min: 3 },
    });
    try {
      const owner = await api.signUp('reset');
      const attempt = (password: string) =>
        api.call('POST', '/v1/auth/login', { body: { email: owner.email, password } });
      await attempt('wrong one');
      await attempt('wrong two');
      expect((await attempt(owner.password)).status).toBe(200);
      expect((await attempt('wrong three')).status).toBe(401);
      expect((await attempt('wrong four')).status).toBe(401);
    } finally {
      await api.close();
    }
  });
});
