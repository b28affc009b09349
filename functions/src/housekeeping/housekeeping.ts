// Housekeeping: rows nothing will ever read again (sessions and acknowledgement links long expired
// or used) are deleted, report runs that a crash left `queued` or `running` are marked failed, sign-ups
// never confirmed are removed after a week (with their tenant), and login rate limit counters whose
// window has ended are purged.
// A timer runs it in the local runtime, an EventBridge schedule on AWS.

import type { Clock } from '../platform/clock.ts';
import { logger } from '../platform/observability.ts';
import { type PeriodicJob, startPeriodic } from '../platform/periodic.ts';
import type { HousekeepingCounts, HousekeepingCutoffs, HousekeepingStore } from './ports.ts';

export interface HousekeepingPolicy {
  /**
   * How long expired sessions and expired or used acknowledgement links are kept. While kept, a link
   * clicked late still says "expired" or "already used" rather than "unknown".
   */
  keepExpiredMs: number;
  /**
   * How long a run may stay queued or running before it counts as lost: far above the longest
   * generation (the AWS worker's timeout is 5 minutes), so a slow run is never failed under its feet.
   */
  stuckAfterMs: number;
  /**
   * How long a sign-up may stay unconfirmed: after this (and once its newest link has expired, when
   * that is later) the pending owner is removed, and the tenant with it when nobody else is in it.
   */
  unconfirmedSignUpMs: number;
}

export const DEFAULT_HOUSEKEEPING_POLICY: HousekeepingPolicy = {
  keepExpiredMs: 7 * 24 * 3_600_000,
  stuckAfterMs: 3_600_000,
  unconfirmedSignUpMs: 7 * 24 * 3_600_000,
};

/** Locally the timer runs housekeeping this often; on AWS the schedule's rate is the same. */
export const HOUSEKEEPING_INTERVAL_MS = 3_600_000;

export interface HousekeepingDeps {
  store: HousekeepingStore;
  clock: Clock;
  policy?: HousekeepingPolicy;
}

export interface HousekeepingSummary extends HousekeepingCounts {
  tenants: number;
  /** Tenants whose cleaning failed (logged); the next run tries again. */
  failedTenants: number;
  /** Login rate limit counters of ended windows deleted (a failed purge is logged; the next run retries). */
  rateLimitsPurged: number;
}

export async function runHousekeeping(deps: HousekeepingDeps): Promise<HousekeepingSummary> {
  const policy = deps.policy ?? DEFAULT_HOUSEKEEPING_POLICY;
  const now = deps.clock.now().getTime();
  const cutoffs: HousekeepingCutoffs = {
    now: new Date(now),
    expiredBefore: new Date(now - policy.keepExpiredMs),
    stuckBefore: new Date(now - policy.stuckAfterMs),
    unconfirmedBefore: new Date(now - policy.unconfirmedSignUpMs),
    reason: `did not finish within ${Math.round(policy.stuckAfterMs / 60_000)} minutes (the worker stopped); run it again`,
  };
  const tenants = await deps.store.findTenants(cutoffs);
  const summary: HousekeepingSummary = {
    tenants: tenants.length,
    failedTenants: 0,
    rateLimitsPurged: 0,
    sessionsDeleted: 0,
    ackTokensDeleted: 0,
    reportRunsFailed: 0,
    signUpsExpired: 0,
    tenantsRemoved: 0,
  };
  for (const tenantId of tenants) {
    try {
      const counts = await deps.store.cleanTenant(tenantId, cutoffs);
      summary.sessionsDeleted += counts.sessionsDeleted;
      summary.ackTokensDeleted += counts.ackTokensDeleted;
      summary.reportRunsFailed += counts.reportRunsFailed;
      summary.signUpsExpired += counts.signUpsExpired;
      summary.tenantsRemoved += counts.tenantsRemoved;
    } catch (error) {
      summary.failedTenants += 1;
      logger.error('housekeeping failed for a tenant; the next run tries again', { tenantId, error });
    }
  }
  try {
    summary.rateLimitsPurged = await deps.store.purgeRateLimits(cutoffs);
  } catch (error) {
    logger.error('purging rate limit counters failed; the next run tries again', { error });
  }
  return summary;
}

/** The scheduled Lambda's handler: fails as a whole only when the tenant lookup itself does. */
export function createHousekeepingHandler(deps: HousekeepingDeps): () => Promise<HousekeepingSummary> {
  return async () => {
    const summary = await runHousekeeping(deps);
    logger.info('housekeeping done', { ...summary });
    return summary;
  };
}

/** The local runtime's timer: one pass at a time, every `intervalMs`. */
export function startHousekeepingTimer(
  deps: HousekeepingDeps,
  intervalMs = HOUSEKEEPING_INTERVAL_MS,
): PeriodicJob<HousekeepingSummary> {
  return startPeriodic('housekeeping', () => runHousekeeping(deps), intervalMs);
}
