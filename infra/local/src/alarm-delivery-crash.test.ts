// No alarm without a page, across a crash: the local runtime runs as a real process and is killed
// with SIGKILL right after the transaction that recorded a raised alarm and its escalation intent
// commits, before the chain is started. Started again on the same data directory, it pages.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { provisioningBundleSchema, telemetryTopic } from '@plantwatch/shared';
import { afterAll, describe, expect, it } from 'vitest';
import { apiClient, dataDirMailbox, until } from './testing/harness.ts';
import { connectGateway } from './testing/mqtt.ts';
import { addPlantOverApi, liftStation, tagIdOf } from './testing/plant.ts';
import { killRuntimes, startRuntimeProcess } from './testing/runtime-child.ts';

const ALICE = '+447700900201';
const dirs: string[] = [];

afterAll(async () => {
  killRuntimes();
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

describe('a raised alarm pages even when the runtime is killed right after recording it', () => {
  it('pages after the restart, once', { timeout: 180_000 }, async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'plantwatch-crash-'));
    dirs.push(dataDir);
    const first = await startRuntimeProcess(dataDir, { fault: 'kill-after-alarm-commit' });
    const api = apiClient(first.apiUrl, dataDirMailbox(dataDir));
    const owner = await api.signUp('crash');
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
    const alice = await post('/v1/contacts', { name: 'Alice', channels: [{ type: 'sms', address: ALICE }] });
    const policy = await post('/v1/escalation-policies', {
      name: 'On call',
      repeat: 0,
      levels: [{ delayMinutes: 0, targets: [{ type: 'contact', contactId: alice.id }] }],
    });
    const rule = await post('/v1/alarm-rules', {
      kind: 'limit',
      tagId: tagIdOf(plant, 'level'),
      name: 'Wet well',
      levels: [{ level: 'hihi', threshold: 4.5, severity: 'critical' }],
      escalationPolicyId: policy.id,
    });
    const bundle = provisioningBundleSchema.parse(
      await post(`/v1/gateways/${plant.gatewayId}/provisioning-bundle`),
    );
    const client = await connectGateway(bundle);
    const topic = telemetryTopic({
      tenantId: owner.tenantId,
      siteId: plant.siteId,
      gatewayId: plant.gatewayId,
    });
    expect((await api.call('GET', '/v1/outbox', { token })).body.notifications).toEqual([]);

    // The raise: the process kills itself (SIGKILL) the moment the alarm's transaction commits.
    const payload = {
      v: 1,
      gw: plant.gatewayId,
      seq: 1,
      points: [{ d: 'plc-1', t: 'level', ts: Date.now(), v: 5, q: 'good' }],
    };
    client.publish(topic, JSON.stringify(payload), { qos: 1 });
    const died = await Promise.race([
      first.exited,
      new Promise<'alive'>((resolve) => setTimeout(() => resolve('alive'), 30_000)),
    ]);
    client.end(true);
    expect(died).toEqual({ code: null, signal: 'SIGKILL' });

    const restartedAt = Date.now();
    const second = await startRuntimeProcess(dataDir);
    const again = apiClient(second.apiUrl, dataDirMailbox(dataDir));
    const alarms = (await again.call('GET', `/v1/alarms?ruleId=${rule.id}&status=all`, { token })).body
      .alarms;
    expect(alarms).toEqual([expect.objectContaining({ ruleId: rule.id, state: 'active-unacked' })]);
    const pages = await until(
      'the page after the restart',
      async () => {
        const { notifications } = (await again.call('GET', '/v1/outbox', { token })).body;
        return notifications.length > 0 ? notifications : undefined;
      },
      30_000,
    );
    expect(pages).toEqual([
      expect.objectContaining({ channel: 'sms', recipient: ALICE, alarmId: alarms[0].id }),
    ]);
    expect(Date.parse(pages[0].createdAt)).toBeGreaterThanOrEqual(restartedAt);
    // Nothing is paged twice: a few alarm checks later, still one message.
    await new Promise((resolve) => setTimeout(resolve, 3000));
    expect((await again.call('GET', '/v1/outbox', { token })).body.notifications).toHaveLength(1);
    second.child.kill('SIGTERM');
    await second.exited;
  });
});
