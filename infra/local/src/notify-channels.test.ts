// Telegram and WhatsApp on the local runtime, against stand-ins of the Telegram Bot API and Twilio on
// 127.0.0.1 (checking the exact requests): a bot token checked and its webhook set, a chat linked by a
// one-time code, pages sent, replies (to the alarm's message or not) acknowledging once, forged
// signatures refused, unknown chats ignored; and test sends per contact and channel.
import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createAlarmEvaluator } from '@plantwatch/functions/alarms/evaluator';
import { resolveForAlarms } from '@plantwatch/functions/alarms/testing';
import { twilioSignature } from '@plantwatch/functions/notify/adapters/twilio';
import { systemClock } from '@plantwatch/functions/platform/clock';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi } from './testing/harness.ts';
import { addPlantOverApi, liftStation, tagIdOf } from './testing/plant.ts';

interface Recorded {
  url: string;
  body: string;
}

/** A stand-in on 127.0.0.1 that records every request and answers from `answer`. */
async function standIn(answer: (request: Recorded) => { status: number; body: unknown }) {
  const requests: Recorded[] = [];
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => {
      body += chunk;
    });
    req.on('end', () => {
      const recorded = { url: req.url ?? '', body };
      requests.push(recorded);
      const out = answer(recorded);
      res.writeHead(out.status, { 'content-type': 'application/json' }).end(JSON.stringify(out.body));
    });
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    close: () => new Promise<void>((done) => server.close(() => done())),
  };
}

const BOT_TOKEN = '7012345678:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw0';
const BAD_TOKEN = '7012345678:AAxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxBAD';

