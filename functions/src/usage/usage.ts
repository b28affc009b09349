// Plans and usage use-cases: the catalogue, the tenant's plan and its usage month by month (the usage
// page and GET /v1/usage, what a billing system reads), plan changes (the operator's command now, a
// payment provider's webhook later), and the daily usage snapshot of every tenant.
import {
  InvalidInputError,
  type Plan,
  planLimitsSchema,
  type TenantPlan,
  type Usage,
  type UsageDay,
} from '@plantwatch/shared';
import type { Clock } from '../platform/clock.ts';
import type { TenantStore } from '../platform/database/tenant-store.ts';
import { logger } from '../platform/observability.ts';
import type { Principal } from '../platform/principal.ts';
import { ESTIMATED_BYTES_PER_POINT, monthBounds, utcDay, utcMonth } from './plans.ts';
import type { UsageLookups, UsageRepositories } from './ports.ts';

export interface UsageDeps {
  store: TenantStore<UsageRepositories>;
  clock: Clock;
  /** How long the telemetry store keeps points: the storage estimate counts the points of these days. */
  telemetryRetentionDays: number;
}

export function listPlans(deps: UsageDeps, principal: Principal): Promise<Plan[]> {
  return deps.store.inTenant(principal.tenantId, (repos) => repos.plans.list());
}

/** The counts and messaging of today, as the usage page shows them and the snapshot records them. */
async function measure(repos: UsageRepositories, now: Date, retentionDays: number) {
  const today = utcDay(now);
  const { start, end } = monthBounds(utcMonth(now));
  const dayStart = new Date(`${today}T00:00:00Z`);
  const counts = await repos.usage.counts();
  const month = await repos.usage.messaging(start, end);
  const day = await repos.usage.messaging(dayStart, new Date(dayStart.getTime() + 86_400_000));
  const retainedSince = utcDay(new Date(now.getTime() - retentionDays * 86_400_000));
  const storageBytes = (await repos.usage.pointsSince(retainedSince)) * ESTIMATED_BYTES_PER_POINT;
  return { today, counts, month, day, storageBytes };
}

export async function getUsage(deps: UsageDeps, principal: Principal, month?: string): Promise<Usage> {
  const now = deps.clock.now();
  const wanted = month ?? utcMonth(now);
  const { firstDay, lastDay } = monthBounds(wanted);
  return deps.store.inTenant(principal.tenantId, async (repos) => {
    const plan = await repos.tenantPlan.get();
    const measured = await measure(repos, now, deps.telemetryRetentionDays);
    // Today's record is brought up to date first, so the month's days include today's counts.
    await repos.usage.snapshot(measured.today, {
      ...measured.counts,
      ...measured.day,
      storageBytes: measured.storageBytes,
    });
    const days = await repos.usage.days(firstDay, lastDay);
    const sum = (pick: (day: UsageDay) => number) => days.reduce((total, day) => total + pick(day), 0);
    return {
      month: wanted,
      plan,
      current: {
        ...measured.counts,
        pointsToday: await repos.usage.pointsOn(measured.today),
        smsThisMonth: measured.month.sms,
        voiceCallsThisMonth: measured.month.voiceCalls,
        storageBytes: measured.storageBytes,
      },
      totals: {
        points: sum((d) => d.points),
        pointsRefused: sum((d) => d.pointsRefused),
        sms: sum((d) => d.sms),
        voiceCalls: sum((d) => d.voiceCalls),
      },
      days,
    };
  });
}

export function getTenantPlan(deps: Pick<UsageDeps, 'store'>, tenantId: string): Promise<TenantPlan> {
  return deps.store.inTenant(tenantId, (repos) => repos.tenantPlan.get());
}

/**
 * Puts a tenant on a plan, with limits that differ from the plan's (an add-on module: more SMS; a
 * deal). Called by the operator's command (`npm run plan`) and, once there is one, by the payment
 * provider's webhook: nothing else changes plans. Lowering a limit below what is configured removes
 * nothing: creating more is refused until the tenant is under it again.
 */
export async function changeTenantPlan(
  deps: Pick<UsageDeps, 'store' | 'clock'>,
  tenantId: string,
  change: { planId: string; overrides?: Record<string, unknown>; changedBy: string },
): Promise<TenantPlan> {
  const overrides = planLimitsSchema
    .partial()
    .strict()
    .safeParse(change.overrides ?? {});
  if (!overrides.success) {
    throw new InvalidInputError(
      `overrides: ${overrides.error.issues.map((i) => `${i.path.join('.') || '(overrides)'}: ${i.message}`).join('; ')}`,
    );
  }
  return deps.store.inTenant(tenantId, (repos) =>
    repos.tenantPlan.set({
      planId: change.planId,
      overrides: overrides.data,
      changedBy: change.changedBy,
      at: deps.clock.now(),
    }),
  );
}

/**
 * Records today's counts of one tenant in its daily usage record, and yesterday's messages once more
 * (those sent after yesterday's last snapshot).
 */
export function snapshotUsage(deps: UsageDeps, tenantId: string): Promise<void> {
  return deps.store.inTenant(tenantId, async (repos) => {
    const now = deps.clock.now();
    const measured = await measure(repos, now, deps.telemetryRetentionDays);
    await repos.usage.snapshot(measured.today, {
      ...measured.counts,
      ...measured.day,
      storageBytes: measured.storageBytes,
    });
    const todayStart = new Date(`${measured.today}T00:00:00Z`);
    const yesterdayStart = new Date(todayStart.getTime() - 86_400_000);
    await repos.usage.setMessaging(
      utcDay(yesterdayStart),
      await repos.usage.messaging(yesterdayStart, todayStart),
    );
  });
}

/**
 * Every tenant's daily record, brought up to date (hourly locally; the last run of a day leaves the
 * day's counts). One tenant's failure is logged and counted and does not stop the others.
 */
export async function snapshotAllUsage(
  deps: UsageDeps & { lookups: UsageLookups },
): Promise<{ tenants: number; failed: number }> {
  let failed = 0;
  const tenantIds = await deps.lookups.tenantIdsForUsage();
  for (const tenantId of tenantIds) {
    try {
      await snapshotUsage(deps, tenantId);
    } catch (error) {
      failed += 1;
      logger.error('usage snapshot failed for a tenant; the next run retries it', { tenantId, error });
    }
  }
  return { tenants: tenantIds.length, failed };
}
