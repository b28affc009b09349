// What the web app needs from the API, through the local runtime over HTTP: the alarm summary and its
// event stream (pushed on a raise, let go of when the client leaves), clearedAt, the shelved and
// out-of-service filters, each user's preferences, and contacts paged in their own language.
import { randomUUID } from 'node:crypto';
import { createAlarmEvaluator } from '@plantwatch/functions/alarms/evaluator';
import { resolveForAlarms } from '@plantwatch/functions/alarms/testing';
import { systemClock } from '@plantwatch/functions/platform/clock';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi } from './testing/harness.ts';
import { addPlantOverApi, liftStation, tagIdOf } from './testing/plant.ts';

let api: TestApi;
let owner: { token: string; tenantId: string; userId: string };
let plant: { siteId: string; gatewayId: string; tagId: string };

/** A level sample through the runtime's own evaluator, dispatcher and change feed (as ingest hands it over). */
async function level(value: number, ts = Date.now()) {
  await createAlarmEvaluator({
    store: api.runtime.store,
    ids: api.runtime.deps.ids,
    clock: systemClock,
    dispatcher: api.runtime.deps.dispatcher,
    changes: api.runtime.deps.changes,
  }).evaluate({
    tenantId: owner.tenantId,
    siteId: plant.siteId,
    gatewayId: plant.gatewayId,
    points: await resolveForAlarms(api.runtime.store, [
      {
        tenantId: owner.tenantId,
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
}

async function newRule(name: string, threshold: number, extra: Record<string, unknown> = {}) {
  const res = await api.call('POST', '/v1/alarm-rules', {
    token: owner.token,
    body: {
      kind: 'limit',
      tagId: plant.tagId,
      name,
      levels: [{ level: 'hi', threshold, severity: 'critical' }],
      ...extra,
    },
  });
  expect(res.status).toBe(201);
  return res.body.id as string;
}

/** Reads server-sent events off a fetch body, one parsed event at a time. */
function eventReader(body: ReadableStream<Uint8Array>) {
  const reader = body.pipeThrough(new TextDecoderStream()).getReader();
  let buffered = '';
  return {
    async next(timeoutMs = 5_000): Promise<{ event: string; data: unknown }> {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const end = buffered.indexOf('\n\n');
        if (end >= 0) {
          const block = buffered.slice(0, end);
          buffered = buffered.slice(end + 2);
          const event = /^event: (.*)$/m.exec(block)?.[1];
          const data = /^data: (.*)$/m.exec(block)?.[1];
          if (event && data) return { event, data: JSON.parse(data) };
          continue;
        }
        const left = deadline - Date.now();
        if (left <= 0) throw new Error('no event in time');
        const chunk = await Promise.race([
          reader.read(),
          new Promise<never>((_, fail) => setTimeout(() => fail(new Error('no event in time')), left)),
        ]);
        if (chunk.done) throw new Error('the stream ended');
        buffered += chunk.value;
      }
    },
    cancel: () => reader.cancel(),
  };
}

const listeners = () => (api.runtime.deps.changes as { listenerCount?: () => number }).listenerCount?.();

beforeAll(async () => {
  api = await startTestApi({ escalationWaitMs: 50 });
  owner = await api.signUp('web-api');
  const added = await addPlantOverApi(api, owner.token, liftStation);
  plant = { siteId: added.siteId, gatewayId: added.gatewayId, tagId: tagIdOf(added, 'level') };
});

afterAll(async () => {
  await api?.close();
});

describe('the alarm summary and its stream', () => {
  it('pushes the summary when an alarm is raised, and lets go when the client leaves', async () => {
    await newRule('Stream level high', 50);
    await level(10);
    const controller = new AbortController();
    const response = await fetch(`${api.runtime.apiUrl}/v1/alarms/summary/stream`, {
      headers: { authorization: `Bearer ${owner.token}` },
      signal: controller.signal,
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    expect(response.headers.get('cache-control')).toBe('no-cache, no-transform');
    if (!response.body) throw new Error('no body');
    const events = eventReader(response.body);
    const opening = await events.next();
    expect(opening).toMatchObject({ event: 'summary', data: { total: 0 } });
    expect(listeners()).toBe(1);

    const raisedAt = Date.now();
    await level(60);
    const pushed = await events.next(2_000);
    expect(pushed).toMatchObject({
      event: 'summary',
      data: { total: 1, worst: 'critical', newest: { name: 'Stream level high Hi' } },
    });
    process.stderr.write(
      `web-api: summary pushed ${Date.now() - raisedAt} ms after the raise was recorded\n`,
    );

    controller.abort();
    for (const deadline = Date.now() + 2_000; listeners() !== 0 && Date.now() < deadline; ) {
      await new Promise((done) => setTimeout(done, 20));
    }
    expect(listeners()).toBe(0);
  });

  it('refuses a stream without credentials with the JSON error envelope', async () => {
    const res = await api.call('GET', '/v1/alarms/summary/stream');
    expect(res.status).toBe(401);
    expect(res.body.error.code).toBe('unauthenticated');
  });

  it('answers the summary as JSON too, shelved alarms counted apart', async () => {
    const ruleId = await newRule('Summary shelved', 55);
    await level(70);
    const before = (await api.call('GET', '/v1/alarms/summary', { token: owner.token })).body;
    const shelved = await api.call('POST', `/v1/alarms/${ruleId}/shelve`, {
      token: owner.token,
      body: { minutes: 30, reason: 'sensor swap' },
    });
    expect(shelved.status).toBe(200);
    const after = (await api.call('GET', '/v1/alarms/summary', { token: owner.token })).body;
    expect(after.unacked.critical).toBe(before.unacked.critical - 1);
    expect(after.suppressed.shelved).toBe(before.suppressed.shelved + 1);
  });
});

describe('a site live', () => {
  it('opens with values, alarms and gateways, then pushes newer values and changed alarms', async () => {
    const ruleId = await newRule('Site stream high', 90);
    await level(20);
    const controller = new AbortController();
    const response = await fetch(`${api.runtime.apiUrl}/v1/telemetry/stream?siteId=${plant.siteId}`, {
      headers: { authorization: `Bearer ${owner.token}` },
      signal: controller.signal,
    });
    expect(response.status).toBe(200);
    if (!response.body) throw new Error('no body');
    const events = eventReader(response.body);
    const opened = [await events.next(), await events.next(), await events.next()].map((e) => e.event);
    expect(opened).toEqual(['values', 'alarms', 'gateways']);

    // a stored sample, as ingest stores it and then says so
    const ts = Date.now();
    await api.runtime.telemetry.write([
      {
        tenantId: owner.tenantId,
        siteId: plant.siteId,
        gatewayId: plant.gatewayId,
        deviceKey: 'plc-1',
        tagKey: 'level',
        ts,
        value: 42.5,
        quality: 'good',
      },
    ]);
    api.runtime.deps.changes?.publish({ tenantId: owner.tenantId, topic: 'values', siteId: plant.siteId });
    const values = await events.next(2_000);
    expect(values).toMatchObject({
      event: 'values',
      data: { values: [{ tagId: plant.tagId, ts, value: 42.5 }] },
    });

    await level(95);
    const alarms = (await events.next(2_000)) as { event: string; data: { alarms: { ruleId: string }[] } };
    expect(alarms.event).toBe('alarms');
    expect(alarms.data.alarms.map((alarm) => alarm.ruleId)).toContain(ruleId);
    controller.abort();
  });

  it("answers another tenant's site with 404 before any stream opens", async () => {
    const other = await api.signUp('web-api-other');
    const res = await api.call('GET', `/v1/telemetry/stream?siteId=${plant.siteId}`, { token: other.token });
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe('not_found');
  });
});

describe('alarms as the console reads them', () => {
  it('says when a cleared alarm cleared, and nothing while it is active', async () => {
    const ruleId = await newRule('Clears', 40);
    await level(45, Date.now() - 2_000);
    const active = (await api.call('GET', `/v1/alarms?status=all&ruleId=${ruleId}`, { token: owner.token }))
      .body.alarms[0];
    expect(active).toMatchObject({ state: 'active-unacked', clearedAt: null });
    const clearTs = Date.now() - 1_000;
    await level(10, clearTs);
    const cleared = (await api.call('GET', `/v1/alarms?status=all&ruleId=${ruleId}`, { token: owner.token }))
      .body.alarms[0];
    expect(cleared.state).toBe('cleared-unacked');
    expect(Date.parse(cleared.clearedAt)).toBe(clearTs);
    // the action's answer carries it too
    const acked = await api.call('POST', `/v1/alarms/${ruleId}/acknowledge`, {
      token: owner.token,
      body: {},
    });
    expect(acked.body.alarms[0]).toMatchObject({ state: 'normal', clearedAt: cleared.clearedAt });
  });

  it('filters shelved and out-of-service alarms, and names a bad filter value', async () => {
    const shelvedRule = await newRule('Filter shelved', 41);
    const oosRule = await newRule('Filter out of service', 42);
    await level(80);
    await api.call('POST', `/v1/alarms/${shelvedRule}/shelve`, {
      token: owner.token,
      body: { minutes: 30, reason: 'maintenance' },
    });
    await api.call('POST', `/v1/alarms/${oosRule}/remove-from-service`, {
      token: owner.token,
      body: { reason: 'sensor removed' },
    });
    const names = async (query: string) =>
      (
        (await api.call('GET', `/v1/alarms?status=all&${query}`, { token: owner.token })).body.alarms as {
          name: string;
        }[]
      ).map((alarm) => alarm.name);
    expect(await names('shelved=true')).toContain('Filter shelved Hi');
    expect(await names('shelved=true')).not.toContain('Filter out of service Hi');
    expect(await names('shelved=false')).not.toContain('Filter shelved Hi');
    expect(await names('outOfService=true')).toEqual(['Filter out of service Hi']);
    expect(await names('outOfService=false')).not.toContain('Filter out of service Hi');
    const bad = await api.call('GET', '/v1/alarms?shelved=yes', { token: owner.token });
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body.error.details)).toContain('query.shelved');
  });
});

describe("each user's preferences", () => {
  it('starts with the defaults, keeps what is saved (units as the catalogue writes them), per user', async () => {
    const fresh = await api.call('GET', '/v1/me/preferences', { token: owner.token });
    expect(fresh.body).toEqual({
      language: null,
      theme: 'system',
      timeZone: null,
      units: {},
      alarmSound: true,
      updatedAt: null,
    });
    const saved = await api.call('PUT', '/v1/me/preferences', {
      token: owner.token,
      body: {
        language: 'pt-BR',
        theme: 'dark',
        timeZone: 'America/Sao_Paulo',
        units: { temperature: 'degF' },
        alarmSound: false,
      },
    });
    expect(saved.status).toBe(200);
    expect(saved.body).toMatchObject({
      language: 'pt-BR',
      theme: 'dark',
      timeZone: 'America/Sao_Paulo',
      units: { temperature: '°F' },
      alarmSound: false,
    });
    expect((await api.call('GET', '/v1/me/preferences', { token: owner.token })).body).toEqual(saved.body);
    // a field left out takes its default
    const reset = await api.call('PUT', '/v1/me/preferences', {
      token: owner.token,
      body: { theme: 'light' },
    });
    expect(reset.body).toMatchObject({ language: null, theme: 'light', units: {}, alarmSound: true });
    // another user of the tenant has their own
    const invite = await api.call('POST', '/v1/users', {
      token: owner.token,
      body: { email: `pref-${randomUUID()}@example.com`, name: 'Op', role: 'operator' },
    });
    const accepted = await api.call('POST', '/v1/auth/accept-invite', {
      body: { token: invite.body.inviteToken, password: 'a long enough passphrase' },
    });
    const other = await api.call('GET', '/v1/me/preferences', { token: accepted.body.token });
    expect(other.body.theme).toBe('system');
  });

  it('names a field that is wrong, and keeps preferences for users, not API keys', async () => {
    const bad = await api.call('PUT', '/v1/me/preferences', {
      token: owner.token,
      body: { units: { temperature: 'bar' }, language: 'fr' },
    });
    expect(bad.status).toBe(400);
    const paths = JSON.stringify(bad.body.error.details);
    expect(paths).toContain('body.units.temperature');
    expect(paths).toContain('body.language');
    const key = await api.call('POST', '/v1/api-keys', {
      token: owner.token,
      body: { name: 'k', role: 'viewer' },
    });
    const byKey = await api.call('GET', '/v1/me/preferences', { token: key.body.secret });
    expect(byKey.status).toBe(403);
  });
});

describe('contacts in their own language', () => {
  it('keeps a language per contact (English when not given) and refuses one Plantwatch does not speak', async () => {
    const created = await api.call('POST', '/v1/contacts', {
      token: owner.token,
      body: { name: 'Default', channels: [{ type: 'sms', address: '+447700900111' }] },
    });
    expect(created.body.language).toBe('en-GB');
    const changed = await api.call('PATCH', `/v1/contacts/${created.body.id}`, {
      token: owner.token,
      body: { language: 'es' },
    });
    expect(changed.body.language).toBe('es');
    const bad = await api.call('PATCH', `/v1/contacts/${created.body.id}`, {
      token: owner.token,
      body: { language: 'fr' },
    });
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body.error.details)).toContain('body.language');
  });

  it("pages a contact in the contact's language, the value written as that language writes numbers", async () => {
    const contact = await api.call('POST', '/v1/contacts', {
      token: owner.token,
      body: { name: 'Operadora', language: 'pt-BR', channels: [{ type: 'sms', address: '+5511987654321' }] },
    });
    const policy = await api.call('POST', '/v1/escalation-policies', {
      token: owner.token,
      body: {
        name: 'Plantão',
        levels: [{ delayMinutes: 0, targets: [{ type: 'contact', contactId: contact.body.id }] }],
      },
    });
    await newRule('Poço alto', 30, { escalationPolicyId: policy.body.id });
    await level(10);
    await level(31.5);
    let body = '';
    for (const deadline = Date.now() + 10_000; !body && Date.now() < deadline; ) {
      const outbox = await api.call('GET', `/v1/outbox?contactId=${contact.body.id}`, { token: owner.token });
      body = outbox.body.notifications?.[0]?.body ?? '';
      if (!body) await new Promise((done) => setTimeout(done, 50));
    }
    expect(body).toMatch(/^Alarme CRITICO em Lift station: Poco alto Hi\. .*31,5.*\(limite Hi 30\)\./);
    expect(body).toContain('Responda OK para reconhecer.');
  });

  it("sends a contact's test message in the contact's language", async () => {
    const contact = await api.call('POST', '/v1/contacts', {
      token: owner.token,
      body: { name: 'Luis', language: 'es', channels: [{ type: 'email', address: 'luis@example.com' }] },
    });
    const sent = await api.call('POST', `/v1/contacts/${contact.body.id}/test`, {
      token: owner.token,
      body: { channel: 0 },
    });
    expect(sent.status).toBe(200);
    expect(sent.body.notification.subject).toBe('[Plantwatch] Mensaje de prueba');
    expect(sent.body.notification.body).toMatch(
      /^Mensaje de prueba de Plantwatch para Luis por correo electrónico/,
    );
  });
});
