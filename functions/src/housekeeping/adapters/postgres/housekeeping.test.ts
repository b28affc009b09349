// Housekeeping on PGlite and real PostgreSQL: what is old enough goes, what is not stays, other
// tenants are untouched, and the cross-tenant lookup names only tenants with something to clean.
import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { users } from '../../../accounts/adapters/postgres/schema.ts';
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
const policy = { keepExpiredMs: 7 * DAY, stuckAfterMs: HOUR, unconfirmedSignUpMs: 7 * DAY };

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
      unconfirmedBefore: ago(policy.unconfirmedSignUpMs),
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
    const cutoffs = {
      now,
      expiredBefore: ago(7 * DAY),
      stuckBefore: ago(HOUR),
      unconfirmedBefore: ago(7 * DAY),
      reason: 'lost',
    };

    expect(await housekeeping.findTenants(cutoffs)).toEqual(expect.arrayContaining([a.tenantId, b.tenantId]));
    const counts = await housekeeping.cleanTenant(a.tenantId, cutoffs);

    expect(counts).toEqual({
      sessionsDeleted: 1,
      ackTokensDeleted: 2,
      reportRunsFailed: 2,
      signUpsExpired: 0,
      tenantsRemoved: 0,
    });
    const inB = await store.inTenant(b.tenantId, (repos) => repos.reportRuns.get(b.runs.crashedMidRun.id));
    expect(inB?.status).toBe('running');
    expect(await store.findSessionByTokenHash(b.sessions.longExpired.tokenHash)).not.toBeNull();
  });
  it('removes sign-ups never confirmed after a week, with their tenant when nobody else is in it', async () => {
    /** A tenant whose owner signed up `age` ago and never opened the link, whose last link expires at `linkExpires`. */
    async function signUp(label: string, age: number, linkExpires: Date) {
      const tenantId = randomUUID();
      const ownerId = randomUUID();
      const email = `${label}-${tenantId}@example.com`;
      await store.createTenant({
        tenant: { id: tenantId, name: `Unconfirmed ${label}`, timeZone: 'Europe/London' },
        owner: { id: ownerId, email, name: 'Owner', passwordHash: 'scrypt$x', status: 'pending' },
      });
      await store.inTenant(tenantId, (repos) =>
        repos.accountTokens.create({
          id: randomUUID(),
          userId: ownerId,
          purpose: 'verify-email',
          tokenHash: randomUUID(),
          expiresAt: linkExpires,
          context: null,
        }),
      );
      await backdate(tenantId, ownerId, ago(age));
      return { tenantId, ownerId, email };
    }
    /** Sign-up time is the row's creation time, which only the database sets: moved back here. */
    async function backdate(tenantId: string, userId: string, createdAt: Date) {
      await database.db.transaction(async (tx) => {
        await tx.execute(sql`select set_config('app.tenant_id', ${tenantId}, true)`);
        await tx.execute(
          sql`update users set created_at = ${createdAt.toISOString()}::timestamptz where id = ${userId}`,
        );
      });
    }
    const abandoned = await signUp('abandoned', 8 * DAY, ago(7 * DAY));
    const lateLink = await signUp('late-link', 8 * DAY, new Date(now.getTime() + HOUR));
    const recent = await signUp('recent', 2 * DAY, ago(DAY));
    // A confirmed owner of long ago, and beside them a pending user as old as the abandoned sign-up
    // (no sign-up makes one, but a tenant with anyone else in it is never removed).
    const confirmed = await newTestTenant(store, 'confirmed');
    await backdate(confirmed.tenantId, confirmed.ownerId, ago(30 * DAY));
    const strayId = randomUUID();
    await database.db.transaction(async (tx) => {
      await tx.execute(sql`select set_config('app.tenant_id', ${confirmed.tenantId}, true)`);
      await tx.insert(users).values({
        id: strayId,
        tenantId: confirmed.tenantId,
        email: `stray-${strayId}@example.com`,
        name: 'Stray',
        role: 'viewer',
        status: 'pending',
        createdAt: ago(8 * DAY),
      });
    });
    const housekeeping = createPostgresHousekeepingStore(database.db);
    const cutoffs = {
      now,
      expiredBefore: ago(policy.keepExpiredMs),
      stuckBefore: ago(policy.stuckAfterMs),
      unconfirmedBefore: ago(policy.unconfirmedSignUpMs),
      reason: 'x',
    };
    const due = await housekeeping.findTenants(cutoffs);
    expect(due).toEqual(expect.arrayContaining([abandoned.tenantId, confirmed.tenantId]));
    expect(due).not.toContain(lateLink.tenantId);
    expect(due).not.toContain(recent.tenantId);

    expect(await housekeeping.cleanTenant(abandoned.tenantId, cutoffs)).toMatchObject({
      signUpsExpired: 1,
      tenantsRemoved: 1,
    });
    expect(await housekeeping.cleanTenant(confirmed.tenantId, cutoffs)).toMatchObject({
      signUpsExpired: 1,
      tenantsRemoved: 0,
    });
    // Only through the narrow lookups and the tenant's own transaction: what is left, and what is not.
    expect(await store.findCredentialsByEmail(abandoned.email)).toBeNull();
    await expect(store.inTenant(abandoned.tenantId, (repos) => repos.tenant.get())).rejects.toThrow();
    expect(await store.findCredentialsByEmail(lateLink.email)).toMatchObject({ status: 'pending' });
    expect(await store.findCredentialsByEmail(recent.email)).toMatchObject({ status: 'pending' });
    const left = await store.inTenant(confirmed.tenantId, (repos) => repos.users.list());
    expect(left.map((user) => user.id)).toEqual([confirmed.ownerId]);

    // The late link expires: at the next hourly run that sign-up goes too.
    const later = new Date(now.getTime() + 2 * HOUR);
    const summary = await runHousekeeping({ store: housekeeping, clock: { now: () => later }, policy });
    expect(summary.signUpsExpired).toBeGreaterThanOrEqual(1);
    expect(await store.findCredentialsByEmail(lateLink.email)).toBeNull();
    expect(await store.findCredentialsByEmail(recent.email)).toMatchObject({ status: 'pending' });
  });
});
