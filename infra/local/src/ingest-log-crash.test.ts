// Nothing acknowledged is lost across a crash (ADR 0058): the local runtime runs as a real process
// whose ingest log acknowledges telemetry and holds it unapplied (the hold-ingest-log fault), a
// gateway publishes batches with QoS 1 until each is acknowledged, and the process is killed with
// SIGKILL. Started again on the same data directory, every acknowledged point is stored, once, and
// the limit rule on them raised. A backup of the stopped runtime (`npm run backup`, a real process)
// carries the log along: restored into an empty directory, that runtime stores them all too.
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { provisioningBundleSchema, telemetryTopic } from '@plantwatch/shared';
import { afterAll, describe, expect, it } from 'vitest';
import { apiClient, dataDirMailbox, until } from './testing/harness.ts';
import { connectGateway } from './testing/mqtt.ts';
import { addPlantOverApi, liftStation, tagIdOf } from './testing/plant.ts';
import { killRuntimes, startRuntimeProcess, stopRuntimeProcess } from './testing/runtime-child.ts';

const dirs: string[] = [];
const cli = fileURLToPath(new URL('./backup/cli.ts', import.meta.url));
const run = promisify(execFile);
const BATCHES = 40;
const POINTS_PER_BATCH = 20;

afterAll(async () => {
  killRuntimes();
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

describe('telemetry acknowledged by the local runtime', () => {
  it('is stored after a kill -9 before it was applied, and restored from a backup of the stopped runtime', {
    timeout: 240_000,
  }, async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'plantwatch-ingest-crash-'));
    dirs.push(dataDir);
    const first = await startRuntimeProcess(dataDir, { fault: 'hold-ingest-log' });
    const api = apiClient(first.apiUrl, dataDirMailbox(dataDir));
    const owner = await api.signUp('ingest-crash');
    const { token } = owner;
    const plant = await addPlantOverApi(api, token, {
      ...liftStation,
      tags: [{ key: 'level', name: 'Wet well level', unit: 'm' }],
    });
    const tagId = tagIdOf(plant, 'level');
    const rule = await api.call('POST', '/v1/alarm-rules', {
      token,
      body: {
        kind: 'limit',
        tagId,
        name: 'Wet well',
        levels: [{ level: 'hihi', threshold: 4.5, severity: 'critical' }],
      },
    });
    expect(rule.status).toBe(201);
    const bundle = provisioningBundleSchema.parse(
      (await api.call('POST', `/v1/gateways/${plant.gatewayId}/provisioning-bundle`, { token })).body,
    );
    const client = await connectGateway(bundle);
    const topic = telemetryTopic({
      tenantId: owner.tenantId,
      siteId: plant.siteId,
      gatewayId: plant.gatewayId,
    });
    const start = Math.floor(Date.now() / 1000) * 1000 - 60_000;
    // Every batch acknowledged (PUBACK) before the kill; the last one crosses the limit.
    for (let seq = 1; seq <= BATCHES; seq++) {
      const points = Array.from({ length: POINTS_PER_BATCH }, (_, i) => {
        const index = (seq - 1) * POINTS_PER_BATCH + i;
        return { d: 'plc-1', t: 'level', ts: start + index, v: seq === BATCHES ? 5 : 1, q: 'good' };
      });
      await client.publishAsync(topic, JSON.stringify({ v: 1, gw: plant.gatewayId, seq, points }), {
        qos: 1,
      });
    }
    client.end(true);
    // Held: acknowledged and not applied, so nothing is stored yet.
    const held = await api.call('GET', `/v1/telemetry/latest?deviceId=${plant.deviceId}`, { token });
    expect(held.body.values).toEqual([]);
    first.child.kill('SIGKILL');
    expect(await first.exited).toEqual({ code: null, signal: 'SIGKILL' });

    // The stopped runtime's backup, restored into an empty directory.
    const parent = await mkdtemp(join(tmpdir(), 'plantwatch-ingest-crash-restore-'));
    dirs.push(parent);
    const backupFile = join(parent, 'crash.pwbackup');
    const restoredDir = join(parent, 'data');
    const env = { ...process.env, BACKUP_PASSPHRASE: 'correct horse battery staple' };
    const backup = await run(process.execPath, [cli, 'backup', '--to', backupFile], {
      env: { ...env, DATA_DIR: dataDir },
    });
    expect(backup.stdout).not.toContain('by the running runtime');
    await run(process.execPath, [cli, 'restore', backupFile], { env: { ...env, DATA_DIR: restoredDir } });

    for (const dir of [dataDir, restoredDir]) {
      const second = await startRuntimeProcess(dir);
      const again = apiClient(second.apiUrl, dataDirMailbox(dir));
      const series = await until(
        `every acknowledged point stored (${dir === dataDir ? 'restarted' : 'restored'})`,
        async () => {
          const res = await again.call(
            'GET',
            `/v1/telemetry/series?tagIds=${tagId}&from=${start}&to=${start + 60_000}&maxPoints=1&aggregates=count`,
            { token },
          );
          const count = res.body.series?.[0]?.buckets?.[0]?.count ?? 0;
          return count === BATCHES * POINTS_PER_BATCH ? res.body : undefined;
        },
        60_000,
        250,
      );
      expect(series.series[0].buckets).toHaveLength(1);
      const alarms = (await again.call('GET', `/v1/alarms?ruleId=${rule.body.id}&status=all`, { token })).body
        .alarms;
      expect(alarms).toEqual([expect.objectContaining({ ruleId: rule.body.id, state: 'active-unacked' })]);
      const health = (await again.call('GET', '/v1/health', {})).body;
      expect(health.checks).toContainEqual(
        expect.objectContaining({
          name: 'ingest-log',
          status: 'ok',
          detail: expect.stringContaining(`${BATCHES} from before it`),
        }),
      );
      await stopRuntimeProcess(second);
    }
  });
});
