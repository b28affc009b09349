// The password lifecycle and sign-up verification on the local runtime, as a person and as an
// attacker would try them: weak passwords, enumeration, links reused or expired, sessions signed out.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { linkToken, startTestApi, type TestApi } from './testing/harness.ts';

let counter = 0;
const address = (label: string) => {
  counter += 1;
  return `${label}-${counter}-${Date.now()}@example.com`;
};

describe('sign-up verification', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await startTestApi();
  });
  afterAll(async () => {
    await api.close();
  });

  const signUp = (email: string, password = 'cobalt lantern meadow') =>
    api.call('POST', '/v1/auth/signup', {
      body: { tenantName: 'Lakeside Water', name: 'Lee', email, password, timeZone: 'Europe/Paris' },
    });
  const login = (email: string, password = 'cobalt lantern meadow') =>
    api.call('POST', '/v1/auth/login', { body: { email, password } });

  it.each([
    ['1234567890', /most common passwords in published breaches/],
    ['password12', /most common passwords in published breaches/],
    ['qwertyuiop', /most common passwords in published breaches/],
    ['          ', /too easy to guess/],
  ])('refuses the password %j with a 422 saying why', async (password, why) => {
    const res = await signUp(address('weak'), password);
    expect(res.status).toBe(422);
    expect(res.body.error.message).toMatch(/^password: /);
    expect(res.body.error.details).toEqual([{ path: 'body.password', message: expect.stringMatching(why) }]);
  });

  it('lets nobody in before the e-mailed link is opened, then logs the owner in once', async () => {
    const email = address('verify');
    const accepted = await signUp(email);
    expect(accepted).toMatchObject({ status: 202, body: { status: 'verification-sent' } });
    // not yet: and the answer is the one a wrong password gets
    const early = await login(email);
    const wrong = await login(address('nobody'));
    expect(early.status).toBe(401);
    expect(early.body).toEqual(wrong.body);

    const token = await linkToken(api.mailbox, email, /confirm your e-mail address/);
    const verified = await api.call('POST', '/v1/auth/verify-email', { body: { token } });
    expect(verified).toMatchObject({
      status: 200,
      body: { user: { email, status: 'active', role: 'owner' } },
    });
    expect(verified.body.token).toMatch(/^pws_/);
    expect(verified.body.deviceToken).toMatch(/^pwd_/);
    expect((await login(email)).status).toBe(200);
    // the tenant can now add its gateways
    const site = await api.call('POST', '/v1/sites', { token: verified.body.token, body: { name: 'North' } });
    const gateway = await api.call('POST', '/v1/gateways', {
      token: verified.body.token,
      body: { siteId: site.body.id, name: 'gw-1' },
    });
    expect(gateway.status).toBe(201);

    const again = await api.call('POST', '/v1/auth/verify-email', { body: { token } });
    expect(again).toMatchObject({ status: 401, body: { error: { code: 'unauthenticated' } } });
  });

  it('answers sign-up, another link and a reset request the same for every kind of address', async () => {
    const registered = (await api.signUp('registered')).email;
    const pending = address('pending');
    expect((await signUp(pending)).status).toBe(202);
    const unknown = address('unknown');
    const answers = async (path: string, body: (email: string) => unknown) =>
      Promise.all(
        [registered, pending, unknown].map(async (email) => {
          const res = await api.call('POST', path, { body: body(email) });
          return { status: res.status, body: res.body };
        }),
      );
    // sign-up last: for the unknown address it is a real sign-up
    for (const [path, body] of [
      ['/v1/auth/verify-email/resend', (email: string) => ({ email })],
      ['/v1/auth/password-reset', (email: string) => ({ email })],
      [
        '/v1/auth/signup',
        (email: string) => ({ tenantName: 'X', name: 'X', email, password: 'quartz harbour lantern' }),
      ],
    ] as const) {
      const [first, ...rest] = await answers(path, body);
      for (const other of rest) expect(other).toEqual(first);
      expect(first?.status).toBe(202);
      // only the mailboxes learn anything: the unknown address got nothing until it signed up
      if (path !== '/v1/auth/signup') expect(await api.mailbox(unknown)).toEqual([]);
    }
    expect((await api.mailbox(registered)).map((m) => m.subject)).toEqual(
      expect.arrayContaining([
        'Plantwatch: someone tried to sign up with your address',
        'Plantwatch: reset your password',
      ]),
    );
  });

  it('replaces a sign-up that was never confirmed by a new one for the same address', async () => {
    const email = address('replaced');
    await signUp(email, 'first attempt lantern');
    const first = await linkToken(api.mailbox, email, /confirm your e-mail address/);
    await signUp(email, 'second attempt harbour');
    const second = await linkToken(api.mailbox, email, /confirm your e-mail address/);
    expect(second).not.toBe(first);
    expect((await api.call('POST', '/v1/auth/verify-email', { body: { token: first } })).status).toBe(401);
    expect((await api.call('POST', '/v1/auth/verify-email', { body: { token: second } })).status).toBe(200);
    expect((await login(email, 'second attempt harbour')).status).toBe(200);
    expect((await login(email, 'first attempt lantern')).status).toBe(401);
  });

  it('invites an address registered in another tenant like any other, and tells only the invitee', async () => {
    const elsewhere = await api.signUp('elsewhere');
    const admin = await api.signUp('inviting');
    const invite = (email: string) =>
      api.call('POST', '/v1/users', { token: admin.token, body: { email, name: 'Pat', role: 'viewer' } });
    const registered = await invite(elsewhere.email);
    const fresh = await invite(address('fresh'));
    expect(registered.status).toBe(201);
    expect(fresh.status).toBe(201);
    expect(Object.keys(registered.body).sort()).toEqual(Object.keys(fresh.body).sort());
    expect(registered.body.user.status).toBe('invited');
    // the same address twice in one tenant is the admin's own data: that is a plain conflict
    expect((await invite(elsewhere.email)).status).toBe(409);

    const accept = await api.call('POST', '/v1/auth/accept-invite', {
      body: { token: registered.body.inviteToken, password: 'quartz harbour lantern' },
    });
    expect(accept).toMatchObject({
      status: 409,
      body: { error: { message: expect.stringContaining('already has a Plantwatch account') } },
    });
    // the other tenant's account is untouched
    expect((await login(elsewhere.email, elsewhere.password)).status).toBe(200);
  });
});

