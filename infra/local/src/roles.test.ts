// Role checks, table-driven over the route list: each protected route refuses the role just
// below the one it needs (403) and lets that role through (anything but 401/403).
import { randomUUID } from 'node:crypto';
import { apiRoutes } from '@plantwatch/functions/platform/http/index';
import { type Role, roles } from '@plantwatch/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi } from './testing/harness.ts';

const protectedRoutes = apiRoutes.filter(
  (route): route is (typeof apiRoutes)[number] & { access: Role } => route.access !== 'public',
);
const below = (role: Role): Role | undefined => roles[roles.indexOf(role) - 1];
/** Any well-formed id: authorisation is decided before the object is looked up. */
const fillPath = (path: string) => path.replace(/\{[^}]+\}/g, () => randomUUID());

describe('role checks on every protected route', () => {
  let api: TestApi;
  let ownerToken: string;
  const sessionOf = new Map<Role, { email: string; password: string; token: string }>();

  beforeAll(async () => {
    api = await startTestApi({
      loginLimits: { attemptsPerIpPer5Min: 1000, failuresPerAccountPer15Min: 1000 },
    });
    const owner = await api.signUp('roles');
    ownerToken = owner.token;
    sessionOf.set('owner', { email: owner.email, password: owner.password, token: owner.token });
    for (const role of roles.filter((r) => r !== 'owner')) {
      const email = `${role}-${randomUUID()}@example.com`;
      const invite = (
        await api.call('POST', '/v1/users', { token: ownerToken, body: { email, name: role, role } })
      ).body;
      const password = `${role} password 123`;
      const session = (
        await api.call('POST', '/v1/auth/accept-invite', { body: { token: invite.inviteToken, password } })
      ).body;
      sessionOf.set(role, { email, password, token: session.token });
    }
  });
  afterAll(async () => {
    await api.close();
  });

  it('documents the role model: viewer < operator < engineer < admin < owner', () => {
    expect(roles).toEqual(['viewer', 'operator', 'engineer', 'admin', 'owner']);
    expect(protectedRoutes.length).toBeGreaterThan(20);
  });

  it.each(
    protectedRoutes.map((route) => [`${route.method} ${route.path} needs ${route.access}`, route] as const),
  )('%s', async (_, route) => {
    const path = fillPath(route.path);
    const anonymous = await api.call(route.method, path, { body: route.body ? {} : undefined });
    expect(anonymous.status).toBe(401);

    const lower = below(route.access);
    if (lower) {
      const denied = await api.call(route.method, path, {
        token: sessionOf.get(lower)?.token,
        body: route.body ? {} : undefined,
      });
      expect({ status: denied.status, code: denied.body?.error?.code }).toEqual({
        status: 403,
        code: 'forbidden',
      });
    }

    // Exactly the needed role gets past authorisation. An empty body or unknown id then fails
    // validation or lookup (400/404), which proves the role check let it through.
    const holder = sessionOf.get(route.access);
    if (!holder) throw new Error(`no session for ${route.access}`);
    // Routes that end the caller's own sessions get a session of their own.
    const token =
      route.operationId === 'logOut' || route.operationId === 'endMySessions'
        ? (
            await api.call('POST', '/v1/auth/login', {
              body: { email: holder.email, password: holder.password },
            })
          ).body.token
        : holder.token;
    const allowed = await api.call(route.method, path, { token, body: route.body ? {} : undefined });
    expect([401, 403]).not.toContain(allowed.status);
    expect(allowed.status).toBeLessThan(500);
    if (route.operationId === 'endMySessions') {
      // that signed the holder out everywhere: the routes after this one get a new session
      const again = await api.call('POST', '/v1/auth/login', {
        body: { email: holder.email, password: holder.password },
      });
      sessionOf.set(route.access, { ...holder, token: again.body.token });
    }
  });

  it('lets an operator read but not configure, and an engineer configure but not manage users', async () => {
    const operator = sessionOf.get('operator')?.token;
    const engineer = sessionOf.get('engineer')?.token;
    expect((await api.call('GET', '/v1/sites', { token: operator })).status).toBe(200);
    expect((await api.call('POST', '/v1/sites', { token: operator, body: { name: 'Op site' } })).status).toBe(
      403,
    );
    expect(
      (await api.call('POST', '/v1/sites', { token: engineer, body: { name: 'Eng site' } })).status,
    ).toBe(201);
    const invite = await api.call('POST', '/v1/users', {
      token: engineer,
      body: { email: 'x@example.com', name: 'X', role: 'viewer' },
    });
    expect(invite).toMatchObject({
      status: 403,
      body: { error: { message: 'this needs the admin role or higher; you are engineer' } },
    });
  });
});
