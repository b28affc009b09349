// Login protection that an attacker cannot turn against the owner, what admins see of it, and
// sessions: listed with device and address, ended one by one or everywhere, idle and absolute ends.
// Client addresses are told to the API as the web app tells them (the proxy secret and headers).
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startTestApi, type TestApi } from './testing/harness.ts';

describe('login protection', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await startTestApi();
  });
  afterAll(async () => {
    await api.close();
  });

  /** As the web app forwards a browser at `ip` (a real proxy, with the runtime's secret). */
  const from = (ip: string, userAgent = 'Mozilla/5.0 (Test)') => ({
    'x-plantwatch-proxy-secret': api.runtime.webProxySecret,
    'x-plantwatch-client-ip': ip,
    'x-plantwatch-client-agent': userAgent,
  });
  const login = (ip: string, body: Record<string, unknown>) =>
    api.call('POST', '/v1/auth/login', { headers: from(ip), body });

  it('lets the owner in from a known device while an attacker hammers the account from elsewhere', async () => {
    const owner = await api.signUp('hammered');
    // the owner's browser logged in before: it keeps the device token in a cookie
    const first = await login('198.51.100.10', { email: owner.email, password: owner.password });
    const deviceToken = first.body.deviceToken;
    expect(deviceToken).toMatch(/^pwd_/);

    // the attacker, from many addresses, 12 wrong passwords
    const attacker: number[] = [];
    for (let i = 0; i < 12; i += 1) {
      attacker.push(
        (await login(`203.0.113.${i % 4}`, { email: owner.email, password: `guess number ${i}` })).status,
      );
    }
    expect(attacker.slice(0, 9)).toEqual(Array(9).fill(401));
    expect(attacker.slice(10)).toEqual([429, 429]);

    // unknown devices are held back now, even with the right password...
    const stranger = await login('198.51.100.99', { email: owner.email, password: owner.password });
    expect(stranger.status).toBe(429);
    expect(Number(stranger.headers.get('retry-after'))).toBeGreaterThan(0);
    // ...but the owner's own browser is not
    const known = await login('198.51.100.10', { email: owner.email, password: owner.password, deviceToken });
    expect(known.status).toBe(200);
    expect(known.body.deviceToken).toBeUndefined();
    // and the owner logging in did not wipe the attacker's count
    expect((await login('203.0.113.50', { email: owner.email, password: owner.password })).status).toBe(429);
  });

  it('holds one address back after five failures against one account within a minute (15 minutes after ten, an hour after twenty)', async () => {
    const owner = await api.signUp('growing');
    const statuses: number[] = [];
    let wait = 0;
    for (let i = 0; i < 6; i += 1) {
      const res = await login('192.0.2.44', { email: owner.email, password: `wrong ${i}` });
      statuses.push(res.status);
      if (res.status === 429) wait = Number(res.headers.get('retry-after'));
    }
    // five a minute, then wait for the minute to end
    expect(statuses).toEqual([401, 401, 401, 401, 401, 429]);
    expect(wait).toBeGreaterThan(0);
    expect(wait).toBeLessThanOrEqual(60);
    // another address is not held back by that address's failures (only by the account-wide count)
    expect((await login('192.0.2.45', { email: owner.email, password: owner.password })).status).toBe(200);
  });

  it("shows the tenant's admins a user's lockout and known devices, and lets them lift it", async () => {
    const owner = await api.signUp('admins-view');
    const email = `locked-${Date.now()}@example.com`;
    const invite = await api.call('POST', '/v1/users', {
      token: owner.token,
      body: { email, name: 'Lou', role: 'operator' },
    });
    const userId = invite.body.user.id;
    await api.call('POST', '/v1/auth/accept-invite', {
      headers: from('198.51.100.20', 'Firefox on the control room PC'),
      body: { token: invite.body.inviteToken, password: 'quartz harbour lantern' },
    });
    const protection = () => api.call('GET', `/v1/users/${userId}/login-protection`, { token: owner.token });
    expect((await protection()).body).toMatchObject({
      userId,
      email,
      unknownDevices: { lockedOut: false, retryAfterSeconds: 0, lockedUntil: null },
      knownDevices: [{ userAgent: 'Firefox on the control room PC', ipAddress: '198.51.100.20' }],
      mfaEnabled: false,
    });
    for (let i = 0; i < 10; i += 1) await login(`203.0.113.${100 + i}`, { email, password: `nope ${i}` });
    const locked = (await protection()).body;
    expect(locked.unknownDevices).toMatchObject({ lockedOut: true, lockedUntil: expect.any(String) });
    expect(locked.unknownDevices.retryAfterSeconds).toBeGreaterThan(800);

    // the operator cannot see it; the admin lifts it
    const operator = await login('198.51.100.20', { email, password: 'quartz harbour lantern' });
    expect(operator.status).toBe(429);
    expect(
      (await api.call('DELETE', `/v1/users/${userId}/login-protection`, { token: owner.token })).status,
    ).toBe(204);
    expect((await protection()).body.unknownDevices.lockedOut).toBe(false);
    expect((await login('198.51.100.21', { email, password: 'quartz harbour lantern' })).status).toBe(200);
  });
});

