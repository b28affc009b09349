// The escalation chain end to end on the local runtime: a gateway's telemetry crosses HiHi over
// MQTT, the alarm is raised, the shared ASL (run by aws-local-stepfunctions) pages level one, then
// level two after its delay, and a signed SMS reply through the Twilio webhook route stops it.
// Delays are test-scaled with waitTimeOverrides (escalationWaitMs): every Wait of the chain lasts
// WAIT_MS instead of the level's minutes, and a level without delay never waits.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { twilioSignature } from '@plantwatch/functions/notify/adapters/twilio';
import { provisioningBundleSchema, telemetryTopic } from '@plantwatch/shared';
import type { MqttClient } from 'mqtt';
import { afterAll, describe, expect, it } from 'vitest';
import type { LocalRuntimeOptions } from './runtime.ts';
import { ephemeralKeyRing } from './secrets-keys.ts';
import { startTestApi, type TestApi, until } from './testing/harness.ts';
import { connectGateway } from './testing/mqtt.ts';
import { addPlantOverApi, liftStation, tagIdOf } from './testing/plant.ts';

const WAIT_MS = 1500;
const ALICE = '+447700900101';
const BOB = '+447700900102';

interface Plant {
  api: TestApi;
  token: string;
  tenantId: string;
  ruleId: string;
  client: MqttClient;
  publish(seq: number, ts: number, values: number[]): Promise<void>;
}

interface OutboxMessage {
  channel: string;
  recipient: string;
  alarmId: string | null;
  body: string;
  createdAt: string;
}

/** A tenant with one tag, two contacts, a two-level policy (level 2 one minute after level 1) and a HiHi rule naming it. */
async function plantWithPolicy(options: Partial<LocalRuntimeOptions>, repeat: number): Promise<Plant> {
  const api = await startTestApi(options);
  const owner = await api.signUp('escalation');
  const { token } = owner;
  const post = async (path: string, body?: unknown) => {
    const res = await api.call('POST', path, { token, body });
    if (res.status >= 300) throw new Error(`${path}: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body;
  };
  const plant = await addPlantOverApi(api, token, {
    ...liftStation,
    tags: [{ key: 'level', name: 'Wet well level', unit: 'm' }],
  });
  const { siteId, gatewayId } = plant;
  const tagId = tagIdOf(plant, 'level');
  const alice = await post('/v1/contacts', { name: 'Alice', channels: [{ type: 'sms', address: ALICE }] });
  const bob = await post('/v1/contacts', { name: 'Bob', channels: [{ type: 'sms', address: BOB }] });
  const policy = await post('/v1/escalation-policies', {
    name: 'Night shift',
    repeat,
    levels: [
      { delayMinutes: 0, targets: [{ type: 'contact', contactId: alice.id }] },
      { delayMinutes: 1, targets: [{ type: 'contact', contactId: bob.id }] },
    ],
  });
  const rule = await post('/v1/alarm-rules', {
    kind: 'limit',
    tagId,
    name: 'Wet well',
    levels: [{ level: 'hihi', threshold: 4.5, severity: 'critical' }],
    escalationPolicyId: policy.id,
  });
  const bundle = provisioningBundleSchema.parse(await post(`/v1/gateways/${gatewayId}/provisioning-bundle`));
  const client = await connectGateway(bundle);
  const topic = telemetryTopic({ tenantId: owner.tenantId, siteId, gatewayId });
  return {
    api,
    token,
    tenantId: owner.tenantId,
    ruleId: rule.id,
    client,
    async publish(seq, ts, values) {
      const points = values.map((v, i) => ({ d: 'plc-1', t: 'level', ts: ts + i * 1000, v, q: 'good' }));
      await client.publishAsync(topic, JSON.stringify({ v: 1, gw: gatewayId, seq, points }), { qos: 1 });
    },
  };
}

async function outbox(plant: Plant): Promise<OutboxMessage[]> {
  const res = await plant.api.call('GET', '/v1/outbox', { token: plant.token });
  return [...res.body.notifications].reverse();
}

const outboxWith = (plant: Plant, count: number, withinMs: number) =>
  until(
    `${count} outbox message(s)`,
    async () => {
      const messages = await outbox(plant);
      return messages.length >= count ? messages : undefined;
    },
    withinMs,
    25,
  );

async function escalationRows(plant: Plant) {
  return plant.api.runtime.store.inTenant(plant.tenantId, (repos) => repos.escalations.list({}, 10));
}

async function alarmState(plant: Plant): Promise<string> {
  const res = await plant.api.call('GET', '/v1/alarms?status=all', { token: plant.token });
  return res.body.alarms.find((alarm: { ruleId: string }) => alarm.ruleId === plant.ruleId)?.state;
}

/** Twilio's form POST of an incoming SMS, signed with the tenant's auth token unless forged. */
async function smsReply(plant: Plant, from: string, body: string, options: { forged?: boolean } = {}) {
  const path = `/v1/webhooks/twilio/${plant.tenantId}/sms`;
  const params: [string, string][] = [
    ['From', from],
    ['To', '+447700900999'],
    ['Body', body],
  ];
  const { twilioAuthToken } = await plant.api.runtime.deps.notify.secrets.get(plant.tenantId);
  if (!twilioAuthToken) throw new Error('the local runtime gave the tenant no Twilio auth token');
  const url = new URL(path, plant.api.runtime.deps.notify.publicApiUrl()).toString();
  const signature = twilioSignature(options.forged ? 'not-the-token' : twilioAuthToken, url, params);
  return fetch(`${plant.api.runtime.apiUrl}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': signature },
    body: new URLSearchParams(params).toString(),
  });
}

