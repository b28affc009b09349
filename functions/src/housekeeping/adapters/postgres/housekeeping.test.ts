// Housekeeping on PGlite and real PostgreSQL: what is old enough goes, what is not stays, other
// tenants are untouched, and the cross-tenant lookup names only tenants with something to clean.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ConfigStore, createPostgresConfigStore } from '../../../compose/config-store.ts';
import type { ConfigDatabase } from '../../../platform/database/database.ts';
import { configDatabaseTargets } from '../../../platform/testing/config-databases.ts';
import { newTestTenant } from '../../../platform/testing/tenants.ts';
import type { ReportRunRecord } from '../../../reports/ports.ts';
import { testReport } from '../../../reports/testing/report-record.ts';
import { runHousekeeping } from '../../housekeeping.ts';
import { createPostgresHousekeepingStore } from './housekeeping.ts';

const now = new Date('2026-03-10T12:00:00Z');
const ago = (ms: number) => new Date(now.getTime() - ms);
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const policy = { keepExpiredMs: 7 * DAY, stuckAfterMs: HOUR };

/** A tenant with one row of each kind on each side of the cutoffs; returns what should stay. */
async function tenantWithLeftovers(store: ConfigStore, label: string) {
  const { tenantId, ownerId } = await newTestTenant(store, label);
  const session = (expiresAt: Date) => ({
    id: randomUUID(),
    userId: ownerId,
    tokenHash: randomUUID(),
    expiresAt,
  });
  const sessions = {
    longExpired: session(ago(8 * DAY)),
    recentlyExpired: session(ago(DAY)),
    live: session(new Date(now.getTime() + DAY)),
  };
  const token = (expiresAt: Date) => ({
    id: randomUUID(),
    tokenHash: randomUUID(),
    alarmId: randomUUID(),
    recipient: 'ops@example.com',
    contactId: null,
    expiresAt,
  });
  const tokens = {
    longExpired: token(ago(8 * DAY)),
    longUsed: token(new Date(now.getTime() + 30 * DAY)),
    recentlyUsed: token(new Date(now.getTime() + 30 * DAY)),
    live: token(new Date(now.getTime() + DAY)),
  };
  const runs = await store.inTenant(tenantId, async (repos) => {
    for (const s of Object.values(sessions)) await repos.sessions.create(s);
    for (const t of Object.values(tokens)) await repos.ackTokens.create(t);
    await repos.ackTokens.use(tokens.longUsed.id, ago(8 * DAY));
    await repos.ackTokens.use(tokens.recentlyUsed.id, ago(HOUR));
    const report = await repos.reports.create(
      testReport({ name: 'Daily flows', schedule: { kind: 'daily', at: '06:00' }, lastSlotAt: ago(DAY) }),
    );
    const run = (status: ReportRunRecord['status'], createdAt: Date, startedAt: Date | null) =>
      repos.reportRuns.create({
        id: randomUUID(),
        reportId: report.id,
        trigger: 'manual',
        requestedBy: { type: 'apiKey' },
        slotAt: null,
        periodFrom: ago(2 * DAY),
        periodTo: ago(DAY),
        status,
        files: [],
        delivery: null,
        error: null,
        createdAt,
        startedAt,
        finishedAt: status === 'succeeded' ? createdAt : null,
      });
    return {
      crashedMidRun: await run('running', ago(3 * HOUR), ago(2 * HOUR)),
      neverStarted: await run('queued', ago(2 * HOUR), null),
      slowButAlive: await run('running', ago(2 * HOUR), ago(10 * 60_000)),
      justQueued: await run('queued', ago(60_000), null),
      longDone: await run('succeeded', ago(10 * DAY), ago(10 * DAY)),
    };
  });
  return { tenantId, sessions, tokens, runs };
}

