// The tenant canary on the local runtime, end to end over HTTP on 127.0.0.1: settings (admin, 422
// naming a bad contact), a scheduled slot sent once by the alarm check, acknowledged by a signed SMS
// reply, by the e-mail link, by a Telegram reply (a stand-in of the Bot API on 127.0.0.1) and through
// the API; a canary nobody answers is missed: in the history, counted on /metrics, the admins
// e-mailed; a reply from an unknown number is counted on /metrics too.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createAlarmEvaluator } from '@plantwatch/functions/alarms/evaluator';
import { resolveForAlarms } from '@plantwatch/functions/alarms/testing';
import { twilioSignature } from '@plantwatch/functions/notify/adapters/twilio';
import { systemClock } from '@plantwatch/functions/platform/clock';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi, until } from './testing/harness.ts';
import { addPlantOverApi, liftStation, tagIdOf } from './testing/plant.ts';

interface Recorded {
  url: string;
  body: string;
}

/** The Telegram Bot API's stand-in: getMe, setWebhook and sendMessage, every request recorded. */
async function telegramStandIn() {
  const requests: Recorded[] = [];
  let messageId = 700;
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => {
      body += chunk;
    });
    req.on('end', () => {
      requests.push({ url: req.url ?? '', body });
      const answer = req.url?.endsWith('/getMe')
        ? { ok: true, result: { id: 1, is_bot: true, username: 'canary_bot' } }
        : req.url?.endsWith('/setWebhook')
          ? { ok: true, result: true }
          : { ok: true, result: { message_id: ++messageId, chat: { id: Number(JSON.parse(body).chat_id) } } };
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(answer));
    });
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    lastMessageId: () => messageId,
    close: () => new Promise<void>((done) => server.close(() => done())),
  };
}

const BOT_TOKEN = '7012345678:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw9';
const SAM = '+447700900611';
const CHAT = 515151;

interface CanaryRunBody {
  id: string;
  status: string;
  trigger: string;
  channel: string | null;
  recipient: string | null;
  acknowledgedVia: string | null;
  acknowledgedBy: string | null;
  missedReason: string | null;
  adminNotice: string | null;
}

