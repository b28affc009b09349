// Plans on the local runtime: a sign-up starts on the configured plan, its limits refuse one tag
// (derived tags count as tags), gateway, user or report definition too many with a 402 naming the
// limit, points over the day's allowance are dead-lettered with reason quota, SMS over the month's
// allowance go by e-mail (the admins are told once), and the usage API shows it all day by day.

import { systemClock } from '@plantwatch/functions/platform/clock';
import { MessagingQuotaError } from '@plantwatch/functions/usage/messaging-quota';
import { changeTenantPlan } from '@plantwatch/functions/usage/usage';
import { provisioningBundleSchema, telemetryTopic } from '@plantwatch/shared';
import type { MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi, until } from './testing/harness.ts';
import { connectGateway } from './testing/mqtt.ts';
import { createPlantOverApi } from './testing/plant.ts';

describe('plans, quotas and usage', () => {
  let api: TestApi;
  const clients: MqttClient[] = [];
  beforeAll(async () => {
    api = await startTestApi({ accounts: { signUpPlanId: 'starter' }, certificateDir: null });
  });
  afterAll(async () => {
    for (const client of clients) client.end(true);
    await api.close();
  });

  const setPlan = (tenantId: string, overrides: Record<string, number | null>) =>
    changeTenantPlan({ store: api.runtime.store, clock: systemClock }, tenantId, {
      planId: 'starter',
      overrides,
      changedBy: 'test',
    });

  it('starts a sign-up on the configured plan and lists the catalogue', async () => {
    const owner = await api.signUp('starter');
    const usage = await api.call('GET', '/v1/usage', { token: owner.token });
    expect(usage.status).toBe(200);
    expect(usage.body.plan).toMatchObject({
      plan: { id: 'starter', name: 'Starter', limits: { tags: 50, gateways: 1 } },
      limits: { tags: 50 },
    });
    const plans = await api.call('GET', '/v1/plans', { token: owner.token });
    expect(plans.body.plans.map((p: { id: string }) => p.id)).toEqual([
      'starter',
      'standard',
      'professional',
      'enterprise',
      'industrial',
      'unlimited',
    ]);
    expect(plans.body.plans.map((p: { limits: { tags: number | null } }) => p.limits.tags)).toEqual([
      50,
      250,
      500,
      1000,
      2500,
      null,
    ]);
  });

  it('refuses one tag, gateway, user or report definition over the plan with a 402 naming the limit', async () => {
    const plant = await createPlantOverApi(api, 'limits', {
      device: {
        key: 'plc-1',
        name: 'PLC',
        connection: { protocol: 'modbus-tcp', host: '127.0.0.1', port: 502 },
      },
      tags: [{ key: 'level' }, { key: 'flow' }],
    });
    await setPlan(plant.tenantId, { tags: 2, users: 2, reportDefinitions: 1 });
    const post = (path: string, body: unknown) => api.call('POST', path, { token: plant.token, body });

    const tag = await post('/v1/tags', {
      deviceId: plant.deviceId,
      key: 'pressure',
      name: 'Pressure',
      address: { kind: 'modbus', area: 'holding', address: 9, type: 'uint16' },
    });
    expect(tag).toMatchObject({
      status: 402,
      body: {
        error: {
          code: 'plan_limit',
          message:
            'the Starter plan allows 2 tags and 2 are configured: remove one or move to a larger plan (limit: tags)',
          details: { limit: 'tags', allowed: 2, used: 2, plan: 'starter' },
        },
      },
    });
    expect((await post('/v1/gateways', { siteId: plant.siteId, name: 'gw-2' })).body.error).toMatchObject({
      code: 'plan_limit',
      details: { limit: 'gateways', allowed: 1 },
    });
    const invite = (n: number) =>
      post('/v1/users', { email: `u${n}-${Date.now()}@example.com`, name: 'U', role: 'viewer' });
    expect((await invite(1)).status).toBe(201);
    expect((await invite(2)).body.error).toMatchObject({ code: 'plan_limit', details: { limit: 'users' } });
    const report = () =>
      post('/v1/reports', {
        name: 'Daily',
        period: 'last-day',
        recipients: ['manager@example.com'],
        schedule: { kind: 'daily', at: '06:00' },
        scope: { tagIds: Object.values(plant.tagIds) },
      });
    expect((await report()).status).toBe(201);
    expect((await report()).body.error).toMatchObject({
      code: 'plan_limit',
      details: { limit: 'reportDefinitions' },
    });

    // a larger allowance (an add-on, a new plan) takes effect at once
    await setPlan(plant.tenantId, { tags: 3 });
    expect(
      (
        await post('/v1/tags', {
          deviceId: plant.deviceId,
          key: 'pressure',
          name: 'Pressure',
          address: { kind: 'modbus', area: 'holding', address: 9, type: 'uint16' },
        })
      ).status,
    ).toBe(201);
    const usage = (await api.call('GET', '/v1/usage', { token: plant.token })).body;
    expect(usage.current).toMatchObject({ tags: 3, gateways: 1, users: 2, reportDefinitions: 1 });
    expect(usage.plan.overrides).toEqual({ tags: 3 });

    // a derived tag is a tag of its site: it counts toward the same limit, and nothing is stored
    const derived = (key: string) =>
      post('/v1/derived-tags', {
        siteId: plant.siteId,
        key,
        name: 'Level and flow',
        // biome-ignore lint/suspicious/noTemplateCurlyInString: a formula writes its references as ${device:tag}
        formula: '${plc-1:level} + ${plc-1:flow}',
        unit: '',
      });
    expect((await derived('sum')).body.error).toMatchObject({
      code: 'plan_limit',
      message:
        'the Starter plan allows 3 tags and 3 are configured: remove one or move to a larger plan (limit: tags)',
      details: { limit: 'tags', allowed: 3, used: 3 },
    });
    const listed = await api.call('GET', `/v1/derived-tags?siteId=${plant.siteId}`, { token: plant.token });
    expect(listed.body.items).toEqual([]);
    await setPlan(plant.tenantId, { tags: 4 });
    expect((await derived('sum')).status).toBe(201);
    expect((await api.call('GET', '/v1/usage', { token: plant.token })).body.current).toMatchObject({
      tags: 4,
    });
    expect(
      (
        await post('/v1/tags', {
          deviceId: plant.deviceId,
          key: 'speed',
          name: 'Speed',
          address: { kind: 'modbus', area: 'holding', address: 10, type: 'uint16' },
        })
      ).body.error,
    ).toMatchObject({ code: 'plan_limit', details: { limit: 'tags', allowed: 4, used: 4 } });
  });

  it("dead-letters points over the day's allowance with reason quota, and counts them", async () => {
    const plant = await createPlantOverApi(api, 'points', {
      device: {
        key: 'plc-1',
        name: 'PLC',
        connection: { protocol: 'modbus-tcp', host: '127.0.0.1', port: 502 },
      },
      tags: [{ key: 'level' }],
    });
    await setPlan(plant.tenantId, { pointsPerDay: 5 });
    const bundle = provisioningBundleSchema.parse(
      (await api.call('POST', `/v1/gateways/${plant.gatewayId}/provisioning-bundle`, { token: plant.token }))
        .body,
    );
    const gateway = await connectGateway(bundle);
    clients.push(gateway);
    const topic = telemetryTopic({
      tenantId: plant.tenantId,
      siteId: plant.siteId,
      gatewayId: plant.gatewayId,
    });
    const batch = (seq: number) =>
      JSON.stringify({
        v: 1,
        gw: plant.gatewayId,
        seq,
        points: [0, 1, 2].map((i) => ({
          d: 'plc-1',
          t: 'level',
          ts: Date.now() - 10_000 + seq * 10 + i,
          v: i,
          q: 'good',
        })),
      });
    await gateway.publishAsync(topic, batch(1), { qos: 1 });
    await gateway.publishAsync(topic, batch(2), { qos: 1 });
    // Acknowledged is logged; both are applied side by side, the second refused by the quota the
    // first took (ADR 0058), possibly before the first is stored: wait for both.
    await api.runtime.ingestLog.applied();

    const deadLetters = await until(
      'the second batch dead-lettered',
      async () => {
        const res = await api.call('GET', '/v1/ingest/dead-letters?reason=quota', { token: plant.token });
        return res.body.deadLetters?.length ? res.body.deadLetters : undefined;
      },
      10_000,
    );
    expect(deadLetters).toEqual([
      expect.objectContaining({
        reason: 'quota',
        detail: expect.stringContaining('the Starter plan allows 5 points a day'),
      }),
    ]);
    const latest = await api.call('GET', `/v1/telemetry/latest?siteId=${plant.siteId}`, {
      token: plant.token,
    });
    expect(JSON.stringify(latest.body)).toContain(plant.tagIds.level);
    // counted in the day's usage record once the meter has written its counts (every 5 s)
    const usage = await until(
      "the day's points in the usage record",
      async () => {
        const res = (await api.call('GET', '/v1/usage', { token: plant.token })).body;
        return res.totals.pointsRefused === 3 ? res : undefined;
      },
      10_000,
    );
    expect(usage.current.pointsToday).toBe(3);
    expect(usage.totals).toMatchObject({ points: 3, pointsRefused: 3 });
  });

  it("sends pages by e-mail once the month's SMS allowance is used, and tells the admins once", async () => {
    const owner = await api.signUp('sms');
    await setPlan(owner.tenantId, { smsPerMonth: 1 });
    const contact = await api.call('POST', '/v1/contacts', {
      token: owner.token,
      body: {
        name: 'Night fitter',
        channels: [
          { type: 'sms', address: '+447700900123' },
          { type: 'email', address: 'fitter@example.com' },
        ],
      },
    });
    const noEmail = await api.call('POST', '/v1/contacts', {
      token: owner.token,
      body: { name: 'Phone only', channels: [{ type: 'sms', address: '+447700900456' }] },
    });
    const page = (key: string, contactId = contact.body.id, to = '+447700900123') =>
      api.runtime.notifier.send({
        tenantId: owner.tenantId,
        channel: 'sms',
        to,
        body: 'HIGH Wet well level Hi 4.72 m',
        contactId,
        idempotencyKey: key,
      });

    expect(await page('page-1')).toMatchObject({ provider: 'outbox', status: 'sent' });
    const second = await page('page-2');
    const third = await page('page-3');
    const outbox = (await api.call('GET', '/v1/outbox?limit=50', { token: owner.token })).body.notifications;
    const byId = (id: string | undefined) => outbox.find((n: { id: string }) => n.id === id);
    for (const receipt of [second, third]) {
      expect(byId(receipt.notificationId)).toMatchObject({
        channel: 'email',
        recipient: 'fitter@example.com',
        body: expect.stringContaining(
          "(Sent by e-mail instead of SMS: this month's SMS allowance of the Starter plan (1) is used up.)",
        ),
      });
    }
    // a retried step finds the e-mail it sent under the same key
    expect(await page('page-2')).toMatchObject({ duplicate: true, notificationId: second.notificationId });
    // a contact with no e-mail: the page fails for good and the chain moves on to the next channel
    await expect(page('page-4', noEmail.body.id, '+447700900456')).rejects.toBeInstanceOf(
      MessagingQuotaError,
    );

    const notices = (await api.mailbox(owner.email)).filter((mail) => /SMS allowance/.test(mail.subject));
    expect(notices).toHaveLength(1);
    expect(notices[0]?.text).toContain('sent the 1 SMS messages its Starter plan allows this month');
    const usage = (await api.call('GET', '/v1/usage', { token: owner.token })).body;
    expect(usage.current.smsThisMonth).toBe(1);
    expect(usage.days.at(-1)).toMatchObject({ sms: 1 });
  });
});