describe.each(configDatabaseTargets)('housekeeping on $name', (target) => {
  let database: ConfigDatabase;
  let store: ConfigStore;

  beforeAll(async () => {
    database = await target.open();
    store = createPostgresConfigStore(database.db, () => database.close());
  }, 60_000);
  afterAll(async () => {
    await store.close();
  });

  it('deletes long-expired sessions and links, fails lost report runs, and keeps everything else', async () => {
    const a = await tenantWithLeftovers(store, 'a');
    const b = await tenantWithLeftovers(store, 'b');
    const tidy = await newTestTenant(store, 'tidy');
    const housekeeping = createPostgresHousekeepingStore(database.db);

    const summary = await runHousekeeping({ store: housekeeping, clock: { now: () => now }, policy });

    expect(summary).toMatchObject({ failedTenants: 0 });
    // Other suites' tenants may share a database; these two are each counted once.
    expect(summary.sessionsDeleted).toBeGreaterThanOrEqual(2);
    for (const t of [a, b]) {
      const after = await store.inTenant(t.tenantId, async (repos) => ({
        tokens: await Promise.all(
          Object.entries(t.tokens).map(async ([name, token]) => [
            name,
            (await repos.ackTokens.findByHash(token.tokenHash)) !== null,
          ]),
        ),
        runs: await Promise.all(
          Object.entries(t.runs).map(async ([name, run]) => [name, await repos.reportRuns.get(run.id)]),
        ),
      }));
      expect(Object.fromEntries(after.tokens)).toEqual({
        longExpired: false,
        longUsed: false,
        recentlyUsed: true,
        live: true,
      });
      const runs = Object.fromEntries(after.runs);
      expect(runs.crashedMidRun).toMatchObject({ status: 'failed', finishedAt: now });
      expect(runs.crashedMidRun.error).toMatch(/did not finish within 60 minutes/);
      expect(runs.neverStarted).toMatchObject({ status: 'failed', finishedAt: now });
      expect(runs.slowButAlive).toMatchObject({ status: 'running', error: null });
      expect(runs.justQueued).toMatchObject({ status: 'queued' });
      expect(runs.longDone).toMatchObject({ status: 'succeeded' });
      const sessionsLeft = await Promise.all(
        Object.entries(t.sessions).map(async ([name, s]) => [
          name,
          (await store.findSessionByTokenHash(s.tokenHash)) !== null,
        ]),
      );
      expect(Object.fromEntries(sessionsLeft)).toEqual({
        longExpired: false,
        recentlyExpired: true,
        live: true,
      });
    }

    const again = await housekeeping.findTenants({
      now,
      expiredBefore: ago(policy.keepExpiredMs),
      stuckBefore: ago(policy.stuckAfterMs),
      reason: 'x',
    });
    expect(again).not.toContain(a.tenantId);
    expect(again).not.toContain(b.tenantId);
    expect(again).not.toContain(tidy.tenantId);
  });

  it("cleans only the tenant it was given, even when another tenant's rows are due", async () => {
    const a = await tenantWithLeftovers(store, 'only-a');
    const b = await tenantWithLeftovers(store, 'only-b');
    const housekeeping = createPostgresHousekeepingStore(database.db);
    const cutoffs = { now, expiredBefore: ago(7 * DAY), stuckBefore: ago(HOUR), reason: 'lost' };

    expect(await housekeeping.findTenants(cutoffs)).toEqual(expect.arrayContaining([a.tenantId, b.tenantId]));
    const counts = await housekeeping.cleanTenant(a.tenantId, cutoffs);

    expect(counts).toEqual({ sessionsDeleted: 1, ackTokensDeleted: 2, reportRunsFailed: 2 });
    const inB = await store.inTenant(b.tenantId, (repos) => repos.reportRuns.get(b.runs.crashedMidRun.id));
    expect(inB?.status).toBe('running');
    expect(await store.findSessionByTokenHash(b.sessions.longExpired.tokenHash)).not.toBeNull();
  });
});
