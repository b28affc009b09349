import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ConfigStore, createPostgresConfigStore } from '../../../compose/config-store.ts';
import type { ConfigDatabase } from '../../../platform/database/database.ts';
import { configDatabaseTargets } from '../../../platform/testing/config-databases.ts';
import { createRunningEscalationsLookup } from './escalation-repos.ts';

async function newTenant(store: ConfigStore, label: string): Promise<string> {
  const tenantId = randomUUID();
  await store.createTenant({
    tenant: { id: tenantId, name: `Waterworks ${label}`, timeZone: 'Europe/London' },
    owner: {
      id: randomUUID(),
      email: `${label}-${tenantId}@example.com`,
      name: 'Owner',
      passwordHash: 'scrypt$x',
    },
  });
  return tenantId;
}

const aRun = (alarmId = randomUUID()) => {
  const alarmEventId = randomUUID();
  return {
    id: randomUUID(),
    executionName: `alarm-event-${alarmEventId}`,
    alarmEventId,
    alarmId,
    policyId: randomUUID(),
    startedAt: new Date('2026-11-22T03:10:00.000Z'),
  };
};

describe.each(configDatabaseTargets)('escalation repositories on $name', (target) => {
  let database: ConfigDatabase;
  let store: ConfigStore;
  let tenantA: string;
  let tenantB: string;

  beforeAll(async () => {
    database = await target.open();
    store = createPostgresConfigStore(database.db, () => database.close());
    tenantA = await newTenant(store, 'a');
    tenantB = await newTenant(store, 'b');
  }, 60_000);
  afterAll(async () => {
    await store?.close();
  });

  it('inserts a chain once per execution name; a second insert finds the first', async () => {
    const run = aRun();
    const first = await store.inTenant(tenantA, (repos) => repos.escalations.insertIfAbsent(run));
    const second = await store.inTenant(tenantA, (repos) =>
      repos.escalations.insertIfAbsent({ ...run, id: randomUUID(), startedAt: new Date() }),
    );
    expect(first).toMatchObject({ created: true, run: { status: 'running', level: null, round: 0 } });
    expect(second).toEqual({ created: false, run: first.run });
  });

  it('records progress while running, ends a chain once, and keeps its first outcome', async () => {
    const run = aRun();
    await store.inTenant(tenantA, (repos) => repos.escalations.insertIfAbsent(run));
    const at = new Date('2026-11-22T03:11:00.000Z');
    const progressed = await store.inTenant(tenantA, (repos) =>
      repos.escalations.recordProgress(run.executionName, { round: 0, level: 1, at, reason: null }),
    );
    expect(progressed).toMatchObject({ level: 1, lastNotifiedAt: at });
    const ended = await store.inTenant(tenantA, (repos) =>
      repos.escalations.end(run.executionName, { status: 'stopped', reason: 'acknowledged', at }),
    );
    const again = await store.inTenant(tenantA, (repos) =>
      repos.escalations.end(run.executionName, { status: 'finished', reason: null, at }),
    );
    expect(ended).toMatchObject({ status: 'stopped', reason: 'acknowledged', endedAt: at });
    expect(again).toBeNull();
    expect(
      await store.inTenant(tenantA, (repos) =>
        repos.escalations.recordProgress(run.executionName, { round: 0, level: 2, at }),
      ),
    ).toBeNull();
  });

  it("lists an alarm's running chains, and shows no tenant another tenant's", async () => {
    const alarmId = randomUUID();
    const run = aRun(alarmId);
    await store.inTenant(tenantA, (repos) => repos.escalations.insertIfAbsent(run));
    expect(
      (await store.inTenant(tenantA, (repos) => repos.escalations.listRunning({ alarmId }))).map(
        (r) => r.executionName,
      ),
    ).toEqual([run.executionName]);
    expect(await store.inTenant(tenantB, (repos) => repos.escalations.listRunning({ alarmId }))).toEqual([]);
    expect(await store.inTenant(tenantB, (repos) => repos.escalations.get(run.executionName))).toBeNull();
    // the same name in another tenant is another chain
    expect(
      await store.inTenant(tenantB, (repos) =>
        repos.escalations.insertIfAbsent({ ...run, id: randomUUID() }),
      ),
    ).toMatchObject({
      created: true,
    });
  });

  it('finds the running chains of every tenant at start-up, and only running ones', async () => {
    const running = aRun();
    const ended = aRun();
    await store.inTenant(tenantB, async (repos) => {
      await repos.escalations.insertIfAbsent(running);
      await repos.escalations.insertIfAbsent(ended);
      await repos.escalations.end(ended.executionName, { status: 'failed', reason: 'x', at: new Date() });
    });
    const all = await createRunningEscalationsLookup(database.db).listRunningEscalations();
    expect(all).toContainEqual({ tenantId: tenantB, executionName: running.executionName });
    expect(all).not.toContainEqual({ tenantId: tenantB, executionName: ended.executionName });
    expect(new Set(all.map((entry) => entry.tenantId))).toEqual(new Set([tenantA, tenantB]));
  });
});