describe('sessions', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await startTestApi();
  });
  afterAll(async () => {
    vi.useRealTimers();
    await api.close();
  });

  const from = (ip: string, userAgent: string) => ({
    'x-plantwatch-proxy-secret': api.runtime.webProxySecret,
    'x-plantwatch-client-ip': ip,
    'x-plantwatch-client-agent': userAgent,
  });

  it('lists each session with its device, address and last use, and ends one or all', async () => {
    const owner = await api.signUp('sessions');
    const open = async (ip: string, agent: string) =>
      (
        await api.call('POST', '/v1/auth/login', {
          headers: from(ip, agent),
          body: { email: owner.email, password: owner.password },
        })
      ).body.token as string;
    const laptop = await open('198.51.100.1', 'Laptop browser');
    const phone = await open('198.51.100.2', 'Phone browser');
    const listed = await api.call('GET', '/v1/me/sessions', { token: laptop });
    expect(listed.status).toBe(200);
    expect(listed.body.sessions).toHaveLength(3);
    expect(listed.body.sessions).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ userAgent: 'Laptop browser', ipAddress: '198.51.100.1', current: true }),
        expect.objectContaining({ userAgent: 'Phone browser', ipAddress: '198.51.100.2', current: false }),
      ]),
    );
    const phoneSession = listed.body.sessions.find(
      (s: { userAgent: string }) => s.userAgent === 'Phone browser',
    );
    expect((await api.call('DELETE', `/v1/me/sessions/${phoneSession.id}`, { token: laptop })).status).toBe(
      204,
    );
    expect((await api.call('GET', '/v1/me', { token: phone })).status).toBe(401);

    // everywhere but here
    expect((await api.call('DELETE', '/v1/me/sessions?keepCurrent=true', { token: laptop })).status).toBe(
      204,
    );
    expect((await api.call('GET', '/v1/me', { token: owner.token })).status).toBe(401);
    expect((await api.call('GET', '/v1/me', { token: laptop })).status).toBe(200);
    // everywhere
    expect((await api.call('DELETE', '/v1/me/sessions', { token: laptop })).status).toBe(204);
    expect((await api.call('GET', '/v1/me', { token: laptop })).status).toBe(401);
  });

  it("ends sessions unused for the tenant's idle time, and all after its absolute lifetime", async () => {
    const owner = await api.signUp('lifetimes');
    const policy = await api.call('PATCH', '/v1/tenant/security', {
      token: owner.token,
      body: { sessionIdleMinutes: 30, sessionAbsoluteHours: 2 },
    });
    expect(policy).toMatchObject({
      status: 200,
      body: { sessionIdleMinutes: 30, sessionAbsoluteHours: 2, mfaRequiredForAdmins: false },
    });
    const open = async () =>
      (await api.call('POST', '/v1/auth/login', { body: { email: owner.email, password: owner.password } }))
        .body.token as string;
    const idle = await open();
    const busy = await open();
    const start = Date.now();
    const at = (minutes: number) => vi.useFakeTimers({ toFake: ['Date'], now: start + minutes * 60_000 });
    try {
      at(25);
      expect((await api.call('GET', '/v1/me', { token: busy })).status).toBe(200);
      at(50);
      // 50 minutes unused: idle; used 25 minutes ago: still on
      expect((await api.call('GET', '/v1/me', { token: idle })).status).toBe(401);
      expect((await api.call('GET', '/v1/me', { token: busy })).status).toBe(200);
      at(75);
      expect((await api.call('GET', '/v1/me', { token: busy })).status).toBe(200);
      at(100);
      expect((await api.call('GET', '/v1/me', { token: busy })).status).toBe(200);
      at(121);
      // used all along, but past the 2 hours
      expect((await api.call('GET', '/v1/me', { token: busy })).status).toBe(401);
    } finally {
      vi.useRealTimers();
    }
  });

  it('shortens the sessions already open when the absolute lifetime is lowered', async () => {
    const owner = await api.signUp('shorter');
    const before = (await api.call('GET', '/v1/me/sessions', { token: owner.token })).body.sessions[0];
    await api.call('PATCH', '/v1/tenant/security', { token: owner.token, body: { sessionAbsoluteHours: 1 } });
    const after = (await api.call('GET', '/v1/me/sessions', { token: owner.token })).body.sessions[0];
    expect(Date.parse(after.expiresAt) - Date.parse(after.createdAt)).toBe(3_600_000);
    expect(Date.parse(before.expiresAt)).toBeGreaterThan(Date.parse(after.expiresAt));
  });

  it('lets an admin sign a user out everywhere', async () => {
    const owner = await api.signUp('signout');
    const email = `leaver-${Date.now()}@example.com`;
    const invite = await api.call('POST', '/v1/users', {
      token: owner.token,
      body: { email, name: 'Leaver', role: 'viewer' },
    });
    const session = await api.call('POST', '/v1/auth/accept-invite', {
      body: { token: invite.body.inviteToken, password: 'quartz harbour lantern' },
    });
    expect(
      (await api.call('DELETE', `/v1/users/${invite.body.user.id}/sessions`, { token: owner.token })).status,
    ).toBe(204);
    expect((await api.call('GET', '/v1/me', { token: session.body.token })).status).toBe(401);
  });
});
