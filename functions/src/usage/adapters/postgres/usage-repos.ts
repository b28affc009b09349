// UsageRepositories and UsageLookups on PostgreSQL. Counting what a plan limits reads the other
// capabilities' tables (tags, gateways, users, report definitions, the message log) with counts only,
// inside the tenant's transaction and under its row-level security like every other query.
import { InvalidInputError, type Plan, type TenantPlan, type UsageDay } from '@plantwatch/shared';
import { and, asc, between, eq, gte, sql } from 'drizzle-orm';
import type { ConfigDb } from '../../../platform/database/database.ts';
import { pgError } from '../../../platform/database/pg-errors.ts';
import { firstRow } from '../../../platform/database/tenant-store.ts';
import { parseLimits, parseOverrides, planLimitError, tenantPlanOf, UNLIMITED_PLAN } from '../../plans.ts';
import type { CountedResource, UsageLookups, UsageRepositories } from '../../ports.ts';
import { plans, tenantPlans, usageDaily } from './schema.ts';

const toPlan = (row: typeof plans.$inferSelect): Plan => ({
  id: row.id,
  name: row.name,
  limits: parseLimits(row.limits),
});

const toDay = (row: typeof usageDaily.$inferSelect): UsageDay => ({
  day: row.day,
  points: row.points,
  pointsRefused: row.pointsRefused,
  sms: row.sms,
  voiceCalls: row.voiceCalls,
  tags: row.tags,
  gateways: row.gateways,
  users: row.users,
  reportDefinitions: row.reportDefinitions,
  storageBytes: row.storageBytes,
});

/** Each counted resource's table (owned by its capability; only counted here). */
const countQueries: Record<CountedResource, (tenantId: string) => ReturnType<typeof sql>> = {
  // A derived tag is a tag of its site like any other (stored, charted, alarmed): it counts (ADR 0056).
  tags: (t) =>
    sql`select (select count(*) from tags where tenant_id = ${t})::int
      + (select count(*) from derived_tags where tenant_id = ${t})::int as n`,
  gateways: (t) => sql`select count(*)::int as n from gateways where tenant_id = ${t}`,
  users: (t) => sql`select count(*)::int as n from users where tenant_id = ${t}`,
  reportDefinitions: (t) => sql`select count(*)::int as n from report_definitions where tenant_id = ${t}`,
};

