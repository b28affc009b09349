// The scheduler's tick, the same on AWS (EventBridge Scheduler, every minute) and locally (croner):
// find enabled reports whose next slot has passed, claim the newest passed slot, queue one run.

import type { Clock } from '../platform/clock.ts';
import type { TenantStore } from '../platform/database/tenant-store.ts';
import type { IdGenerator } from '../platform/id-generator.ts';
import { coveredPeriod } from './period.ts';
import type {
  ReportJobQueue,
  ReportRunRecord,
  ReportScheduleIndex,
  ReportStoreRepositories,
  StoredReport,
} from './ports.ts';
import { dueSlot } from './schedule.ts';

export interface SchedulerDeps {
  index: ReportScheduleIndex;
  store: TenantStore<ReportStoreRepositories>;
  clock: Clock;
  ids: IdGenerator;
  jobs: ReportJobQueue;
  /** Told about a report the tick could not handle; the tick carries on with the others. */
  onError?: (error: unknown, report: { tenantId: string; reportId: string }) => void;
}

export function newRun(
  ids: IdGenerator,
  report: StoredReport,
  trigger: ReportRunRecord['trigger'],
  requestedBy: ReportRunRecord['requestedBy'],
  runAt: Date,
  slotAt: Date | null,
  now: Date,
): ReportRunRecord {
  const period = coveredPeriod(report.period, runAt.getTime(), report.timeZone);
  return {
    id: ids.newId(),
    reportId: report.id,
    trigger,
    requestedBy,
    slotAt,
    periodFrom: new Date(period.from),
    periodTo: new Date(period.to),
    status: 'queued',
    files: [],
    delivery: null,
    error: null,
    createdAt: now,
    startedAt: null,
    finishedAt: null,
  };
}

/**
 * One pass over every enabled report. However many slots passed since a report last ran (the
 * process was down), it gets one run, for the newest slot. Claiming the slot is a compare-and-set,
 * so two schedulers never queue the same slot twice. Returns the runs queued.
 */
export async function tickReportSchedules(
  deps: SchedulerDeps,
): Promise<{ tenantId: string; runId: string }[]> {
  const now = deps.clock.now();
  const queued: { tenantId: string; runId: string }[] = [];
  for (const ref of await deps.index.listEnabled()) {
    try {
      const slot = dueSlot(ref.schedule, ref.timeZone, ref.lastSlotAt, now);
      if (!slot) continue;
      const run = await deps.store.inTenant(ref.tenantId, async (repos) => {
        if (!(await repos.reports.claimSlot(ref.reportId, ref.lastSlotAt, slot))) return null;
        const report = await repos.reports.get(ref.reportId);
        if (!report) return null;
        return repos.reportRuns.create(
          newRun(deps.ids, report, 'schedule', report.createdBy, slot, slot, now),
        );
      });
      if (!run) continue;
      await deps.jobs.enqueue({ tenantId: ref.tenantId, runId: run.id });
      queued.push({ tenantId: ref.tenantId, runId: run.id });
    } catch (error) {
      deps.onError?.(error, ref);
    }
  }
  return queued;
}
