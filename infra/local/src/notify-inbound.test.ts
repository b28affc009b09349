// Notifications on the local runtime: the outbox, notification settings, and acknowledgement from
// outside the web app — a signed Twilio SMS reply, a keypress on a call, an e-mail link — each
// tried forged, replayed, expired and with another tenant's credentials.
import { createHash, randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createAlarmEvaluator } from '@plantwatch/functions/alarms/evaluator';
import { resolveForAlarms } from '@plantwatch/functions/alarms/testing';
import { createPlantwatchApi } from '@plantwatch/functions/compose/api';
import { twilioSignature, voiceCallbackUrl } from '@plantwatch/functions/notify/adapters/twilio';
import { systemClock } from '@plantwatch/functions/platform/clock';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi } from './testing/harness.ts';
import { addPlantOverApi, liftStation, tagIdOf } from './testing/plant.ts';

interface Tenant {
  token: string;
  tenantId: string;
}

describe('notifications and acknowledgement by reply', () => {
  let api: TestApi;
  let a: Tenant;
  let b: Tenant;
  let plant: { siteId: string; gatewayId: string; tagId: string };
  let ts = Date.now() - 600_000;
  let twilio: Server;
  const twilioRequests: { url: string; body: string }[] = [];

  const level = async (value: number) => {
    ts += 1000;
    return createAlarmEvaluator({
      store: api.runtime.store,
      ids: api.runtime.deps.ids,
      clock: systemClock,
    }).evaluate({
      tenantId: a.tenantId,
      siteId: plant.siteId,
      gatewayId: plant.gatewayId,
      points: await resolveForAlarms(api.runtime.store, [
        {
          tenantId: a.tenantId,
          siteId: plant.siteId,
          gatewayId: plant.gatewayId,
          deviceKey: 'plc-1',
          tagKey: 'level',
          ts,
          value,
          quality: 'good',
        },
      ]),
    });
  };

  /** A fresh rule on the wet well level, raised: its one alarm, active and unacknowledged. */
  const raiseAlarm = async (name: string): Promise<{ ruleId: string; alarmId: string }> => {
    const rule = await api.call('POST', '/v1/alarm-rules', {
      token: a.token,
      body: {
        kind: 'limit',
        tagId: plant.tagId,
        name,
        levels: [{ level: 'hi', threshold: 4, severity: 'high' }],
      },
    });
    await level(3);
    await level(4.7);
    const alarms = await api.call('GET', '/v1/alarms?status=all', { token: a.token });
    const alarm = alarms.body.alarms.find((x: { ruleId: string }) => x.ruleId === rule.body.id);
    expect(alarm?.state).toBe('active-unacked');
    return { ruleId: rule.body.id, alarmId: alarm.id };
  };

  /** A fresh alarm (as raiseAlarm), paged by SMS to `to`: the page a reply from that number answers. */
  const raiseAndPageBySms = async (name: string, to: string, body: string) => {
    const raised = await raiseAlarm(name);
    await api.runtime.notifier.send({
      tenantId: a.tenantId,
      channel: 'sms',
      to,
      body,
      alarmId: raised.alarmId,
      idempotencyKey: `sms-${raised.alarmId}`,
    });
    return raised;
  };

  const alarmState = async (ruleId: string) =>
    (await api.call('GET', '/v1/alarms?status=all', { token: a.token })).body.alarms.find(
      (x: { ruleId: string }) => x.ruleId === ruleId,
    )?.state;

  const events = async (ruleId: string) =>
    (await api.call('GET', `/v1/alarms/${ruleId}/events`, { token: a.token })).body.events as {
      kind: string;
      channel: string;
      by: { type: string; id?: string; name?: string };
    }[];

  /** POSTs a Twilio-style form to one of the webhook routes, signed with `authToken` unless told otherwise. */
  const twilioPost = async (
    pathAndQuery: string,
    form: Record<string, string>,
    sign: { authToken?: string; signature?: string },
  ) => {
    const url = `${api.runtime.apiUrl}${pathAndQuery}`;
    const params = Object.entries(form);
    const signature =
      sign.signature ?? (sign.authToken ? twilioSignature(sign.authToken, url, params) : undefined);
    const response = await fetch(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        ...(signature ? { 'x-twilio-signature': signature } : {}),
      },
      body: new URLSearchParams(form).toString(),
    });
    return {
      status: response.status,
      type: response.headers.get('content-type'),
      text: await response.text(),
    };
  };

  const authTokenOf = async (tenantId: string) => {
    const token = (await api.runtime.deps.notify.secrets.get(tenantId)).twilioAuthToken;
    if (!token) throw new Error('the local runtime gave the tenant no Twilio auth token');
    return token;
  };

  const outbox = async (query = '') =>
    (await api.call('GET', `/v1/outbox${query}`, { token: a.token })).body.notifications as {
      id: string;
      channel: string;
      recipient: string;
      body: string;
      status: string;
      provider: string;
      alarmId: string | null;
    }[];

  beforeAll(async () => {
    twilio = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk) => {
        body += chunk;
      });
      req.on('end', () => {
        twilioRequests.push({ url: req.url ?? '', body });
        res
          .writeHead(201, { 'content-type': 'application/json' })
          .end(JSON.stringify({ sid: `SM${randomUUID()}` }));
      });
    });
    await new Promise<void>((done) => twilio.listen(0, '127.0.0.1', done));
    api = await startTestApi({ twilioApiUrl: `http://127.0.0.1:${(twilio.address() as AddressInfo).port}` });
    a = await api.signUp('notify-a');
    b = await api.signUp('notify-b');
    // B's first message gives B its own (local) Twilio auth token, as it does for every tenant.
    await api.runtime.notifier.send({
      tenantId: b.tenantId,
      channel: 'sms',
      to: '+447700900999',
      body: 'B test page',
      idempotencyKey: 'b-first',
    });
    const added = await addPlantOverApi(api, a.token, liftStation);
    plant = { siteId: added.siteId, gatewayId: added.gatewayId, tagId: tagIdOf(added, 'level') };
  }, 60_000);
  afterAll(async () => {
    await api?.close();
    await new Promise<void>((done) => twilio?.close(() => done()));
  });

  it('keeps every message in the outbox, sends one key once, and filters newest first', async () => {
    const { alarmId } = await raiseAlarm('Outbox');
    const message = {
      tenantId: a.tenantId,
      channel: 'sms' as const,
      to: '+447700900001',
      body: 'Outbox: wet well level 4.7 m',
      alarmId,
      idempotencyKey: `outbox-${alarmId}`,
    };
    const first = await api.runtime.notifier.send(message);
    const again = await api.runtime.notifier.send(message);
    expect(first).toMatchObject({ provider: 'outbox', status: 'sent', duplicate: false });
    expect(again).toMatchObject({ notificationId: first.notificationId, duplicate: true });
    await api.runtime.notifier.send({
      ...message,
      channel: 'voice',
      idempotencyKey: `outbox-voice-${alarmId}`,
    });

    const forAlarm = await outbox(`?alarmId=${alarmId}`);
    expect(forAlarm.map((n) => [n.channel, n.status, n.provider])).toEqual([
      ['voice', 'sent', 'outbox'],
      ['sms', 'sent', 'outbox'],
    ]);
    expect((await outbox(`?alarmId=${alarmId}&channel=sms`)).map((n) => n.id)).toEqual([
      first.notificationId,
    ]);
    expect((await api.call('GET', '/v1/outbox?limit=0', { token: a.token })).status).toBe(400);
    const bOutbox = (await api.call('GET', '/v1/outbox', { token: b.token })).body.notifications;
    expect(bOutbox.map((n: { tenantId: string; body: string }) => [n.tenantId, n.body])).toEqual([
      [b.tenantId, 'B test page'],
    ]);
  });

  it('acknowledges the alarm a number was last paged about when it replies "ok", signed with the tenant\'s token', async () => {
    const from = '+447700900002';
    const { ruleId } = await raiseAndPageBySms(
      'SMS reply',
      from,
      'SMS reply: wet well level 4.7 m. Reply OK to acknowledge.',
    );
    const reply = await twilioPost(
      `/v1/webhooks/twilio/${a.tenantId}/sms`,
      { From: from, To: '+15005550006', Body: 'Ok!', MessageSid: `SM${randomUUID()}` },
      { authToken: await authTokenOf(a.tenantId) },
    );
    expect(reply.status).toBe(200);
    expect(reply.type).toMatch(/^application\/xml/);
    expect(reply.text).toContain('<Message>Acknowledged: SMS reply');
    expect(await alarmState(ruleId)).toBe('active-acked');
    expect((await events(ruleId)).find((e) => e.kind === 'acknowledged')).toMatchObject({
      channel: 'sms',
      by: { type: 'contact', name: from },
    });
  });

  it.each([
    ['a forged signature', async () => ({ signature: 'AAAAAAAAAAAAAAAAAAAAAAAAAAA=' })],
    ['no signature', async () => ({})],
    [
      "a signature with another tenant's auth token",
      async () => ({ authToken: await authTokenOf(b.tenantId) }),
    ],
  ])('refuses an SMS reply with %s (403) and changes nothing', async (_, signing) => {
    const from = `+4477009${String(Math.floor(Math.random() * 90_000) + 10_000)}`;
    const { ruleId } = await raiseAndPageBySms(`Forged ${randomUUID()}`, from, 'Forged reply test');
    const before = await events(ruleId);
    const reply = await twilioPost(
      `/v1/webhooks/twilio/${a.tenantId}/sms`,
      { From: from, Body: 'ack' },
      await signing(),
    );
    expect(reply.status).toBe(403);
    expect(await alarmState(ruleId)).toBe('active-unacked');
    expect(await events(ruleId)).toEqual(before);
  });

  it('answers a reply that is not an acknowledgement with how to acknowledge, and leaves the alarm alone', async () => {
    const from = '+447700900003';
    const { ruleId } = await raiseAndPageBySms('Not an ack', from, 'Not an ack test');
    const reply = await twilioPost(
      `/v1/webhooks/twilio/${a.tenantId}/sms`,
      { From: from, Body: 'no, who is this?' },
      { authToken: await authTokenOf(a.tenantId) },
    );
    expect(reply.status).toBe(200);
    expect(reply.text).toContain('reply ACK');
    expect(await alarmState(ruleId)).toBe('active-unacked');
  });

  it('acknowledges when the person called presses 1, through the signed callback that names the alarm', async () => {
    const { ruleId, alarmId } = await raiseAlarm('Voice');
    const to = '+447700900004';
    const callback = new URL(
      voiceCallbackUrl(api.runtime.apiUrl, {
        tenantId: a.tenantId,
        channel: 'voice',
        to,
        body: 'x',
        alarmId,
        idempotencyKey: 'v',
        notificationId: randomUUID(),
      }),
    );
    const pathAndQuery = `${callback.pathname}${callback.search}`;
    const token = await authTokenOf(a.tenantId);
    const wrongDigit = await twilioPost(pathAndQuery, { To: to, Digits: '2' }, { authToken: token });
    expect(wrongDigit.text).toContain('not acknowledged');
    expect(await alarmState(ruleId)).toBe('active-unacked');

    const pressed = await twilioPost(
      pathAndQuery,
      { To: to, Digits: '1', CallSid: 'CA1' },
      { authToken: token },
    );
    expect(pressed.status).toBe(200);
    expect(pressed.text).toMatch(/<Say>Voice .*is acknowledged/);
    expect(await alarmState(ruleId)).toBe('active-acked');
    expect((await events(ruleId)).find((e) => e.kind === 'acknowledged')?.channel).toBe('voice');
  });

  it("checks signatures against API Gateway's domain where that is the public URL (AWS without PUBLIC_API_URL), and never against Host locally", async () => {
    const from = '+447700900006';
    const { ruleId } = await raiseAndPageBySms('Gateway domain', from, 'Gateway domain test');
    const domain = 'abc123.execute-api.eu-west-1.amazonaws.com';
    const path = `/v1/webhooks/twilio/${a.tenantId}/sms`;
    const form = { From: from, Body: 'yes' };
    const signature = twilioSignature(
      await authTokenOf(a.tenantId),
      `https://${domain}${path}`,
      Object.entries(form),
    );
    const event = {
      version: '2.0',
      routeKey: '$default',
      rawPath: path,
      rawQueryString: '',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        'x-twilio-signature': signature,
        host: domain,
      },
      requestContext: { domainName: domain, http: { method: 'POST', path, sourceIp: '127.0.0.1' } },
      body: new URLSearchParams(form).toString(),
      isBase64Encoded: false,
    } as unknown as Parameters<ReturnType<typeof createPlantwatchApi>>[0];
    const notConfigured = () => {
      throw new Error('PUBLIC_API_URL is not set');
    };

    // Locally (the runtime's own deps) a Host naming another domain gets nowhere.
    const local = await createPlantwatchApi(api.runtime.deps)(event);
    expect(local.statusCode).toBe(403);
    expect(await alarmState(ruleId)).toBe('active-unacked');

    const onAws = createPlantwatchApi({
      ...api.runtime.deps,
      notify: { ...api.runtime.deps.notify, publicApiUrl: notConfigured, publicUrlFromRequestDomain: true },
    });
    const answered = await onAws(event);
    expect(answered.statusCode).toBe(200);
    expect(answered.body).toContain('Acknowledged');
    expect(await alarmState(ruleId)).toBe('active-acked');
  });

  describe('e-mail acknowledgement links', () => {
    const linkIn = (body: string) => {
      const link = /https?:\/\/\S+\/v1\/ack\/\S+/.exec(body)?.[0];
      if (!link) throw new Error(`no acknowledgement link in: ${body}`);
      return link;
    };
    const send = async (alarmId: string, to = 'fitter@example.com') => {
      const sent = await api.runtime.notifier.send({
        tenantId: a.tenantId,
        channel: 'email',
        to,
        subject: 'HiHi wet well',
        body: 'Wet well level 4.7 m',
        alarmId,
        idempotencyKey: `email-${alarmId}-${to}`,
      });
      const row = (await outbox(`?alarmId=${alarmId}&channel=email`)).find(
        (n) => n.id === sent.notificationId,
      );
      return linkIn(row?.body ?? '');
    };

    it('shows a confirm page on GET without acknowledging, acknowledges on POST, and does nothing the second time', async () => {
      const { ruleId, alarmId } = await raiseAlarm('E-mail link');
      const link = await send(alarmId);

      const shown = await fetch(link);
      const page = await shown.text();
      expect(shown.status).toBe(200);
      expect(shown.headers.get('content-type')).toMatch(/^text\/html/);
      expect(shown.headers.get('referrer-policy')).toBe('no-referrer');
      expect(page).toContain('<form method="post"');
      expect(await alarmState(ruleId)).toBe('active-unacked');

      const used = await fetch(link, { method: 'POST' });
      expect(used.status).toBe(200);
      expect(await used.text()).toMatch(/E-mail link .*is acknowledged/);
      expect(await alarmState(ruleId)).toBe('active-acked');
      const acks = (await events(ruleId)).filter((e) => e.kind === 'acknowledged');
      expect(acks).toEqual([
        expect.objectContaining({ channel: 'email', by: expect.objectContaining({ type: 'contact' }) }),
      ]);

      const again = await fetch(link, { method: 'POST' });
      expect(again.status).toBe(410);
      expect(await again.text()).toContain('already been used');
      expect((await events(ruleId)).filter((e) => e.kind === 'acknowledged')).toHaveLength(1);
    });

    it('does nothing for a link altered to name another tenant, for an unknown token, or once expired', async () => {
      const { ruleId, alarmId } = await raiseAlarm('Link misuse');
      const link = await send(alarmId);
      const token = decodeURIComponent(link.split('/v1/ack/')[1] ?? '');
      const otherTenant = `${b.tenantId}${token.slice(a.tenantId.length)}`;
      const unknown = `${a.tenantId}.${'x'.repeat(43)}`;
      for (const attempt of [otherTenant, unknown]) {
        const res = await fetch(`${api.runtime.apiUrl}/v1/ack/${encodeURIComponent(attempt)}`, {
          method: 'POST',
        });
        expect(res.status).toBe(404);
        expect(await res.text()).toContain('Nothing was changed');
      }
      expect((await fetch(`${api.runtime.apiUrl}/v1/ack/not-a-token`)).status).toBe(400);

      // An expired link: stored as the notifier stores one, with its expiry in the past.
      const expired = `${a.tenantId}.${'e'.repeat(43)}`;
      await api.runtime.store.inTenant(a.tenantId, (repos) =>
        repos.ackTokens.create({
          id: randomUUID(),
          tokenHash: createHash('sha256').update(expired).digest('hex'),
          alarmId,
          recipient: 'fitter@example.com',
          contactId: null,
          expiresAt: new Date(Date.now() - 1000),
        }),
      );
      const expiredUse = await fetch(`${api.runtime.apiUrl}/v1/ack/${expired}`, { method: 'POST' });
      expect(expiredUse.status).toBe(410);
      expect(await expiredUse.text()).toContain('expired');
      expect(await alarmState(ruleId)).toBe('active-unacked');
    });
  });

  describe('notification settings', () => {
    const sid = `AC${'1'.repeat(32)}`;

    it('keeps secrets write-only, and sends SMS through Twilio once the tenant has its own account', async () => {
      const put = await api.call('PUT', '/v1/settings/notifications', {
        token: a.token,
        body: {
          smsProvider: 'twilio',
          twilioAccountSid: sid,
          twilioFromNumber: '+15005550006',
          twilioAuthToken: 'tenant-own-twilio-auth-token',
        },
      });
      expect(put.status).toBe(200);
      expect(put.body).toEqual({
        smsProvider: 'twilio',
        twilioAccountSid: sid,
        twilioFromNumber: '+15005550006',
        twilioAuthTokenSet: true,
        twilioWhatsAppFromNumber: null,
        webhookSigningSecretSet: true,
        telegramBotTokenSet: false,
        telegramBotUsername: null,
        telegramWebhookUrl: null,
        telegramWebhookError: null,
        floodWindowSeconds: 30,
        updatedAt: expect.any(String),
      });
      const read = await api.call('GET', '/v1/settings/notifications', { token: a.token });
      expect(JSON.stringify(read.body)).not.toContain('tenant-own-twilio-auth-token');
      expect(
        JSON.stringify((await api.call('GET', '/v1/settings/notifications', { token: b.token })).body),
      ).not.toContain(sid);

      const before = twilioRequests.length;
      const sent = await api.runtime.notifier.send({
        tenantId: a.tenantId,
        channel: 'sms',
        to: '+447700900005',
        body: 'Through Twilio',
        idempotencyKey: `twilio-${randomUUID()}`,
      });
      expect(sent).toMatchObject({ provider: 'twilio', status: 'sent' });
      expect(sent.providerMessageId).toMatch(/^SM/);
      expect(twilioRequests.slice(before).map((r) => r.url)).toEqual([
        `/2010-04-01/Accounts/${sid}/Messages.json`,
      ]);
      // The tenant's own token now signs its webhooks, including Twilio's word on delivery.
      expect(await authTokenOf(a.tenantId)).toBe('tenant-own-twilio-auth-token');
      const statusPath = `/v1/webhooks/twilio/${a.tenantId}/status`;
      const delivered = { MessageSid: sent.providerMessageId, MessageStatus: 'delivered' };
      expect((await twilioPost(statusPath, delivered, { signature: 'Zm9yZ2Vk' })).status).toBe(403);
      const statusOf = async () => (await outbox()).find((n) => n.id === sent.notificationId)?.status;
      expect(await statusOf()).toBe('sent');
      const ok = await twilioPost(statusPath, delivered, { authToken: 'tenant-own-twilio-auth-token' });
      expect(ok.status).toBe(200);
      expect(await statusOf()).toBe('delivered');

      // Back to the outbox for the other tests' sake: no account, secrets kept unless named.
      const reset = await api.call('PUT', '/v1/settings/notifications', {
        token: a.token,
        body: { smsProvider: 'sns' },
      });
      expect(reset.body).toMatchObject({
        smsProvider: 'sns',
        twilioAccountSid: null,
        twilioAuthTokenSet: true,
      });
    });

    it('refuses malformed settings with a message naming the field', async () => {
      const res = await api.call('PUT', '/v1/settings/notifications', {
        token: a.token,
        body: { smsProvider: 'pigeon', twilioAccountSid: 'nope' },
      });
      expect(res.status).toBe(400);
      expect(res.body.error.details.map((d: { path: string }) => d.path).sort()).toEqual([
        'body.smsProvider',
        'body.twilioAccountSid',
      ]);
    });
  });
});