export function usageRepositories(tx: ConfigDb, tenantId: string): UsageRepositories {
  const count = async (resource: CountedResource) =>
    Number((await firstRow<{ n: number }>(tx, countQueries[resource](tenantId)))?.n ?? 0);

  async function getTenantPlan(): Promise<TenantPlan> {
    const [row] = await tx
      .select()
      .from(tenantPlans)
      .innerJoin(plans, eq(plans.id, tenantPlans.planId))
      .where(eq(tenantPlans.tenantId, tenantId));
    if (row)
      return tenantPlanOf(
        toPlan(row.plans),
        parseOverrides(row.tenant_plans.overrides),
        row.tenant_plans.since,
      );
    const [unlimited] = await tx.select().from(plans).where(eq(plans.id, UNLIMITED_PLAN.id));
    return tenantPlanOf(unlimited ? toPlan(unlimited) : UNLIMITED_PLAN, {}, null);
  }

  /** Serialises quota decisions of one tenant: concurrent creations wait for each other's commit. */
  const lockTenant = () => tx.execute(sql`select id from tenants where id = ${tenantId} for update`);

  return {
    planQuota: {
      async ensureRoom(resource, adding = 1) {
        await lockTenant();
        const tenantPlan = await getTenantPlan();
        const allowed = tenantPlan.limits[resource];
        if (allowed === null) return;
        const used = await count(resource);
        if (used + adding > allowed) throw planLimitError(tenantPlan, resource, used, adding);
      },
    },

    tenantPlan: {
      get: getTenantPlan,
      async set({ planId, overrides, changedBy, at }) {
        try {
          await tx
            .insert(tenantPlans)
            .values({ tenantId, planId, overrides, changedBy, since: at })
            .onConflictDoUpdate({
              target: tenantPlans.tenantId,
              set: { planId, overrides, changedBy, since: at },
            });
        } catch (error) {
          if (pgError(error)?.code === '23503') {
            throw new InvalidInputError(`there is no plan "${planId}" in the catalogue`, { cause: error });
          }
          throw error;
        }
        return getTenantPlan();
      },
    },

    plans: {
      async list() {
        return (await tx.select().from(plans).orderBy(asc(plans.position))).map(toPlan);
      },
    },

    usage: {
      async addPoints(day, stored, refused) {
        const [row] = await tx
          .insert(usageDaily)
          .values({ tenantId, day, points: stored, pointsRefused: refused })
          .onConflictDoUpdate({
            target: [usageDaily.tenantId, usageDaily.day],
            set: {
              points: sql`${usageDaily.points} + ${stored}`,
              pointsRefused: sql`${usageDaily.pointsRefused} + ${refused}`,
              updatedAt: sql`now()`,
            },
          })
          .returning({ points: usageDaily.points });
        return Number(row?.points ?? stored);
      },
      async pointsOn(day) {
        const [row] = await tx
          .select({ points: usageDaily.points })
          .from(usageDaily)
          .where(and(eq(usageDaily.tenantId, tenantId), eq(usageDaily.day, day)));
        return Number(row?.points ?? 0);
      },
      async snapshot(day, counts) {
        const values = {
          tags: counts.tags,
          gateways: counts.gateways,
          users: counts.users,
          reportDefinitions: counts.reportDefinitions,
          sms: counts.sms,
          voiceCalls: counts.voiceCalls,
          storageBytes: counts.storageBytes,
        };
        await tx
          .insert(usageDaily)
          .values({ tenantId, day, ...values })
          .onConflictDoUpdate({
            target: [usageDaily.tenantId, usageDaily.day],
            set: { ...values, updatedAt: sql`now()` },
          });
      },
      async setMessaging(day, counts) {
        await tx
          .insert(usageDaily)
          .values({ tenantId, day, ...counts })
          .onConflictDoUpdate({
            target: [usageDaily.tenantId, usageDaily.day],
            set: { ...counts, updatedAt: sql`now()` },
          });
      },
      async days(from, to) {
        const rows = await tx
          .select()
          .from(usageDaily)
          .where(and(eq(usageDaily.tenantId, tenantId), between(usageDaily.day, from, to)))
          .orderBy(asc(usageDaily.day));
        return rows.map(toDay);
      },
      async pointsSince(from) {
        const [row] = await tx
          .select({ points: sql<string>`coalesce(sum(${usageDaily.points}), 0)` })
          .from(usageDaily)
          .where(and(eq(usageDaily.tenantId, tenantId), gte(usageDaily.day, from)));
        return Number(row?.points ?? 0);
      },
      async counts() {
        return {
          tags: await count('tags'),
          gateways: await count('gateways'),
          users: await count('users'),
          reportDefinitions: await count('reportDefinitions'),
        };
      },
      async messaging(from, to) {
        // The message log is the record of what was sent: SMS and WhatsApp count as messages.
        const result = (await tx.execute(
          sql`select channel, count(*)::int as n from notifications
              where tenant_id = ${tenantId} and status in ('sent', 'delivered')
                and channel in ('sms', 'whatsapp', 'voice')
                and coalesce(sent_at, created_at) >= ${from.toISOString()}::timestamptz
                and coalesce(sent_at, created_at) < ${to.toISOString()}::timestamptz
              group by channel`,
        )) as { rows: { channel: string; n: number }[] };
        let sms = 0;
        let voiceCalls = 0;
        for (const row of result.rows) {
          if (row.channel === 'voice') voiceCalls += Number(row.n);
          else sms += Number(row.n);
        }
        return { sms, voiceCalls };
      },
      async claimMessagingNotice(day, monthStart, at) {
        await lockTenant();
        const [told] = await tx
          .select({ day: usageDaily.day })
          .from(usageDaily)
          .where(
            and(
              eq(usageDaily.tenantId, tenantId),
              gte(usageDaily.day, monthStart),
              sql`${usageDaily.messagingNoticeAt} is not null`,
            ),
          )
          .limit(1);
        if (told) return false;
        await tx
          .insert(usageDaily)
          .values({ tenantId, day, messagingNoticeAt: at })
          .onConflictDoUpdate({
            target: [usageDaily.tenantId, usageDaily.day],
            set: { messagingNoticeAt: at, updatedAt: sql`now()` },
          });
        return true;
      },
    },
  };
}

export function usageLookups(db: ConfigDb): UsageLookups {
  return {
    async tenantIdsForUsage() {
      const result = (await db.execute(sql`select tenant_id from usage_tenants()`)) as {
        rows: { tenant_id: string }[];
      };
      return result.rows.map((row) => row.tenant_id);
    },
  };
}
