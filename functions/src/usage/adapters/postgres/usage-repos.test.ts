// Plans, usage and account security repositories on PGlite and real PostgreSQL: quota decisions of one
// tenant serialised (concurrent creations never pass the limit together), point counters added up,
// the messaging notice claimed once a month, and single-use account tokens, TOTP steps and recovery
// codes used once under concurrency.
import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ConfigStore, createPostgresConfigStore } from '../../../compose/config-store.ts';
import type { ConfigDatabase } from '../../../platform/database/database.ts';
import { configDatabaseTargets } from '../../../platform/testing/config-databases.ts';
import { newTestTenant } from '../../../platform/testing/tenants.ts';

describe.each(configDatabaseTargets)('plans, usage and account security repositories on $name', (target) => {
  let database: ConfigDatabase;
  let store: ConfigStore;
  beforeAll(async () => {
    database = await target.open({ maxConnections: 6 });
    store = createPostgresConfigStore(database.db, async () => {});
  }, 60_000);
  afterAll(async () => {
    await database?.close();
  });

  async function tenantOnPlan(overrides: Record<string, number | null>) {
    const { tenantId, ownerId } = await newTestTenant(store, 'plans');
    await store.inTenant(tenantId, (repos) =>
      repos.tenantPlan.set({ planId: 'starter', overrides, changedBy: 'test', at: new Date() }),
    );
    return { tenantId, ownerId };
  }

  it('lets one of two simultaneous invitations at the limit through, and refuses the other', async () => {
    const { tenantId } = await tenantOnPlan({ users: 2 });
    const invite = () =>
      store.inTenant(tenantId, async (repos) => {
        await repos.planQuota.ensureRoom('users');
        await repos.users.insertInvited({
          id: randomUUID(),
          email: `u-${randomUUID()}@example.com`,
          name: 'U',
          role: 'viewer',
          siteIds: null,
          inviteTokenHash: randomUUID(),
          inviteExpiresAt: new Date(Date.now() + 86_400_000),
        });
      });
    const results = await Promise.allSettled([invite(), invite(), invite()]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    expect(
      results.filter((r) => r.status === 'rejected').map((r) => (r as PromiseRejectedResult).reason.name),
    ).toEqual(['PlanLimitError', 'PlanLimitError']);
    expect((await store.inTenant(tenantId, (repos) => repos.usage.counts())).users).toBe(2);
  });

  it('reads a tenant without a plan row as unlimited and refuses an unknown plan', async () => {
    const { tenantId } = await newTestTenant(store, 'no-plan');
    expect((await store.inTenant(tenantId, (repos) => repos.tenantPlan.get())).plan.id).toBe('unlimited');
    await expect(
      store.inTenant(tenantId, (repos) =>
        repos.tenantPlan.set({ planId: 'platinum', overrides: {}, changedBy: 'test', at: new Date() }),
      ),
    ).rejects.toMatchObject({
      name: 'InvalidInputError',
      message: 'there is no plan "platinum" in the catalogue',
    });
  });

  it('adds up point counters from several writers, and claims the messaging notice once a month', async () => {
    const { tenantId } = await tenantOnPlan({});
    const add = (stored: number, refused: number) =>
      store.inTenant(tenantId, (repos) => repos.usage.addPoints('2026-03-10', stored, refused));
    await Promise.all([add(10, 0), add(5, 2), add(1, 1)]);
    const [day] = await store.inTenant(tenantId, (repos) => repos.usage.days('2026-03-01', '2026-03-31'));
    expect(day).toMatchObject({ day: '2026-03-10', points: 16, pointsRefused: 3 });
    const claim = (dayOf: string, month: string) =>
      store.inTenant(tenantId, (repos) => repos.usage.claimMessagingNotice(dayOf, month, new Date()));
    const claims = await Promise.all([claim('2026-03-11', '2026-03-01'), claim('2026-03-12', '2026-03-01')]);
    expect(claims.sort()).toEqual([false, true]);
    expect(await claim('2026-04-02', '2026-04-01')).toBe(true);
  });

  it('uses a single-use token, a TOTP step and a recovery code once, even at the same time', async () => {
    const { tenantId, ownerId } = await tenantOnPlan({});
    const tokenId = randomUUID();
    await store.inTenant(tenantId, (repos) =>
      repos.accountTokens.create({
        id: tokenId,
        userId: ownerId,
        purpose: 'reset-password',
        tokenHash: randomUUID(),
        expiresAt: new Date(Date.now() + 900_000),
        context: null,
      }),
    );
    const uses = await Promise.all(
      [1, 2, 3].map(() => store.inTenant(tenantId, (repos) => repos.accountTokens.use(tokenId, new Date()))),
    );
    expect(uses.filter((u) => u !== null)).toHaveLength(1);

    const steps = await Promise.all(
      [1, 2].map(() => store.inTenant(tenantId, (repos) => repos.users.acceptMfaStep(ownerId, 100))),
    );
    expect(steps.sort()).toEqual([false, true]);
    expect(await store.inTenant(tenantId, (repos) => repos.users.acceptMfaStep(ownerId, 99))).toBe(false);
    expect(await store.inTenant(tenantId, (repos) => repos.users.acceptMfaStep(ownerId, 101))).toBe(true);

    await store.inTenant(tenantId, (repos) => repos.users.setMfa(ownerId, { recoveryHashes: ['a', 'b'] }));
    const codes = await Promise.all(
      [1, 2].map(() => store.inTenant(tenantId, (repos) => repos.users.useRecoveryCode(ownerId, 'a'))),
    );
    expect(codes.sort()).toEqual([false, true]);
    expect(
      (await store.inTenant(tenantId, (repos) => repos.users.security(ownerId)))?.recoveryHashes,
    ).toEqual(['b']);
  });

  it('keeps another tenant out of the plan, usage and security rows (row-level security)', async () => {
    const a = await tenantOnPlan({ tags: 7 });
    const b = await newTestTenant(store, 'other');
    await store.inTenant(a.tenantId, (repos) => repos.usage.addPoints('2026-03-10', 4, 0));
    const planOfB = await store.inTenant(b.tenantId, (repos) => repos.tenantPlan.get());
    const daysOfB = await store.inTenant(b.tenantId, (repos) => repos.usage.days('2026-03-01', '2026-03-31'));
    expect(planOfB.plan.id).toBe('unlimited');
    expect(daysOfB).toEqual([]);
    // outside any tenant's transaction the application role sees no rows at all
    const outside = (await database.db.execute(
      sql`select (select count(*) from tenant_plans)::int as plans, (select count(*) from usage_daily)::int as usage`,
    )) as { rows: { plans: number; usage: number }[] };
    expect(outside.rows[0]).toEqual({ plans: 0, usage: 0 });
  });
});
