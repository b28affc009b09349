// The points a tenant's plan allows per day, checked in the ingest path. Counting each message in the
// database would add a write to every telemetry message, so each process counts in memory and adds
// its counts to the day's usage record every few seconds, reading the day's total back as it does. On
// AWS several ingest instances count side by side: each sees the others' points at its next flush,
// so a tenant may pass its limit by what the instances admit within one flush interval.
import type { Clock } from '../platform/clock.ts';
import type { TenantStore } from '../platform/database/tenant-store.ts';
import { logger } from '../platform/observability.ts';
import { utcDay } from './plans.ts';
import type { UsageRepositories } from './ports.ts';

/** What ingest asks before it stores a message's points, and tells after. */
export interface PointsQuota {
  /** null: the points may be stored; otherwise why not (the dead letter's detail). */
  refusal(tenantId: string, points: number): Promise<string | null>;
  /**
   * The points a refusal() of null let through are stored or failed: they stop counting as admitted.
   * Admitted points count against the limit until then, so messages handled side by side cannot
   * together pass a limit each would pass alone.
   */
  release(tenantId: string, points: number): void;
  /** The points were stored (`stored`) or refused for the quota (`refused`). */
  record(tenantId: string, counts: { stored?: number; refused?: number }): void;
}

export interface PointsMeter extends PointsQuota {
  /** Adds what was counted in memory to the usage records now. */
  flush(): Promise<void>;
  /** Flushes and stops the timer. */
  close(): Promise<void>;
}

interface TenantCount {
  day: string;
  /** The day's stored points in the usage record at the last read. */
  recorded: number;
  pending: number;
  refused: number;
  limit: number | null;
  planName: string;
  loadedAt: number;
}

export interface PointsMeterOptions {
  store: TenantStore<Pick<UsageRepositories, 'usage' | 'tenantPlan'>>;
  clock: Clock;
  /** How often counts go to the database (and the others' counts come back). */
  flushEveryMs?: number;
  /** How long a tenant's limit is trusted before it is read again (a plan change takes this long). */
  planCacheMs?: number;
}

export function createPointsMeter(options: PointsMeterOptions): PointsMeter {
  const { store, clock } = options;
  const planCacheMs = options.planCacheMs ?? 60_000;
  const tenants = new Map<string, TenantCount>();
  const loading = new Map<string, Promise<TenantCount>>();

  async function load(tenantId: string, day: string): Promise<TenantCount> {
    const { plan, recorded } = await store.inTenant(tenantId, async (repos) => ({
      plan: await repos.tenantPlan.get(),
      recorded: await repos.usage.pointsOn(day),
    }));
    const previous = tenants.get(tenantId);
    const sameDay = previous?.day === day;
    const count: TenantCount = {
      day,
      recorded,
      pending: sameDay ? previous.pending : 0,
      refused: sameDay ? previous.refused : 0,
      limit: plan.limits.pointsPerDay,
      planName: plan.plan.name,
      loadedAt: clock.now().getTime(),
    };
    tenants.set(tenantId, count);
    return count;
  }

  async function current(tenantId: string): Promise<TenantCount> {
    const day = utcDay(clock.now());
    const known = tenants.get(tenantId);
    if (known && known.day === day && clock.now().getTime() - known.loadedAt < planCacheMs) return known;
    if (known && known.day !== day) await flushTenant(tenantId, known);
    let pending = loading.get(tenantId);
    if (!pending) {
      pending = load(tenantId, day).finally(() => loading.delete(tenantId));
      loading.set(tenantId, pending);
    }
    return pending;
  }

  async function flushTenant(tenantId: string, count: TenantCount): Promise<void> {
    if (count.pending === 0 && count.refused === 0) return;
    const { pending, refused } = count;
    count.pending = 0;
    count.refused = 0;
    try {
      count.recorded = await store.inTenant(tenantId, (repos) =>
        repos.usage.addPoints(count.day, pending, refused),
      );
    } catch (error) {
      // Not lost: added back, and the next flush tries again.
      count.pending += pending;
      count.refused += refused;
      throw error;
    }
  }

  async function flush(): Promise<void> {
    for (const [tenantId, count] of tenants) {
      try {
        await flushTenant(tenantId, count);
      } catch (error) {
        logger.error('recording telemetry usage failed; the next flush retries', { tenantId, error });
      }
    }
  }

  const timer = setInterval(() => void flush(), options.flushEveryMs ?? 5_000);
  timer.unref?.();

  /** Points let through and not stored (or failed) yet, by tenant. */
  const admitted = new Map<string, number>();

  return {
    async refusal(tenantId, points) {
      const count = await current(tenantId);
      if (count.limit === null) return null;
      const used = count.recorded + count.pending;
      const inFlight = admitted.get(tenantId) ?? 0;
      if (used + inFlight + points <= count.limit) {
        admitted.set(tenantId, inFlight + points);
        return null;
      }
      return `the ${count.planName} plan allows ${count.limit} points a day (UTC) and ${used} were stored today; these ${points} are kept here, not stored (limit: pointsPerDay)`;
    },
    release(tenantId, points) {
      const inFlight = admitted.get(tenantId);
      if (inFlight === undefined) return; // no limit: nothing was admitted
      if (inFlight > points) admitted.set(tenantId, inFlight - points);
      else admitted.delete(tenantId);
    },
    record(tenantId, { stored = 0, refused = 0 }) {
      const count = tenants.get(tenantId);
      if (!count) return;
      count.pending += stored;
      count.refused += refused;
    },
    flush,
    async close() {
      clearInterval(timer);
      await flush();
    },
  };
}