describe('escalation chain on the local runtime', () => {
  const cleanups: (() => Promise<unknown>)[] = [];
  afterAll(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup();
  });

  it('pages level one, then level two after its delay, stops on a signed SMS "ok", and ignores a replayed batch and a forged reply', {
    timeout: 120_000,
  }, async () => {
    // repeat 1: without the acknowledgement, Alice would be paged again after level two
    const plant = await plantWithPolicy({ escalationWaitMs: WAIT_MS }, 1);
    cleanups.push(
      () => plant.api.close(),
      () => plant.client.endAsync(true),
    );
    const ts = Date.now() - 5000;

    await plant.publish(1, ts, [3.9, 4.8]);
    const [first] = await outboxWith(plant, 1, 10_000);
    expect(first).toMatchObject({ channel: 'sms', recipient: ALICE });
    expect(first?.body).toContain('Wet well');

    // the same batch redelivered, and again under a new sequence number: no second alarm, no second page
    await plant.publish(1, ts, [3.9, 4.8]);
    await plant.publish(2, ts, [3.9, 4.8]);

    const messages = await outboxWith(plant, 2, 10_000 + WAIT_MS);
    expect(messages.map((m) => m.recipient)).toEqual([ALICE, BOB]);
    const gap = Date.parse(messages[1]?.createdAt ?? '') - Date.parse(messages[0]?.createdAt ?? '');
    expect(gap).toBeGreaterThanOrEqual(WAIT_MS - 50);
    // the level is recorded just after its messages went out
    const atLevelTwo = await until(
      'level two recorded',
      async () => {
        const rows = await escalationRows(plant);
        return rows[0]?.level === 1 ? rows : undefined;
      },
      5000,
      25,
    );
    expect(atLevelTwo).toEqual([expect.objectContaining({ status: 'running', level: 1 })]);
    const events = (await plant.api.call('GET', `/v1/alarms/${plant.ruleId}/events`, { token: plant.token }))
      .body.events;
    expect(events.filter((e: { kind: string }) => e.kind === 'raised')).toHaveLength(1);

    // a forged signature is refused and changes nothing
    const forged = await smsReply(plant, BOB, 'ok', { forged: true });
    expect(forged.status).toBe(403);
    expect(await alarmState(plant)).toBe('active-unacked');

    const replied = await smsReply(plant, BOB, 'ok');
    expect(replied.status).toBe(200);
    expect(await replied.text()).toContain('Acknowledged');
    expect(await alarmState(plant)).toBe('active-acked');
    const stopped = await until(
      'the chain stopped',
      async () => {
        const [row] = await escalationRows(plant);
        return row?.status === 'stopped' && plant.api.runtime.escalation.active().length === 0
          ? row
          : undefined;
      },
      3000,
      25,
    );
    expect(stopped.reason).toContain('acknowledged');

    // the repeat would have paged Alice again after WAIT_MS: nothing more comes
    await new Promise((resolve) => setTimeout(resolve, WAIT_MS * 2 + 500));
    expect((await outbox(plant)).map((m) => m.recipient)).toEqual([ALICE, BOB]);

    // the chain's history: asked for and started once, both levels paged by SMS, stopped by Bob's reply
    const history = await plant.api.call('GET', `/v1/alarms/${plant.ruleId}/escalations`, {
      token: plant.token,
    });
    expect(history.status).toBe(200);
    expect(history.body.chains).toEqual([
      expect.objectContaining({
        start: expect.objectContaining({ state: 'started', attempts: 1, lastError: null }),
        run: expect.objectContaining({
          status: 'stopped',
          level: 2,
          reason: expect.stringContaining('acknowledged'),
        }),
        stop: expect.objectContaining({ state: 'started', reason: expect.stringContaining('acknowledged') }),
        pages: [
          expect.objectContaining({ channel: 'sms', recipient: ALICE, level: 1, round: 0, status: 'sent' }),
          expect.objectContaining({ channel: 'sms', recipient: BOB, level: 2, round: 0, status: 'sent' }),
        ],
      }),
    ]);
  });

  it('resumes a chain left running by a restart at the level it had reached, and a repeated start stays a no-op', {
    timeout: 150_000,
  }, async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'plantwatch-escalation-'));
    cleanups.push(() => rm(dataDir, { recursive: true, force: true }));
    const database = { kind: 'pglite' as const, dataDir };
    // The key ring stays across the restart, as DATA_DIR's does: the tenant's provider secrets were
    // sealed with it, and a runtime with another ring could not page anyone.
    const accounts = { keyRing: ephemeralKeyRing() };
    // a long wait, so the process stops while the chain waits for level two
    const plant = await plantWithPolicy({ database, accounts, escalationWaitMs: 60_000 }, 0);
    await plant.publish(1, Date.now() - 5000, [3.9, 4.8]);
    await outboxWith(plant, 1, 10_000);
    const row = await until(
      'level one recorded',
      async () => {
        const [current] = await escalationRows(plant);
        return current?.level === 0 ? current : undefined;
      },
      5000,
      25,
    );
    expect(row).toMatchObject({ status: 'running', level: 0 });
    await plant.client.endAsync(true);
    await plant.api.close();

    const restarted = await startTestApi({ database, accounts, escalationWaitMs: 200 });
    cleanups.push(() => restarted.close());
    expect(restarted.runtime.notes).toContain('Escalation: resumed 1 chain(s) left running by the last stop');
    const again = await restarted.runtime.escalation.start({
      tenantId: plant.tenantId,
      alarmEventId: row.alarmEventId,
      alarmId: row.alarmId,
      policyId: row.policyId,
    });
    expect(again).toEqual({ executionName: row.executionName, alreadyStarted: true });
    const resumedPlant = { ...plant, api: restarted };
    const finished = await until(
      'the resumed chain finished',
      async () => {
        const [current] = await escalationRows(resumedPlant);
        return current?.status === 'finished' ? current : undefined;
      },
      15_000,
      50,
    );
    expect(finished).toMatchObject({ level: 1, round: 0 });
    // level one was not sent again: Alice once, then Bob
    expect((await outbox(resumedPlant)).map((m) => m.recipient)).toEqual([ALICE, BOB]);
  });
});
