// Retention per tenant (issue 16, ADR 0036): how long each kind of data is kept (days, within the
// plan's maximum), and the nightly run that deletes what is older, records what it deleted, and
// leaves everything else alone. A timer runs it hourly in the local runtime and the housekeeping
// schedule on AWS; each tenant's run happens once a night, after 02:00 in the tenant's time zone.
import {
  InvalidInputError,
  type Retention,
  type RetentionDeletion,
  type RetentionKind,
  type RetentionSettings,
  retentionKinds,
} from '@plantwatch/shared';
import type { AccountRepositories } from '../accounts/ports.ts';
import type { Clock } from '../platform/clock.ts';
import type { TenantStore } from '../platform/database/tenant-store.ts';
import type { IdGenerator } from '../platform/id-generator.ts';
import { logger } from '../platform/observability.ts';
import type { Principal } from '../platform/principal.ts';
import { requireRole } from '../platform/principal.ts';
import type { ReportFileStorage } from '../reports/ports.ts';
import type { UsageRepositories } from '../usage/ports.ts';
import type { RetentionRepositories, TelemetryRetention } from './ports.ts';

const DAY_MS = 86_400_000;

/**
 * The longest any setting may be, by plan (days). Plans carry no retention limit of their own yet
 * (issue 15's catalogue): until they do, the tiers are these, and an unknown plan gets a year.
 */
export const PLAN_RETENTION_MAX_DAYS: Readonly<Record<string, number>> = {
  starter: 90,
  standard: 365,
  professional: 730,
  enterprise: 1825,
  industrial: 3650,
  unlimited: 36_500,
};
const UNKNOWN_PLAN_MAX_DAYS = 365;

/** What a tenant keeps until it says otherwise (each capped by the plan's maximum). */
export const DEFAULT_RETENTION: RetentionSettings = {
  rawPoints: 400,
  rollupsMinute: 400,
  rollupsHour: 3650,
  alarmJournal: 3650,
  messageLog: 400,
  reportFiles: 400,
  deadLetters: 30,
};

/** The local hour from which a tenant's nightly run may happen. */
const RUN_FROM_LOCAL_HOUR = 2;

type RetentionStore = TenantStore<
  RetentionRepositories & Pick<UsageRepositories, 'tenantPlan'> & Pick<AccountRepositories, 'tenant'>
>;

export interface RetentionDeps {
  store: RetentionStore;
  clock: Clock;
  ids: IdGenerator;
}

export interface RetentionRunDeps extends RetentionDeps {
  /** Absent where the telemetry store keeps its own retention (Timestream's table retention). */
  telemetry?: TelemetryRetention;
  reportFiles?: Pick<ReportFileStorage, 'remove'>;
  /** Every tenant's id (the usage lookup: tenant ids only). */
  tenantIds(): Promise<string[]>;
}

const maxDaysFor = (planId: string) => PLAN_RETENTION_MAX_DAYS[planId] ?? UNKNOWN_PLAN_MAX_DAYS;

const capped = (settings: RetentionSettings, maxDays: number): RetentionSettings =>
  Object.fromEntries(
    retentionKinds.map((kind) => [kind, Math.min(settings[kind], maxDays)]),
  ) as RetentionSettings;

async function effective(repos: Parameters<Parameters<RetentionStore['inTenant']>[1]>[0]) {
  const [stored, plan, lastAppliedOn] = await Promise.all([
    repos.retention.get(),
    repos.tenantPlan.get(),
    repos.retention.lastAppliedOn(),
  ]);
  const maxDays = maxDaysFor(plan.plan.id);
  return {
    settings: capped(stored ?? DEFAULT_RETENTION, maxDays),
    maxDays,
    custom: stored !== null,
    lastAppliedOn,
  };
}

export async function getRetention(deps: RetentionDeps, principal: Principal): Promise<Retention> {
  return deps.store.inTenant(principal.tenantId, (repos) => effective(repos));
}

/** Admins change it; a setting over the plan's maximum is refused naming the field. */
export async function putRetention(
  deps: RetentionDeps,
  principal: Principal,
  settings: RetentionSettings,
): Promise<Retention> {
  requireRole(principal, 'admin');
  return deps.store.inTenant(principal.tenantId, async (repos) => {
    const plan = await repos.tenantPlan.get();
    const maxDays = maxDaysFor(plan.plan.id);
    const over = retentionKinds.filter((kind) => settings[kind] > maxDays);
    if (over.length > 0) {
      throw new InvalidInputError(
        over
          .map((kind) => `body.${kind}: the ${plan.plan.name} plan keeps data at most ${maxDays} days`)
          .join('; '),
        { details: over.map((kind) => ({ path: `body.${kind}`, message: `at most ${maxDays} days` })) },
      );
    }
    await repos.retention.put(settings, principal.userId ?? principal.apiKeyId ?? 'api');
    return effective(repos);
  });
}

