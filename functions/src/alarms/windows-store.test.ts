// Totalizer and counter rules on the real config store (PGlite on disk and PostgreSQL): the sliding
// window is kept with the alarm state, so an ingest process restarted halfway through an hour goes
// on counting the starts it saw before; and the periodic check clears the alarm by time alone, as it
// fires a limit level's own off-delay (ADR 0045).
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { type ConfigStore, createPostgresConfigStore } from '../compose/config-store.ts';
import { newTestPlant } from '../plant/testing/plant.ts';
import { openConfigDatabase } from '../platform/database/database.ts';
import { uuidV7Ids } from '../platform/ids.ts';
import { configDatabaseTargets } from '../platform/testing/config-databases.ts';
import { runAlarmCheck } from './check.ts';
import { createAlarmEvaluator } from './evaluator.ts';
import type { AlarmRuleRecord } from './ports.ts';
import { createAlarmStateCache } from './state-cache.ts';

const T0 = Date.parse('2026-03-02T08:00:00Z');
const min = (minutes: number) => T0 + minutes * 60_000;

/** A store that can be closed and opened again on the same data, as a restarted process would. */
interface Reopenable {
  name: string;
  open(): Promise<ConfigStore>;
  dispose(): Promise<void>;
}

async function pgliteOnDisk(): Promise<Reopenable> {
  const dataDir = await mkdtemp(join(tmpdir(), 'pw-windows-'));
  return {
    name: 'pglite',
    async open() {
      const database = await openConfigDatabase({ kind: 'pglite', dataDir });
      return createPostgresConfigStore(database.db, () => database.close());
    },
    dispose: () => rm(dataDir, { recursive: true, force: true }),
  };
}

async function postgresServer(): Promise<Reopenable> {
  const target = configDatabaseTargets.find((candidate) => candidate.name === 'postgres');
  if (!target) throw new Error('no postgres target');
  // The throw-away database lives until dispose; each open is a new pool on it.
  const throwaway = await target.open();
  const url = throwaway.url;
  if (!url) throw new Error('the postgres target has no url');
  return {
    name: 'postgres',
    async open() {
      const database = await openConfigDatabase({ kind: 'postgres', url });
      return createPostgresConfigStore(database.db, () => database.close());
    },
    dispose: () => throwaway.close(),
  };
}

const targets = [
  { name: 'pglite', make: pgliteOnDisk },
  { name: 'postgres', make: postgresServer },
];

describe.each(targets)('window rules on $name', ({ make }) => {
  let target: Reopenable | undefined;
  afterAll(async () => {
    await target?.dispose();
  });

  it('go on counting across a restart and clear by time alone in the periodic check', async () => {
    target = await make();
    let store = await target.open();
    const plant = await newTestPlant(store, { label: 'windows', deviceKeys: ['plc-1'] });
    const tag = plant.tags.find((ref) => ref.tagKey === 'level');
    if (!tag) throw new Error('no level tag');
    const common = {
      siteId: plant.siteId,
      tagId: tag.tagId,
      description: '',
      deadband: 0,
      onDelayMs: 0,
      offDelayMs: 0,
      enabled: true,
      escalationPolicyId: null,
      repageHoldOffMinutes: 15,
    };
    const [counter, limit] = await store.inTenant(plant.tenantId, async (repos) => [
      await repos.alarmRules.create({
        ...common,
        id: randomUUID(),
        kind: 'counter',
        name: 'Pump starts',
        severity: 'medium',
        state: true,
        windowSeconds: 3600,
        threshold: 6,
      } as AlarmRuleRecord),
      await repos.alarmRules.create({
        ...common,
        id: randomUUID(),
        kind: 'limit',
        name: 'Level',
        levels: [{ level: 'hi', threshold: 0.5, severity: 'high', offDelayMs: 40 * 60_000 }],
      } as AlarmRuleRecord),
    ]);
    const batch = (minutes: number, value: number) => ({
      tenantId: plant.tenantId,
      siteId: plant.siteId,
      gatewayId: plant.gatewayId,
      points: [
        { tagId: tag.tagId, deviceId: tag.deviceId, ts: min(minutes), value, quality: 'good' as const },
      ],
    });
    const clock = { now: () => new Date(min(0)) };
    // A run signal as a 0/1 register: a start every ten minutes.
    const signal = (starts: number[]) => starts.flatMap((m) => [batch(m, 1), batch(m + 1, 0)]);

    let evaluator = createAlarmEvaluator({ store, ids: uuidV7Ids, clock, states: createAlarmStateCache() });
    await evaluator.evaluate(batch(-1, 0));
    for (const b of signal([0, 10, 20, 30])) await evaluator.evaluate(b);

    // The process stops; a new one starts with nothing in memory.
    await store.close();
    store = await target.open();
    evaluator = createAlarmEvaluator({ store, ids: uuidV7Ids, clock, states: createAlarmStateCache() });
    for (const b of signal([40, 50])) await evaluator.evaluate(b);
    const events = async (ruleId: string) =>
      (await store.inTenant(plant.tenantId, (repos) => repos.alarmEvents.list({ ruleId }, 100)))
        .filter((event) => event.kind === 'raised' || event.kind === 'cleared')
        .map((event) => `${event.kind}@${(Date.parse(event.at) - T0) / 60_000} ${event.value}`)
        .reverse();
    expect(await events(counter.id)).toEqual([]);
    await evaluator.evaluate(batch(55, 1));
    // the seventh start within the hour, four of them seen before the restart
    expect(await events(counter.id)).toEqual(['raised@55 7']);
    await evaluator.evaluate(batch(56, 0));

    // No more data: the check finds the tenant (its rules have windows) and slides the window on,
    // to empty by minute 120.
    const summary = await runAlarmCheck({ store, ids: uuidV7Ids, clock: { now: () => new Date(min(120)) } });
    expect(summary.failedTenants).toBe(0);
    expect(await events(counter.id)).toEqual(['raised@55 7', 'cleared@60 6']);
    // The Hi level's own off-delay (the rule's is 0) held it through the 10-minute runs, and fell
    // due 40 minutes after the last 0 at 56.
    expect(await events(limit.id)).toEqual(['raised@0 1', 'cleared@96 0']);
    const [stored] = await store.inTenant(plant.tenantId, (repos) => repos.alarmStates.list([counter.id]));
    expect(stored?.state).toMatchObject({ alarms: { alarm: { state: 'cleared-unacked', value: 0 } } });
    await store.close();
  }, 120_000);
});