describe('password change and reset', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await startTestApi();
  });
  afterAll(async () => {
    vi.useRealTimers();
    await api.close();
  });

  const login = (email: string, password: string) =>
    api.call('POST', '/v1/auth/login', { body: { email, password } });

  it('changes the password with the current one, signing out every other session', async () => {
    const owner = await api.signUp('change');
    const other = (await login(owner.email, owner.password)).body.token;
    const change = (body: unknown) => api.call('POST', '/v1/me/password', { token: owner.token, body });

    const wrong = await change({ currentPassword: 'not it at all', newPassword: 'quartz harbour lantern' });
    expect(wrong).toMatchObject({
      status: 422,
      body: { error: { message: 'currentPassword: the current password is wrong' } },
    });
    const weak = await change({ currentPassword: owner.password, newPassword: 'qwertyuiop' });
    expect(weak).toMatchObject({ status: 422, body: { error: { details: [{ path: 'body.newPassword' }] } } });

    expect(
      (await change({ currentPassword: owner.password, newPassword: 'quartz harbour lantern' })).status,
    ).toBe(204);
    expect((await api.call('GET', '/v1/me', { token: owner.token })).status).toBe(200);
    expect((await api.call('GET', '/v1/me', { token: other })).status).toBe(401);
    expect((await login(owner.email, owner.password)).status).toBe(401);
    expect((await login(owner.email, 'quartz harbour lantern')).status).toBe(200);
    expect((await api.mailbox(owner.email)).map((m) => m.subject)).toContain(
      'Plantwatch: your password was changed',
    );
  });

  it('resets a forgotten password by a single-use link, signing out every session', async () => {
    const owner = await api.signUp('reset');
    expect((await api.call('POST', '/v1/auth/password-reset', { body: { email: owner.email } })).status).toBe(
      202,
    );
    const token = await linkToken(api.mailbox, owner.email, /reset your password/);
    const reset = (newPassword: string) =>
      api.call('POST', '/v1/auth/password-reset/confirm', { body: { token, newPassword } });

    // a refused password does not use the link up
    expect((await reset('1234567890')).status).toBe(422);
    expect((await reset('quartz harbour lantern')).status).toBe(204);
    expect((await api.call('GET', '/v1/me', { token: owner.token })).status).toBe(401);
    expect((await login(owner.email, 'quartz harbour lantern')).status).toBe(200);

    const reused = await reset('another fresh passphrase');
    expect(reused).toMatchObject({
      status: 401,
      body: { error: { message: 'this reset link was used already: ask for a new one' } },
    });
    expect((await login(owner.email, 'another fresh passphrase')).status).toBe(401);
  });

  it('refuses a reset link after its 15 minutes, and a newer link replaces an older one', async () => {
    const owner = await api.signUp('expired');
    const ask = () => api.call('POST', '/v1/auth/password-reset', { body: { email: owner.email } });
    await ask();
    const first = await linkToken(api.mailbox, owner.email, /reset your password/);
    await ask();
    const second = await linkToken(api.mailbox, owner.email, /reset your password/);
    const confirm = (token: string) =>
      api.call('POST', '/v1/auth/password-reset/confirm', {
        body: { token, newPassword: 'quartz harbour lantern' },
      });
    expect((await confirm(first)).status).toBe(401);

    vi.useFakeTimers({ toFake: ['Date'], now: Date.now() + 16 * 60_000 });
    try {
      const late = await confirm(second);
      expect(late).toMatchObject({
        status: 401,
        body: { error: { message: expect.stringContaining('has expired') } },
      });
    } finally {
      vi.useRealTimers();
    }
    expect((await login(owner.email, owner.password)).status).toBe(200);
  });
});
