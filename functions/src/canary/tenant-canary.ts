// The tenant canary's scheduler, run by the periodic alarm check on both runtimes (a timer locally,
// the alarm-check Lambda on AWS): for every tenant with canary work it claims the slot that fell due
// (a compare-and-set on the schedule, and one run per slot: two instances never both send it; slots
// missed while the service was down are sent once, late), sends what is pending, and judges what
// passed its deadline.
import type { IdGenerator } from '../platform/id-generator.ts';
import { logger } from '../platform/observability.ts';
import type { CanaryLookups, CanaryRunRecord } from './ports.ts';
import { type CanaryRunDeps, type CanarySendOptions, missCanaryRun, sendCanaryRun } from './runs.ts';
import { dueCanarySlot, nextCanarySlot } from './schedule.ts';

export interface TenantCanaryDeps extends CanaryRunDeps {
  store: CanaryRunDeps['store'] & CanaryLookups;
  ids: IdGenerator;
}

export interface TenantCanarySummary {
  tenants: number;
  /** Slots that fell due and were claimed by this pass. */
  claimed: number;
  sent: number;
  /** Send attempts no channel took (retried later). */
  failedAttempts: number;
  missed: number;
  /** Tenants whose pass failed (logged); the next pass tries again. */
  failedTenants: number;
}

export interface TenantCanaryScheduler {
  run(): Promise<TenantCanarySummary>;
}

const BATCH = 20;
const MINUTE_MS = 60_000;

/** Claims the tenant's due slot, if any: a new pending run, or null (none due, or another instance had it). */
export async function claimDueCanarySlot(
  deps: Pick<TenantCanaryDeps, 'store' | 'clock' | 'ids'>,
  tenantId: string,
): Promise<CanaryRunRecord | null> {
  const now = deps.clock.now();
  return deps.store.inTenant(tenantId, async (repos) => {
    const settings = await repos.canarySettings.get();
    if (!settings?.enabled || !settings.nextDueAt || settings.nextDueAt > now) return null;
    const slot = dueCanarySlot(settings, settings.lastSlotAt, now);
    const moved = await repos.canarySettings.advance(
      settings.lastSlotAt,
      { lastSlotAt: slot ?? settings.lastSlotAt, nextDueAt: nextCanarySlot(settings, now) },
      now,
    );
    if (!moved || !slot) return null;
    const contact = await repos.contacts.get(settings.contactId);
    // the deadline counts from when the page can go out: a slot sent late gets its full time
    return repos.canaryRuns.insertIfAbsent({
      id: deps.ids.newId(),
      slotAt: slot,
      trigger: 'schedule',
      contactId: settings.contactId,
      contactName: contact?.name ?? 'a deleted contact',
      dueBy: new Date(now.getTime() + settings.ackWithinMinutes * MINUTE_MS),
      nextAttemptAt: now,
      createdAt: now,
    });
  });
}

export function createTenantCanaryScheduler(
  deps: TenantCanaryDeps,
  options: CanarySendOptions = {},
): TenantCanaryScheduler {
  async function tenantPass(tenantId: string, summary: TenantCanarySummary) {
    if (await claimDueCanarySlot(deps, tenantId)) summary.claimed += 1;
    const now = deps.clock.now();
    const { due, overdue } = await deps.store.inTenant(tenantId, async (repos) => ({
      due: await repos.canaryRuns.listDueForSending(now, BATCH),
      overdue: await repos.canaryRuns.listOverdue(now, BATCH),
    }));
    for (const run of due) {
      const after = await sendCanaryRun(deps, tenantId, run.id, options);
      if (after?.status === 'sent') summary.sent += 1;
      else if (after?.status === 'pending') summary.failedAttempts += 1;
    }
    for (const run of overdue) {
      if (await missCanaryRun(deps, tenantId, run)) summary.missed += 1;
    }
  }

  return {
    async run() {
      const tenants = await deps.store.findTenantsWithCanaryWork(deps.clock.now());
      const summary: TenantCanarySummary = {
        tenants: tenants.length,
        claimed: 0,
        sent: 0,
        failedAttempts: 0,
        missed: 0,
        failedTenants: 0,
      };
      for (const tenantId of tenants) {
        try {
          await tenantPass(tenantId, summary);
        } catch (error) {
          summary.failedTenants += 1;
          logger.error('tenant canary pass failed for a tenant; the next pass tries again', {
            tenantId,
            error,
          });
        }
      }
      return summary;
    },
  };
}
