// The operator's actions on alarms through the HTTP API (shelve, unshelve, comment, out of service
// and back, acknowledge with a comment), who/how is recorded for each, the role bounds on shelving,
// and the filters of GET /v1/alarms.
import { randomUUID } from 'node:crypto';
import { createAlarmEvaluator } from '@plantwatch/functions/alarms/evaluator';
import { resolveForAlarms } from '@plantwatch/functions/alarms/testing';
import { systemClock } from '@plantwatch/functions/platform/clock';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi } from './testing/harness.ts';
import { addPlantOverApi, liftStation, tagIdOf } from './testing/plant.ts';

interface AlarmEventBody {
  kind: string;
  from: string;
  to: string;
  channel: string;
  by: { type: string; id?: string };
  comment?: string;
}

describe('operator actions on alarms', () => {
  let api: TestApi;
  let owner: { token: string; tenantId: string; userId: string };
  const tokens = new Map<string, string>();
  let plant: { siteId: string; gatewayId: string; tagId: string };

  /** Telemetry straight into the runtime's alarm evaluator (the MQTT path is covered by alarm-ingest). */
  const level = async (value: number, ts = Date.now()) =>
    createAlarmEvaluator({
      store: api.runtime.store,
      ids: api.runtime.deps.ids,
      clock: systemClock,
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

  const newRule = async (name: string) =>
    (
      await api.call('POST', '/v1/alarm-rules', {
        token: owner.token,
        body: {
          kind: 'limit',
          tagId: plant.tagId,
          name,
          levels: [
            { level: 'hihi', threshold: 4.5, severity: 'critical' },
            { level: 'hi', threshold: 4, severity: 'high' },
          ],
        },
      })
    ).body as { id: string };

  const events = async (ruleId: string): Promise<AlarmEventBody[]> =>
    (await api.call('GET', `/v1/alarms/${ruleId}/events`, { token: owner.token })).body.events;

  beforeAll(async () => {
    api = await startTestApi();
    owner = await api.signUp('alarm-ops');
    const post = async (path: string, body: unknown) =>
      (await api.call('POST', path, { token: owner.token, body })).body;
    const added = await addPlantOverApi(api, owner.token, liftStation);
    plant = { siteId: added.siteId, gatewayId: added.gatewayId, tagId: tagIdOf(added, 'level') };
    for (const role of ['operator', 'engineer', 'viewer']) {
      const invite = (
        await post('/v1/users', { email: `${role}-${randomUUID()}@example.com`, name: role, role })
      ).inviteToken;
      const session = await api.call('POST', '/v1/auth/accept-invite', {
        body: { token: invite, password: `${role} password 123` },
      });
      tokens.set(role, session.body.token);
    }
    tokens.set('apiKey', (await post('/v1/api-keys', { name: 'SCADA bridge', role: 'operator' })).secret);
  }, 60_000);
  afterAll(async () => {
    await api?.close();
  });

  it('shelves, comments on, unshelves and acknowledges, recording who did it and through which channel', async () => {
    const rule = await newRule('Shelving');
    await level(4.2);
    const operator = tokens.get('operator');
    const shelved = await api.call('POST', `/v1/alarms/${rule.id}/shelve`, {
      token: operator,
      body: { minutes: 60, reason: 'Level sensor being recalibrated', level: 'hi' },
    });
    expect(shelved.status).toBe(200);
    expect(shelved.body.alarms.map((a: { level: string; shelved: boolean }) => [a.level, a.shelved])).toEqual(
      [
        ['hihi', false],
        ['hi', true],
      ],
    );
    // a shelved alarm is not raised again meanwhile, and the truth shows when it is unshelved
    await level(4.3);
    const comment = await api.call('POST', `/v1/alarms/${rule.id}/comment`, {
      token: tokens.get('apiKey'),
      body: { comment: 'Crew on site', level: 'hi' },
    });
    expect(comment.status).toBe(200);
    const unshelved = await api.call('POST', `/v1/alarms/${rule.id}/unshelve`, { token: operator, body: {} });
    expect(unshelved.body.alarms.find((a: { level: string }) => a.level === 'hi')).toMatchObject({
      shelved: false,
      state: 'active-unacked',
    });
    const ack = await api.call('POST', `/v1/alarms/${rule.id}/acknowledge`, {
      token: operator,
      body: { comment: 'Seen', level: 'hi' },
    });
    expect(ack.body.events).toEqual([
      expect.objectContaining({ kind: 'acknowledged', to: 'active-acked', comment: 'Seen' }),
    ]);
    expect(
      (await events(rule.id)).map((e) => [e.kind, e.channel, e.by.type, e.comment ?? null]).reverse(),
    ).toEqual([
      ['raised', 'system', 'system', null],
      ['shelved', 'web', 'user', 'Level sensor being recalibrated'],
      ['comment', 'api', 'apiKey', 'Crew on site'],
      ['unshelved', 'web', 'user', null],
      ['acknowledged', 'web', 'user', 'Seen'],
    ]);
  });

  it.each([
    ['an operator, for a shift', 'operator', { minutes: 720 }, 200],
    ['an operator, for longer than a shift', 'operator', { minutes: 721 }, 403],
    ['an engineer, for a week', 'engineer', { minutes: 10_080 }, 200],
    [
      'anyone, for more than a week',
      'engineer',
      { until: new Date(Date.now() + 8 * 86_400_000).toISOString() },
      422,
    ],
    ['anyone, until a time already past', 'engineer', { until: '2020-01-01T00:00:00Z' }, 422],
    ['a viewer, at all', 'viewer', { minutes: 5 }, 403],
  ])('lets %s shelve or not', async (_case, role, duration, status) => {
    const rule = await newRule(`Shelve ${role} ${JSON.stringify(duration)}`);
    const res = await api.call('POST', `/v1/alarms/${rule.id}/shelve`, {
      token: tokens.get(role),
      body: { ...duration, reason: 'Planned work' },
    });
    expect(res.status).toBe(status);
    if (status !== 200) expect(await events(rule.id)).toEqual([]);
  });

  it('takes alarms out of service (engineers only) and raises one whose condition holds when returned', async () => {
    const rule = await newRule('Maintenance');
    const refused = await api.call('POST', `/v1/alarms/${rule.id}/remove-from-service`, {
      token: tokens.get('operator'),
      body: { reason: 'Pump out for overhaul' },
    });
    expect(refused.status).toBe(403);
    const removed = await api.call('POST', `/v1/alarms/${rule.id}/remove-from-service`, {
      token: tokens.get('engineer'),
      body: { reason: 'Pump out for overhaul' },
    });
    expect(removed.body.alarms.every((a: { outOfService: boolean }) => a.outOfService)).toBe(true);
    await level(4.7);
    expect((await events(rule.id)).map((e) => e.kind)).toEqual(['out-of-service', 'out-of-service']);
    const returned = await api.call('POST', `/v1/alarms/${rule.id}/return-to-service`, {
      token: tokens.get('engineer'),
      body: { comment: 'Overhaul done' },
    });
    expect(returned.status).toBe(200);
    expect(returned.body.events.map((e: AlarmEventBody) => e.kind).sort()).toEqual([
      'in-service',
      'in-service',
      'raised',
      'raised',
    ]);
  });

  it('refuses a level the rule does not have, and a comment without text', async () => {
    const rule = await newRule('Levels');
    const wrongLevel = await api.call('POST', `/v1/alarms/${rule.id}/acknowledge`, {
      token: owner.token,
      body: { level: 'lolo' },
    });
    expect({ status: wrongLevel.status, message: wrongLevel.body.error.message }).toEqual({
      status: 422,
      message: expect.stringContaining('no lolo level'),
    });
    const blank = await api.call('POST', `/v1/alarms/${rule.id}/comment`, {
      token: owner.token,
      body: { comment: '  ' },
    });
    expect(blank.status).toBe(400);
  });

  it('filters alarms by status, state, severity, rule and time range', async () => {
    const rule = await newRule('Filters');
    const before = new Date().toISOString();
    await level(4.8);
    const get = async (query: string) => {
      const res = await api.call('GET', `/v1/alarms?ruleId=${rule.id}&${query}`, {
        token: tokens.get('viewer'),
      });
      expect(res.status).toBe(200);
      return res.body.alarms.map((a: { level: string }) => a.level);
    };
    expect(await get('status=active')).toEqual(['hihi', 'hi']);
    expect(await get('status=active&severity=critical')).toEqual(['hihi']);
    expect(await get('status=active&state=active-acked')).toEqual([]);
    expect(await get('status=active&limit=1')).toEqual(['hihi']);
    expect(await get('status=history')).toEqual(['hihi', 'hi']);
    expect(await get(`status=history&from=${before}`)).toEqual(['hihi', 'hi']);
    expect(await get('status=history&from=2020-01-01T00:00:00Z&to=2020-01-02T00:00:00Z')).toEqual([]);
    const backwards = await api.call('GET', `/v1/alarms?from=${before}&to=2020-01-01T00:00:00Z`, {
      token: owner.token,
    });
    expect({ status: backwards.status, message: backwards.body.error.message }).toEqual({
      status: 400,
      message: expect.stringContaining('must be after from'),
    });
  });
});