export async function listRetentionDeletions(
  deps: RetentionDeps,
  principal: Principal,
  limit: number,
): Promise<RetentionDeletion[]> {
  return deps.store.inTenant(principal.tenantId, (repos) => repos.retention.deletions(limit));
}

/** The tenant's local calendar date and hour at `at`. */
export function localDateAndHour(at: Date, timeZone: string): { date: string; hour: number } {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-CA', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      hourCycle: 'h23',
    })
      .formatToParts(at)
      .map((part) => [part.type, part.value]),
  );
  return { date: `${parts.year}-${parts.month}-${parts.day}`, hour: Number(parts.hour) };
}

/**
 * One tenant's run: everything older than its setting (counted back from now) is deleted, store by
 * store, and what was deleted is recorded. `force` runs it whatever the hour and the last run's date.
 */
export async function applyRetention(
  deps: RetentionRunDeps,
  tenantId: string,
  options: { force?: boolean } = {},
): Promise<Omit<RetentionDeletion, 'id'>[] | null> {
  const now = deps.clock.now();
  const plan = await deps.store.inTenant(tenantId, async (repos) => {
    const tenant = await repos.tenant.get();
    const local = localDateAndHour(now, tenant.timeZone);
    const { settings, lastAppliedOn } = await effective(repos);
    const due = options.force || (local.hour >= RUN_FROM_LOCAL_HOUR && lastAppliedOn !== local.date);
    return due ? { settings, localDate: local.date } : null;
  });
  if (!plan) return null;
  const cutoff = (kind: RetentionKind) => now.getTime() - plan.settings[kind] * DAY_MS;
  const deleted: Partial<Record<RetentionKind, number>> = {};
  // The telemetry store first: it is the big one, and its own transaction.
  if (deps.telemetry) {
    Object.assign(
      deleted,
      await deps.telemetry.deleteTenantBefore(tenantId, {
        rawPoints: cutoff('rawPoints'),
        rollupsMinute: cutoff('rollupsMinute'),
        rollupsHour: cutoff('rollupsHour'),
      }),
    );
  }
  const fileKeys = await deps.store.inTenant(tenantId, async (repos) => {
    deleted.alarmJournal = await repos.retention.deleteAlarmEventsBefore(new Date(cutoff('alarmJournal')));
    deleted.messageLog = await repos.retention.deleteMessagesBefore(new Date(cutoff('messageLog')));
    deleted.deadLetters = await repos.retention.deleteDeadLettersBefore(new Date(cutoff('deadLetters')));
    const runs = await repos.retention.deleteReportRunsBefore(new Date(cutoff('reportFiles')));
    deleted.reportFiles = runs.deleted;
    return runs.fileKeys;
  });
  // Files after their rows are gone: a file left by a failure here is unreachable, never a broken link.
  for (const key of fileKeys) {
    try {
      await deps.reportFiles?.remove(key);
    } catch (error) {
      logger.warn('a report file past retention could not be deleted', { tenantId, key, error });
    }
  }
  const ranAt = now.toISOString();
  const deletions = retentionKinds
    .filter((kind) => deleted[kind] !== undefined)
    .map((kind) => ({
      ranAt,
      kind,
      olderThan: new Date(cutoff(kind)).toISOString(),
      deleted: deleted[kind] ?? 0,
    }));
  await deps.store.inTenant(tenantId, async (repos) => {
    await repos.retention.record(deletions, () => deps.ids.newId());
    await repos.retention.markApplied(plan.localDate, now);
  });
  logger.info('retention applied', { tenantId, deleted });
  return deletions;
}

/** Every tenant whose night it is; a tenant's failure is logged and retried at the next pass. */
export async function runRetention(
  deps: RetentionRunDeps,
): Promise<{ tenants: number; applied: number; failed: number }> {
  const tenantIds = await deps.tenantIds();
  let applied = 0;
  let failed = 0;
  for (const tenantId of tenantIds) {
    try {
      if (await applyRetention(deps, tenantId)) applied += 1;
    } catch (error) {
      failed += 1;
      logger.error('retention failed for a tenant; the next pass retries it', { tenantId, error });
    }
  }
  return { tenants: tenantIds.length, applied, failed };
}