describe('Telegram and WhatsApp, acknowledged by reply; test sends', () => {
  let api: TestApi;
  let tenant: { token: string; tenantId: string };
  let plant: { siteId: string; gatewayId: string; tagId: string };
  let telegram: Awaited<ReturnType<typeof standIn>>;
  let twilio: Awaited<ReturnType<typeof standIn>>;
  let messageId = 500;
  let ts = Date.now() - 600_000;

  beforeAll(async () => {
    telegram = await standIn(({ url, body }) => {
      if (url.includes('BAD/'))
        return { status: 401, body: { ok: false, error_code: 401, description: 'Unauthorized' } };
      if (url.endsWith('/getMe'))
        return { status: 200, body: { ok: true, result: { id: 1, is_bot: true, username: 'plant_bot' } } };
      if (url.endsWith('/setWebhook')) return { status: 200, body: { ok: true, result: true } };
      messageId += 1;
      const chat = Number(JSON.parse(body).chat_id);
      return {
        status: 200,
        body: { ok: true, result: { message_id: messageId, chat: { id: chat }, date: 1 } },
      };
    });
    twilio = await standIn(() => ({ status: 201, body: { sid: `SM${randomUUID().replaceAll('-', '')}` } }));
    api = await startTestApi({ telegramApiUrl: telegram.url, twilioApiUrl: twilio.url });
    tenant = await api.signUp('channels');
    const added = await addPlantOverApi(api, tenant.token, liftStation);
    plant = { siteId: added.siteId, gatewayId: added.gatewayId, tagId: tagIdOf(added, 'level') };
  }, 60_000);
  afterAll(async () => {
    await api?.close();
    await telegram?.close();
    await twilio?.close();
  });

  const level = async (value: number) => {
    ts += 1000;
    return createAlarmEvaluator({
      store: api.runtime.store,
      ids: api.runtime.deps.ids,
      clock: systemClock,
    }).evaluate({
      tenantId: tenant.tenantId,
      siteId: plant.siteId,
      gatewayId: plant.gatewayId,
      points: await resolveForAlarms(api.runtime.store, [
        {
          tenantId: tenant.tenantId,
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

  const raiseAlarm = async (name: string) => {
    const rule = await api.call('POST', '/v1/alarm-rules', {
      token: tenant.token,
      body: {
        kind: 'limit',
        tagId: plant.tagId,
        name,
        levels: [{ level: 'hi', threshold: 4, severity: 'high' }],
      },
    });
    await level(3);
    await level(4.7);
    const alarms = await api.call('GET', '/v1/alarms?status=all', { token: tenant.token });
    const alarm = alarms.body.alarms.find((x: { ruleId: string }) => x.ruleId === rule.body.id);
    expect(alarm?.state).toBe('active-unacked');
    return { ruleId: rule.body.id as string, alarmId: alarm.id as string };
  };
  const stateOf = async (ruleId: string) =>
    (await api.call('GET', '/v1/alarms?status=all', { token: tenant.token })).body.alarms.find(
      (x: { ruleId: string }) => x.ruleId === ruleId,
    )?.state;
  const acks = async (ruleId: string) =>
    (
      (await api.call('GET', `/v1/alarms/${ruleId}/events`, { token: tenant.token })).body.events as {
        kind: string;
      }[]
    ).filter((e) => e.kind === 'acknowledged').length;

  const putSettings = (body: Record<string, unknown>) =>
    api.call('PUT', '/v1/settings/notifications', {
      token: tenant.token,
      body: { smsProvider: 'twilio', ...body },
    });

  let webhookSecret = '';
  const update = (secret: string | undefined, message: Record<string, unknown>) =>
    api.call('POST', `/v1/webhooks/telegram/${tenant.tenantId}`, {
      headers: secret === undefined ? {} : { 'x-telegram-bot-api-secret-token': secret },
      body: { update_id: Math.floor(Math.random() * 1e9), message: { date: 1, ...message } },
    });

  it('refuses a bot token Telegram refuses, naming the field; saves a good one and points its webhook here with a secret', async () => {
    const refused = await putSettings({ telegramBotToken: BAD_TOKEN });
    expect(refused.status).toBe(422);
    expect(refused.body.error.message).toBe(
      'telegramBotToken: Telegram refused the token (Unauthorized); nothing was changed',
    );

    const saved = await putSettings({ telegramBotToken: BOT_TOKEN });
    expect(saved.status).toBe(200);
    expect(saved.body).toMatchObject({
      telegramBotTokenSet: true,
      telegramBotUsername: 'plant_bot',
      telegramWebhookUrl: `${api.runtime.apiUrl}/v1/webhooks/telegram/${tenant.tenantId}`,
      telegramWebhookError: null,
    });
    expect(JSON.stringify(saved.body)).not.toContain(BOT_TOKEN);
    const setWebhook = telegram.requests.find((r) => r.url === `/bot${BOT_TOKEN}/setWebhook`);
    const sent = JSON.parse(setWebhook?.body ?? '{}');
    expect(sent).toMatchObject({
      url: `${api.runtime.apiUrl}/v1/webhooks/telegram/${tenant.tenantId}`,
      allowed_updates: ['message'],
    });
    expect(sent.secret_token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    webhookSecret = sent.secret_token;
  });

  let contactId = '';
  const chat = 424242;

  it('links a chat to a contact with a one-time code; a wrong or missing secret header gets 403 and links nothing', async () => {
    const contact = await api.call('POST', '/v1/contacts', {
      token: tenant.token,
      body: {
        name: 'Ana (fitter)',
        channels: [{ type: 'telegram' }, { type: 'sms', address: '+447700900321' }],
      },
    });
    expect(contact.status).toBe(201);
    contactId = contact.body.id;
    const planted = await api.call('PATCH', `/v1/contacts/${contactId}`, {
      token: tenant.token,
      body: { channels: [{ type: 'telegram', address: '999' }] },
    });
    expect(planted.status).toBe(422);
    expect(planted.body.error.message).toContain(
      'channels.0.address: a Telegram chat is linked by the person',
    );
    const unlinked = await api.call('POST', `/v1/contacts/${contactId}/test`, {
      token: tenant.token,
      body: { channel: 'telegram' },
    });
    expect(unlinked.status).toBe(422);
    expect(unlinked.body.error.message).toContain('channels.0.address: the Telegram chat is not linked yet');

    const link = await api.call('POST', `/v1/contacts/${contactId}/telegram-link`, { token: tenant.token });
    expect(link.status).toBe(201);
    expect(link.body.url).toBe(`https://t.me/plant_bot?start=${link.body.code}`);

    const start = { message_id: 1, chat: { id: chat }, text: `/start ${link.body.code}` };
    for (const secret of [undefined, 'not-the-secret', `${webhookSecret}x`]) {
      const forged = await update(secret, start);
      expect(forged.status).toBe(403);
    }
    expect(
      (await api.call('GET', `/v1/contacts/${contactId}`, { token: tenant.token })).body.channels[0],
    ).toEqual({
      type: 'telegram',
    });

    const linked = await update(webhookSecret, start);
    expect(linked.status).toBe(200);
    expect(linked.body).toMatchObject({ method: 'sendMessage', chat_id: chat, reply_to_message_id: 1 });
    expect(linked.body.text).toContain('Linked: Plantwatch alarms for Ana (fitter)');
    expect(
      (await api.call('GET', `/v1/contacts/${contactId}`, { token: tenant.token })).body.channels,
    ).toEqual([
      { type: 'telegram', address: String(chat) },
      { type: 'sms', address: '+447700900321' },
    ]);
    const again = await update(webhookSecret, { ...start, chat: { id: 7 } });
    expect(again.body.text).toContain('not valid or has expired');
  });

  it("pages by Telegram, and a reply to the alarm's message acknowledges once; a second reply gets a polite answer", async () => {
    const { ruleId, alarmId } = await raiseAlarm('Telegram wet well');
    const body = 'HIGH alarm at Lift station: Telegram wet well. Reply OK to acknowledge.';
    const receipt = await api.runtime.notifier.send({
      tenantId: tenant.tenantId,
      channel: 'telegram',
      to: String(chat),
      body,
      alarmId,
      contactId,
      idempotencyKey: `tg-${alarmId}`,
    });
    expect(receipt).toMatchObject({
      provider: 'telegram',
      status: 'sent',
      providerMessageId: `${chat}:${messageId}`,
    });
    const request = telegram.requests.at(-1);
    expect(request?.url).toBe(`/bot${BOT_TOKEN}/sendMessage`);
    expect(JSON.parse(request?.body ?? '{}')).toEqual({
      chat_id: String(chat),
      text: body,
      link_preview_options: { is_disabled: true },
    });

    const help = await update(webhookSecret, { message_id: 10, chat: { id: chat }, text: 'who is this?' });
    expect(help.body.text).toBe('To acknowledge the alarm, reply ACK or OK (SIM, SI, ✅ and 👍 work too).');
    expect(await stateOf(ruleId)).toBe('active-unacked');

    const ack = await update(webhookSecret, {
      message_id: 11,
      chat: { id: chat },
      text: ' 👍 ',
      reply_to_message: { message_id: messageId },
    });
    expect(ack.body.text).toBe('Acknowledged: Telegram wet well Hi. Thank you.');
    expect(await stateOf(ruleId)).toBe('active-acked');
    const again = await update(webhookSecret, { message_id: 12, chat: { id: chat }, text: 'Confirmo' });
    expect(again.body.text).toBe(
      'Telegram wet well Hi was already acknowledged or is back to normal. Thank you.',
    );
    expect(await acks(ruleId)).toBe(1);
  });

  it('ignores a chat no contact is linked to, answering nothing and acknowledging nothing', async () => {
    const { ruleId } = await raiseAlarm('Unknown chat');
    const stranger = await update(webhookSecret, { message_id: 1, chat: { id: 31337 }, text: 'ok' });
    expect(stranger.status).toBe(200);
    expect(stranger.body).toEqual({});
    expect(await stateOf(ruleId)).toBe('active-unacked');
  });

  it('pages by WhatsApp through Twilio and acknowledges a signed "sim" reply; a forged one gets 403', async () => {
    const authToken = 'whatsapp-auth-token-0123456789';
    const settings = await putSettings({
      twilioAccountSid: `AC${'b'.repeat(32)}`,
      twilioFromNumber: '+15005550006',
      twilioWhatsAppFromNumber: '+14155238886',
      twilioAuthToken: authToken,
    });
    expect(settings.body).toMatchObject({
      twilioWhatsAppFromNumber: '+14155238886',
      telegramBotTokenSet: true,
    });
    const { ruleId, alarmId } = await raiseAlarm('WhatsApp wet well');
    const to = '+5511987654321';
    await api.runtime.notifier.send({
      tenantId: tenant.tenantId,
      channel: 'whatsapp',
      to,
      body: 'WhatsApp page',
      alarmId,
      idempotencyKey: `wa-${alarmId}`,
    });
    const request = twilio.requests.at(-1);
    expect(request?.url).toBe(`/2010-04-01/Accounts/AC${'b'.repeat(32)}/Messages.json`);
    expect(Object.fromEntries(new URLSearchParams(request?.body))).toMatchObject({
      To: `whatsapp:${to}`,
      From: 'whatsapp:+14155238886',
      Body: 'WhatsApp page',
    });

    const url = `${api.runtime.apiUrl}/v1/webhooks/twilio/${tenant.tenantId}/sms`;
    const form = { From: `whatsapp:${to}`, To: 'whatsapp:+14155238886', Body: 'Sim', MessageSid: 'SMx' };
    const post = (signature: string) =>
      fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': signature },
        body: new URLSearchParams(form).toString(),
      });
    const forged = await post(twilioSignature('another-token-000000000', url, Object.entries(form)));
    expect(forged.status).toBe(403);
    expect(await stateOf(ruleId)).toBe('active-unacked');
    const signed = await post(twilioSignature(authToken, url, Object.entries(form)));
    expect(signed.status).toBe(200);
    expect(await signed.text()).toContain(
      '<Message>Acknowledged: WhatsApp wet well Hi. Thank you.</Message>',
    );
    expect(await stateOf(ruleId)).toBe('active-acked');
  });

  it('sends a test message through the notifier, records it as a test, and checks the address first', async () => {
    const sent = await api.call('POST', `/v1/contacts/${contactId}/test`, {
      token: tenant.token,
      body: { channel: 1 },
    });
    expect(sent.status).toBe(200);
    expect(sent.body).toMatchObject({
      ok: true,
      channelIndex: 1,
      channel: 'sms',
      error: null,
      notification: {
        purpose: 'test',
        status: 'sent',
        provider: 'twilio',
        recipient: '+447700900321',
        contactId,
      },
    });
    const request = twilio.requests.at(-1);
    expect(new URLSearchParams(request?.body).get('Body')).toContain(
      'Plantwatch test message for Ana (fitter) by SMS',
    );
    const tests = await api.call('GET', `/v1/outbox?purpose=test&contactId=${contactId}`, {
      token: tenant.token,
    });
    expect(tests.body.notifications.map((n: { id: string }) => n.id)).toEqual([sent.body.notification.id]);

    const byTelegram = await api.call('POST', `/v1/contacts/${contactId}/test`, {
      token: tenant.token,
      body: { channel: 'telegram' },
    });
    expect(byTelegram.body).toMatchObject({
      ok: true,
      channel: 'telegram',
      notification: { provider: 'telegram' },
    });
    const reply = await update(webhookSecret, {
      message_id: 40,
      chat: { id: chat },
      text: 'ok',
      reply_to_message: { message_id: messageId },
    });
    expect(reply.body.text).toBe('That was a test message: there is nothing to acknowledge.');

    const outOfRange = await api.call('POST', `/v1/contacts/${contactId}/test`, {
      token: tenant.token,
      body: { channel: 5 },
    });
    expect(outOfRange.status).toBe(422);
    expect(outOfRange.body.error.message).toBe('channel: the contact has 2 channels (0 to 1)');
    const badBody = await api.call('POST', `/v1/contacts/${contactId}/test`, {
      token: tenant.token,
      body: { channel: 'pager' },
    });
    expect(badBody.status).toBe(400);

    const trunk = await api.call('POST', '/v1/contacts', {
      token: tenant.token,
      body: { name: 'Trunk zero', channels: [{ type: 'voice', address: '+4407700900123' }] },
    });
    const refused = await api.call('POST', `/v1/contacts/${trunk.body.id}/test`, {
      token: tenant.token,
      body: { channel: 0 },
    });
    expect(refused.status).toBe(422);
    expect(refused.body.error.message).toContain('write it as +447700900123');
    const phoneAsEmail = await api.call('POST', '/v1/contacts', {
      token: tenant.token,
      body: { name: 'Slip', channels: [{ type: 'email', address: '+44 7700 900123' }] },
    });
    expect(phoneAsEmail.status).toBe(400);
    expect(phoneAsEmail.body.error.message).toContain('is a phone number, not an e-mail address');
  });
});