describe('the tenant canary on the local runtime', () => {
  let api: TestApi;
  let telegram: Awaited<ReturnType<typeof telegramStandIn>>;
  let owner: Awaited<ReturnType<TestApi['signUp']>>;
  /** A second tenant whose canary nobody answers (one minute to acknowledge). */
  let quiet: Awaited<ReturnType<TestApi['signUp']>>;
  let quietRun: CanaryRunBody;
  let quietStartedAt = 0;
  let sam = '';

  const post = async (token: string, path: string, body?: unknown) => {
    const res = await api.call('POST', path, { token, body });
    if (res.status >= 300) throw new Error(`${path}: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body;
  };
  const putCanary = (token: string, body: Record<string, unknown>) =>
    api.call('PUT', '/v1/settings/canary', { token, body });
  const runs = async (token: string): Promise<CanaryRunBody[]> =>
    (await api.call('GET', '/v1/canary/runs', { token })).body.runs;
  const canaryOutbox = async (token: string) =>
    (await api.call('GET', '/v1/outbox?purpose=canary', { token })).body.notifications as {
      channel: string;
      recipient: string;
      body: string;
      canaryRunId: string;
    }[];
  const metrics = async () => (await fetch(`${api.runtime.apiUrl}/metrics`)).text();

  /** Twilio's POST of an incoming SMS, signed with the tenant's auth token. */
  async function smsFrom(tenantId: string, from: string, text: string) {
    const path = `/v1/webhooks/twilio/${tenantId}/sms`;
    const params: [string, string][] = [
      ['From', from],
      ['To', '+447700900999'],
      ['Body', text],
    ];
    const { twilioAuthToken } = await api.runtime.deps.notify.secrets.get(tenantId);
    const url = new URL(path, api.runtime.deps.notify.publicApiUrl()).toString();
    const response = await fetch(`${api.runtime.apiUrl}${path}`, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        'x-twilio-signature': twilioSignature(twilioAuthToken ?? '', url, params),
      },
      body: new URLSearchParams(params).toString(),
    });
    expect(response.status).toBe(200);
    return response.text();
  }

  beforeAll(async () => {
    telegram = await telegramStandIn();
    // the alarm check is run by hand (runNow), so what it does is seen step by step
    api = await startTestApi({ telegramApiUrl: telegram.url, alarmCheckIntervalMs: 3_600_000 });
    owner = await api.signUp('canary');
    sam = (
      await post(owner.token, '/v1/contacts', { name: 'Sam', channels: [{ type: 'sms', address: SAM }] })
    ).id;

    // started first, judged last: the one-minute deadline passes while the other tests run
    quiet = await api.signUp('canary-quiet');
    const nobody = await post(quiet.token, '/v1/contacts', {
      name: 'Nobody',
      channels: [{ type: 'email', address: 'nobody@example.com' }],
    });
    expect(
      (await putCanary(quiet.token, { enabled: true, contactId: nobody.id, ackWithinMinutes: 1 })).status,
    ).toBe(200);
    quietStartedAt = Date.now();
    quietRun = await post(quiet.token, '/v1/canary/runs');
  }, 60_000);
  afterAll(async () => {
    await api?.close();
    await telegram?.close();
  });

  it("saves the settings for an admin; a contact that is not the tenant's is 422 naming contactId; a viewer reads the history only", async () => {
    const stranger = await post(quiet.token, '/v1/contacts', {
      name: 'Other tenant',
      channels: [{ type: 'sms', address: '+447700900612' }],
    });
    const refused = await putCanary(owner.token, { enabled: true, contactId: stranger.id });
    expect(refused.status).toBe(422);
    expect(refused.body.error.message).toBe(`contactId: no contact ${stranger.id} in this tenant`);
    const badDay = await putCanary(owner.token, { enabled: true, contactId: sam, days: [1, 8] });
    expect(badDay.status).toBe(400);
    expect(JSON.stringify(badDay.body.error.details)).toContain('days');

    const saved = await putCanary(owner.token, {
      enabled: true,
      contactId: sam,
      at: '08:00',
      days: [1, 2, 3, 4, 5],
      timeZone: 'Europe/London',
    });
    expect(saved.status).toBe(200);
    expect(saved.body).toMatchObject({
      enabled: true,
      contactId: sam,
      at: '08:00',
      days: [1, 2, 3, 4, 5],
      timeZone: 'Europe/London',
      ackWithinMinutes: 30,
      notifyAdmins: true,
    });
    expect(Date.parse(saved.body.nextDueAt)).toBeGreaterThan(Date.now());

    const viewer = await post(owner.token, '/v1/api-keys', { name: 'wallboard', role: 'viewer' });
    expect((await api.call('GET', '/v1/canary/runs', { token: viewer.secret })).status).toBe(200);
    expect((await api.call('GET', '/v1/settings/canary', { token: viewer.secret })).status).toBe(403);
    expect((await api.call('POST', '/v1/canary/runs', { token: viewer.secret })).status).toBe(403);
  });

  it('sends the slot that fell due once from the alarm check, and a signed SMS "ok" acknowledges it', async () => {
    // the schedule's time has come: the slot last handled was two days ago, the next one now
    await api.runtime.store.inTenant(owner.tenantId, async (repos) => {
      const settings = await repos.canarySettings.get();
      if (!settings) throw new Error('the canary was saved by the previous test');
      const { updatedAt: _updatedAt, ...kept } = settings;
      const now = new Date();
      // every day, so a slot fell due whatever today is
      const days = [0, 1, 2, 3, 4, 5, 6];
      await repos.canarySettings.put(
        { ...kept, days, lastSlotAt: new Date(now.getTime() - 2 * 86_400_000), nextDueAt: now },
        now,
      );
    });
    await api.runtime.alarmCheck.runNow();
    await api.runtime.alarmCheck.runNow();
    const [run, ...older] = await runs(owner.token);
    expect(older).toEqual([]);
    expect(run).toMatchObject({ trigger: 'schedule', status: 'sent', channel: 'sms', recipient: SAM });
    const [page, ...more] = await canaryOutbox(owner.token);
    expect(more).toEqual([]);
    expect(page).toMatchObject({ channel: 'sms', recipient: SAM, canaryRunId: run?.id });
    expect(page?.body).toMatch(
      /^Plantwatch canary for Sam \(canary Utilities\): .* Reply OK by \d\d:\d\d to confirm\.$/,
    );

    expect(await smsFrom(owner.tenantId, SAM, 'what is this?')).toContain(
      'This is the Plantwatch canary: reply OK (or ✅) to show that alarm pages reach you.',
    );
    expect(await smsFrom(owner.tenantId, SAM, 'OK')).toContain(
      '<Message>Canary acknowledged: alarm pages reach you. Thank you.</Message>',
    );
    expect(await smsFrom(owner.tenantId, SAM, 'ok')).toContain('This canary was already acknowledged.');
    const [acknowledged] = await runs(owner.token);
    expect(acknowledged).toMatchObject({
      status: 'acknowledged',
      acknowledgedVia: 'sms',
      acknowledgedBy: `SMS reply from ${SAM}`,
    });
  });

  it('is acknowledged by the link in its e-mail: the page asks first, the button acknowledges once', async () => {
    const mailbox = await post(owner.token, '/v1/contacts', {
      name: 'Morgan',
      channels: [{ type: 'email', address: 'morgan@example.com' }],
    });
    expect((await putCanary(owner.token, { enabled: true, contactId: mailbox.id })).status).toBe(200);
    const run = await post(owner.token, '/v1/canary/runs');
    expect(run).toMatchObject({ trigger: 'manual', status: 'sent', channel: 'email' });
    const mail = (await canaryOutbox(owner.token)).find((message) => message.canaryRunId === run.id);
    const link = /http:\/\/\S+\/v1\/ack\/\S+/.exec(mail?.body ?? '')?.[0] ?? '';
    expect(link).not.toBe('');
    const ask = await fetch(link);
    expect(await ask.text()).toContain('Acknowledge this canary test page as morgan@example.com?');
    expect((await runs(owner.token))[0]?.status).toBe('sent');
    const used = await fetch(link, { method: 'POST' });
    expect(await used.text()).toContain('Canary acknowledged: alarm pages reach you.');
    expect((await fetch(link, { method: 'POST' })).status).toBe(410);
    expect((await runs(owner.token))[0]).toMatchObject({ status: 'acknowledged', acknowledgedVia: 'email' });
  });

  it('is acknowledged by a Telegram reply to its message', async () => {
    const saved = await api.call('PUT', '/v1/settings/notifications', {
      token: owner.token,
      body: { smsProvider: 'twilio', telegramBotToken: BOT_TOKEN },
    });
    expect(saved.status).toBe(200);
    const secret = JSON.parse(telegram.requests.find((r) => r.url.endsWith('/setWebhook'))?.body ?? '{}')
      .secret_token as string;
    const update = (message: Record<string, unknown>) =>
      api.call('POST', `/v1/webhooks/telegram/${owner.tenantId}`, {
        headers: { 'x-telegram-bot-api-secret-token': secret },
        body: {
          update_id: Math.floor(Math.random() * 1e9),
          message: { date: 1, chat: { id: CHAT }, ...message },
        },
      });
    const ana = await post(owner.token, '/v1/contacts', { name: 'Ana', channels: [{ type: 'telegram' }] });
    const code = (await post(owner.token, `/v1/contacts/${ana.id}/telegram-link`)).code;
    expect((await update({ message_id: 1, text: `/start ${code}` })).body.text).toContain('Linked');

    expect((await putCanary(owner.token, { enabled: true, contactId: ana.id })).status).toBe(200);
    const run = await post(owner.token, '/v1/canary/runs');
    expect(run).toMatchObject({ status: 'sent', channel: 'telegram', recipient: String(CHAT) });
    const sent = telegram.requests.at(-1);
    expect(sent?.url).toBe(`/bot${BOT_TOKEN}/sendMessage`);
    expect(JSON.parse(sent?.body ?? '{}').text).toContain('Reply OK (or ✅) to this message by');

    const ack = await update({
      message_id: 2,
      text: '✅',
      reply_to_message: { message_id: telegram.lastMessageId() },
    });
    expect(ack.body).toMatchObject({
      method: 'sendMessage',
      chat_id: CHAT,
      text: 'Canary acknowledged: alarm pages reach you. Thank you.',
    });
    expect((await runs(owner.token))[0]).toMatchObject({
      status: 'acknowledged',
      acknowledgedVia: 'telegram',
    });
  });

  it('is acknowledged from the web app through the API (operator); another tenant gets 404', async () => {
    expect((await putCanary(owner.token, { enabled: true, contactId: sam })).status).toBe(200);
    const run = await post(owner.token, '/v1/canary/runs');
    const operator = await post(owner.token, '/v1/api-keys', { name: 'control room', role: 'operator' });
    const foreign = await api.call('POST', `/v1/canary/runs/${run.id}/acknowledge`, { token: quiet.token });
    expect(foreign.status).toBe(404);
    const ack = await api.call('POST', `/v1/canary/runs/${run.id}/acknowledge`, { token: operator.secret });
    expect(ack.status).toBe(200);
    expect(ack.body).toMatchObject({
      outcome: 'acknowledged',
      run: { id: run.id, status: 'acknowledged', acknowledgedVia: 'api' },
    });
    const again = await api.call('POST', `/v1/canary/runs/${run.id}/acknowledge`, { token: owner.token });
    expect(again.body.outcome).toBe('already');
  });

  it('never shadows an alarm page: once the canary is acknowledged, the next "ok" acknowledges the alarm paged before it', async () => {
    const plant = await addPlantOverApi(api, owner.token, liftStation);
    const rule = await post(owner.token, '/v1/alarm-rules', {
      kind: 'limit',
      tagId: tagIdOf(plant, 'level'),
      name: 'Wet well',
      levels: [{ level: 'hi', threshold: 4, severity: 'high' }],
    });
    const evaluator = createAlarmEvaluator({
      store: api.runtime.store,
      ids: api.runtime.deps.ids,
      clock: systemClock,
    });
    const ts = Date.now() - 5_000;
    for (const [offset, value] of [
      [0, 3],
      [1_000, 4.7],
    ] as const) {
      const record = { tenantId: owner.tenantId, siteId: plant.siteId, gatewayId: plant.gatewayId };
      await evaluator.evaluate({
        ...record,
        points: await resolveForAlarms(api.runtime.store, [
          { ...record, deviceKey: 'plc-1', tagKey: 'level', ts: ts + offset, value, quality: 'good' },
        ]),
      });
    }
    const alarmState = async () =>
      (await api.call('GET', '/v1/alarms?status=all', { token: owner.token })).body.alarms.find(
        (alarm: { ruleId: string }) => alarm.ruleId === rule.id,
      );
    const alarm = await alarmState();
    expect(alarm.state).toBe('active-unacked');
    // Sam is paged about the alarm, then the canary goes to Sam too
    await api.runtime.notifier.send({
      tenantId: owner.tenantId,
      channel: 'sms',
      to: SAM,
      body: 'HIGH alarm at Lift station: Wet well Hi. Reply OK to acknowledge.',
      alarmId: alarm.id,
      idempotencyKey: `page-${alarm.id}`,
    });
    expect((await post(owner.token, '/v1/canary/runs')).status).toBe('sent');
    expect(await smsFrom(owner.tenantId, SAM, 'ok')).toContain('Canary acknowledged');
    expect((await alarmState()).state).toBe('active-unacked');
    expect(await smsFrom(owner.tenantId, SAM, 'ok')).toContain(
      '<Message>Acknowledged: Wet well Hi. Thank you.</Message>',
    );
    expect((await alarmState()).state).toBe('active-acked');
  });

  it('counts a reply from a number nobody was paged at on /metrics', async () => {
    expect(await smsFrom(owner.tenantId, '+447700900999', 'ok')).toBe(
      '<?xml version="1.0" encoding="UTF-8"?><Response></Response>',
    );
    expect(await metrics()).toContain('plantwatch_replies_ignored_total{channel="sms"} 1');
  });

  it('records a canary nobody acknowledged as missed: in the history, on /metrics, and e-mailed to the admins', {
    timeout: 120_000,
  }, async () => {
    expect(quietRun).toMatchObject({ status: 'sent', channel: 'email' });
    // its one minute runs out (started before the other tests)
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, quietStartedAt + 61_000 - Date.now())));
    const missed = await until(
      'the quiet canary judged missed',
      async () => {
        await api.runtime.alarmCheck.runNow();
        const [run] = await runs(quiet.token);
        return run?.status === 'missed' ? run : undefined;
      },
      10_000,
      200,
    );
    expect(missed).toMatchObject({
      id: quietRun.id,
      missedReason: 'not acknowledged within 1 minute',
      adminNotice: 'e-mailed 1 of 1 admin(s)',
    });
    const notices = (await api.call('GET', '/v1/outbox?purpose=canary-missed', { token: quiet.token })).body
      .notifications;
    expect(notices).toEqual([
      expect.objectContaining({ channel: 'email', recipient: quiet.email, canaryRunId: quietRun.id }),
    ]);
    expect(notices[0].subject).toMatch(
      /^\[Plantwatch\] Canary missed: Nobody did not acknowledge the \d\d:\d\d test page$/,
    );
    const text = await metrics();
    expect(text).toContain('plantwatch_tenant_canaries_missed_total{reason="unacknowledged"} 1');
    expect(text).toMatch(/plantwatch_tenant_canaries_sent_total\{channel="sms"\} [1-9]/);
    expect(text).toMatch(/plantwatch_tenant_canary_ack_seconds_count [1-9]/);
    // the owner's runs were all answered: nothing of theirs is missed
    expect((await runs(owner.token)).map((run) => run.status)).not.toContain('missed');
  });
});
