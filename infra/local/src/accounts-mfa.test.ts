// Two-step login on the local runtime: TOTP set up from the user's settings, the login challenge,
// codes never accepted twice, recovery codes used once, a challenge voided after five wrong codes,
// and the tenant's policy requiring it for owners and admins (set up at the next login).
import { totpCode } from '@plantwatch/functions/accounts/mfa-codes';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startTestApi, type TestApi } from './testing/harness.ts';

describe('two-step login', () => {
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
  /** A code of the 30-second step `steps` from now (the window accepts one step either way). */
  const code = (secret: string, steps = 0) => totpCode(secret, new Date(Date.now() + steps * 30_000));

  async function enrol(token: string) {
    const started = await api.call('POST', '/v1/me/mfa/totp', { token });
    expect(started.status).toBe(200);
    expect(started.body.otpauthUri).toMatch(/^otpauth:\/\/totp\/Plantwatch:.+\?.*secret=/);
    const secret: string = started.body.secret;
    expect(
      (await api.call('POST', '/v1/me/mfa/totp/confirm', { token, body: { code: '000000' } })).status,
    ).toBe(422);
    const confirmed = await api.call('POST', '/v1/me/mfa/totp/confirm', {
      token,
      body: { code: code(secret, -1) },
    });
    expect(confirmed.status).toBe(200);
    expect(confirmed.body.recoveryCodes).toHaveLength(10);
    return { secret, recoveryCodes: confirmed.body.recoveryCodes as string[] };
  }

  it('asks for a code after the password, accepts each code once, and a recovery code once', async () => {
    const owner = await api.signUp('totp');
    const { secret, recoveryCodes } = await enrol(owner.token);
    expect((await api.call('GET', '/v1/me/mfa', { token: owner.token })).body).toMatchObject({
      enabled: true,
      recoveryCodesLeft: 10,
      requiredByPolicy: false,
    });

    const first = await login(owner.email, owner.password);
    expect(first).toMatchObject({
      status: 200,
      body: { challenge: 'mfa-code', challengeToken: expect.any(String) },
    });
    expect(first.body.token).toBeUndefined();
    const second = (body: Record<string, unknown>) =>
      api.call('POST', '/v1/auth/login/mfa', {
        body: { challengeToken: first.body.challengeToken, ...body },
      });
    const wrong = await second({ code: '123456' });
    expect(wrong).toMatchObject({
      status: 401,
      body: { error: { message: 'the code is wrong; 4 tries left' } },
    });
    const now = code(secret);
    const session = await second({ code: now });
    expect(session).toMatchObject({ status: 200, body: { user: { email: owner.email, mfaEnabled: true } } });
    expect((await api.call('GET', '/v1/me', { token: session.body.token })).status).toBe(200);
    // the challenge is used up
    expect((await second({ code: now })).status).toBe(401);

    // the same code on a new challenge is refused: someone who saw it cannot use it again
    const replay = await login(owner.email, owner.password);
    const replayed = await api.call('POST', '/v1/auth/login/mfa', {
      body: { challengeToken: replay.body.challengeToken, code: now },
    });
    expect(replayed.status).toBe(401);

    const recovered = await api.call('POST', '/v1/auth/login/mfa', {
      body: { challengeToken: replay.body.challengeToken, recoveryCode: recoveryCodes[0] },
    });
    expect(recovered.status).toBe(200);
    const again = await login(owner.email, owner.password);
    const reused = await api.call('POST', '/v1/auth/login/mfa', {
      body: { challengeToken: again.body.challengeToken, recoveryCode: recoveryCodes[0] },
    });
    expect(reused.status).toBe(401);
    expect((await api.call('GET', '/v1/me/mfa', { token: owner.token })).body.recoveryCodesLeft).toBe(9);
  });

  it('voids a challenge after five wrong codes', async () => {
    const owner = await api.signUp('five');
    const { secret } = await enrol(owner.token);
    const challenge = (await login(owner.email, owner.password)).body.challengeToken;
    const messages: string[] = [];
    for (let i = 0; i < 5; i += 1) {
      const res = await api.call('POST', '/v1/auth/login/mfa', {
        body: { challengeToken: challenge, code: '111111' },
      });
      messages.push(res.body.error.message);
    }
    expect(messages.at(-1)).toBe('the code is wrong, and this login step is used up: log in again');
    const right = await api.call('POST', '/v1/auth/login/mfa', {
      body: { challengeToken: challenge, code: code(secret, 1) },
    });
    expect(right).toMatchObject({
      status: 401,
      body: { error: { message: expect.stringContaining('log in again') } },
    });
  });

  it('refuses an expired challenge', async () => {
    const owner = await api.signUp('late');
    const { secret } = await enrol(owner.token);
    const challenge = (await login(owner.email, owner.password)).body.challengeToken;
    vi.useFakeTimers({ toFake: ['Date'], now: Date.now() + 6 * 60_000 });
    try {
      const late = await api.call('POST', '/v1/auth/login/mfa', {
        body: { challengeToken: challenge, code: code(secret) },
      });
      expect(late.status).toBe(401);
    } finally {
      vi.useRealTimers();
    }
  });

  it('requires two-step login of owners and admins when the tenant says so', async () => {
    const owner = await api.signUp('policy');
    const requireIt = () =>
      api.call('PATCH', '/v1/tenant/security', { token: owner.token, body: { mfaRequiredForAdmins: true } });
    // not before the owner has it: the owner would lock themselves out otherwise
    expect(await requireIt()).toMatchObject({ status: 409 });

    const email = `admin-${Date.now()}@example.com`;
    const invite = await api.call('POST', '/v1/users', {
      token: owner.token,
      body: { email, name: 'Ada', role: 'admin' },
    });
    const admin = await api.call('POST', '/v1/auth/accept-invite', {
      body: { token: invite.body.inviteToken, password: 'quartz harbour lantern' },
    });
    const viewerEmail = `viewer-${Date.now()}@example.com`;
    const viewerInvite = await api.call('POST', '/v1/users', {
      token: owner.token,
      body: { email: viewerEmail, name: 'Vic', role: 'viewer' },
    });
    await api.call('POST', '/v1/auth/accept-invite', {
      body: { token: viewerInvite.body.inviteToken, password: 'quartz harbour lantern' },
    });

    const { secret: ownerSecret } = await enrol(owner.token);
    expect(await requireIt()).toMatchObject({ status: 200, body: { mfaRequiredForAdmins: true } });
    // the admin without a second factor was signed out; the owner was not
    expect((await api.call('GET', '/v1/me', { token: admin.body.token })).status).toBe(401);
    expect((await api.call('GET', '/v1/me', { token: owner.token })).status).toBe(200);
    // a viewer is not concerned
    expect((await login(viewerEmail, 'quartz harbour lantern')).body.token).toMatch(/^pws_/);

    // the admin's next login sets it up before any session
    const challenged = await login(email, 'quartz harbour lantern');
    expect(challenged.body).toMatchObject({ challenge: 'mfa-enrolment' });
    const setup = await api.call('POST', '/v1/auth/login/mfa-enrolment', {
      body: { challengeToken: challenged.body.challengeToken },
    });
    expect(setup.status).toBe(200);
    const done = await api.call('POST', '/v1/auth/login/mfa-enrolment/confirm', {
      body: { challengeToken: challenged.body.challengeToken, code: code(setup.body.secret) },
    });
    expect(done).toMatchObject({ status: 200, body: { user: { email, mfaEnabled: true } } });
    expect(done.body.recoveryCodes).toHaveLength(10);
    expect((await login(email, 'quartz harbour lantern')).body.challenge).toBe('mfa-code');

    // and it cannot be turned off while the policy stands
    const off = await api.call('DELETE', '/v1/me/mfa', {
      token: owner.token,
      body: { password: owner.password, code: code(ownerSecret, 1) },
    });
    expect(off).toMatchObject({
      status: 409,
      body: { error: { message: expect.stringContaining('requires') } },
    });
  });

  it('turns two-step login off with the password and a code', async () => {
    const owner = await api.signUp('off');
    const { secret } = await enrol(owner.token);
    const off = await api.call('DELETE', '/v1/me/mfa', {
      token: owner.token,
      body: { password: owner.password, code: code(secret, 1) },
    });
    expect(off.status).toBe(204);
    expect((await login(owner.email, owner.password)).body.token).toMatch(/^pws_/);
    expect((await api.mailbox(owner.email)).map((m) => m.subject)).toEqual(
      expect.arrayContaining([
        'Plantwatch: two-step login is on',
        'Plantwatch: two-step login was turned off',
      ]),
    );
  });
});
