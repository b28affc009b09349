// Report definitions and runs (issue #7): the PostgreSQL implementation of ReportRepositories, and the
// scheduler's one cross-tenant read.
import { reportDeliverySchema, reportFileSchema, reportScheduleSchema } from '@plantwatch/shared';
import { and, asc, desc, eq, gte, inArray, lt, sql } from 'drizzle-orm';
import { z } from 'zod';
import { toAlarmEvent } from '../../../alarms/adapters/postgres/alarm-event-rows.ts';
import { alarmEvents } from '../../../alarms/adapters/postgres/schema.ts';
import type { ConfigDb } from '../../../platform/database/database.ts';
import type {
  ReportRecord,
  ReportRepositories,
  ReportRunRecord,
  ReportScheduleIndex,
  StoredReport,
} from '../../ports.ts';
import { reportDefinitions, reportDownloads, reportRuns } from './schema.ts';

type Row<T extends { $inferSelect: unknown }> = T['$inferSelect'];

// The settings document is checked against the API's schema when read, as alarm rules are: a row
// written by an older version fails loudly here instead of deep inside a scheduled run.
const settingsSchema = reportScheduleSchema.pick({
  period: true,
  bucket: true,
  metrics: true,
  sections: true,
  formats: true,
  recipients: true,
  schedule: true,
});

function toReport(r: Row<typeof reportDefinitions>): StoredReport {
  const settings = settingsSchema.parse(r.settings);
  return {
    id: r.id,
    tenantId: r.tenantId,
    name: r.name,
    ownerUserId: r.ownerUserId,
    ownerSiteIds: r.ownerSiteIds,
    createdBy: r.createdBy,
    // reports saved before issue 21 have no assetIds
    scope: { ...r.scope, assetIds: r.scope.assetIds ?? [] },
    scopeSiteIds: r.scopeSiteIds,
    ...settings,
    timeZone: r.timeZone,
    enabled: r.enabled,
    lastSlotAt: r.lastSlotAt,
    createdAt: r.createdAt,
    updatedAt: r.updatedAt,
  };
}

const filesSchema = z.array(reportFileSchema);

function toRun(r: Row<typeof reportRuns>): ReportRunRecord {
  return {
    id: r.id,
    reportId: r.reportId,
    trigger: r.trigger,
    requestedBy: r.requestedBy,
    slotAt: r.slotAt,
    periodFrom: r.periodFrom,
    periodTo: r.periodTo,
    status: r.status,
    files: filesSchema.parse(r.files),
    delivery: r.delivery === null ? null : reportDeliverySchema.parse(r.delivery),
    error: r.error,
    createdAt: r.createdAt,
    startedAt: r.startedAt,
    finishedAt: r.finishedAt,
  };
}

function settingsOf(report: Partial<ReportRecord>): Record<string, unknown> | undefined {
  const keys = ['period', 'bucket', 'metrics', 'sections', 'formats', 'recipients', 'schedule'] as const;
  if (!keys.some((key) => report[key] !== undefined)) return undefined;
  return Object.fromEntries(keys.map((key) => [key, report[key]]));
}

/** Runs inside `inTenant`'s transaction, where row-level security shows only `tenantId`'s rows. */
export function reportsRepositories(tx: ConfigDb, tenantId: string): ReportRepositories {
  const byId = (id: string) => and(eq(reportDefinitions.tenantId, tenantId), eq(reportDefinitions.id, id));
  const runById = (id: string) => and(eq(reportRuns.tenantId, tenantId), eq(reportRuns.id, id));
  return {
    reports: {
      async list() {
        const rows = await tx
          .select()
          .from(reportDefinitions)
          .where(eq(reportDefinitions.tenantId, tenantId))
          .orderBy(asc(reportDefinitions.name), asc(reportDefinitions.id));
        return rows.map(toReport);
      },
      async get(id) {
        const [row] = await tx.select().from(reportDefinitions).where(byId(id));
        return row ? toReport(row) : null;
      },
      async create(report) {
        const [row] = await tx
          .insert(reportDefinitions)
          .values({
            id: report.id,
            tenantId,
            name: report.name,
            ownerUserId: report.ownerUserId,
            ownerSiteIds: report.ownerSiteIds,
            createdBy: report.createdBy,
            scope: report.scope,
            scopeSiteIds: report.scopeSiteIds,
            settings: settingsOf(report) ?? {},
            timeZone: report.timeZone,
            enabled: report.enabled,
            lastSlotAt: report.lastSlotAt,
          })
          .returning();
        if (!row) throw new Error('INSERT … RETURNING returned no row');
        return toReport(row);
      },
      async update(id, patch) {
        const current = await this.get(id);
        if (!current) return null;
        const merged = { ...current, ...patch };
        const [row] = await tx
          .update(reportDefinitions)
          .set({
            name: merged.name,
            ownerSiteIds: merged.ownerSiteIds,
            scope: merged.scope,
            scopeSiteIds: merged.scopeSiteIds,
            settings: settingsOf(merged) ?? {},
            timeZone: merged.timeZone,
            enabled: merged.enabled,
            lastSlotAt: merged.lastSlotAt,
            updatedAt: sql`now()`,
          })
          .where(byId(id))
          .returning();
        return row ? toReport(row) : null;
      },
      async remove(id) {
        const rows = await tx
          .delete(reportDefinitions)
          .where(byId(id))
          .returning({ id: reportDefinitions.id });
        return rows.length > 0;
      },
      async claimSlot(id, expected, slot) {
        const rows = await tx
          .update(reportDefinitions)
          .set({ lastSlotAt: slot })
          .where(and(byId(id), eq(reportDefinitions.lastSlotAt, expected)))
          .returning({ id: reportDefinitions.id });
        return rows.length > 0;
      },
    },
    reportRuns: {
      async list(reportId, limit) {
        const rows = await tx
          .select()
          .from(reportRuns)
          .where(and(eq(reportRuns.tenantId, tenantId), eq(reportRuns.reportId, reportId)))
          .orderBy(desc(reportRuns.createdAt), desc(reportRuns.id))
          .limit(limit);
        return rows.map(toRun);
      },
      async get(id) {
        const [row] = await tx.select().from(reportRuns).where(runById(id));
        return row ? toRun(row) : null;
      },
      async create(run) {
        const [row] = await tx
          .insert(reportRuns)
          .values({
            ...run,
            tenantId,
            files: run.files as unknown as Record<string, unknown>[],
            delivery: run.delivery as unknown as Record<string, unknown> | null,
          })
          .returning();
        if (!row) throw new Error('INSERT … RETURNING returned no row');
        return toRun(row);
      },
      async update(id, patch) {
        const { files, delivery, ...rest } = patch;
        const [row] = await tx
          .update(reportRuns)
          .set({
            ...rest,
            ...(files === undefined ? {} : { files: files as unknown as Record<string, unknown>[] }),
            ...(delivery === undefined
              ? {}
              : { delivery: delivery as unknown as Record<string, unknown> | null }),
          })
          .where(runById(id))
          .returning();
        return row ? toRun(row) : null;
      },
      async recordDownload(download) {
        await tx.insert(reportDownloads).values({ ...download, tenantId });
      },
      async downloads(runIds) {
        if (runIds.length === 0) return [];
        const rows = await tx
          .select()
          .from(reportDownloads)
          .where(and(eq(reportDownloads.tenantId, tenantId), inArray(reportDownloads.runId, [...runIds])))
          .orderBy(asc(reportDownloads.at));
        return rows.map(({ tenantId: _tenant, ...row }) => row);
      },
    },
    reportAlarmEvents: {
      async list({ siteIds, from, to }, limit) {
        if (siteIds.length === 0) return [];
        const rows = await tx
          .select()
          .from(alarmEvents)
          .where(
            and(
              eq(alarmEvents.tenantId, tenantId),
              inArray(alarmEvents.siteId, [...siteIds]),
              gte(alarmEvents.at, from),
              lt(alarmEvents.at, to),
            ),
          )
          .orderBy(asc(alarmEvents.at), asc(alarmEvents.id))
          .limit(limit);
        return rows.map((row) => ({ ...toAlarmEvent(row), alarmKey: row.alarmKey }));
      },
    },
  };
}

const scheduleRowSchema = z.object({
  tenant_id: z.string(),
  report_id: z.string(),
  schedule: reportScheduleSchema.shape.schedule,
  time_zone: z.string(),
  last_slot_at: z.union([z.string(), z.date()]).transform((value) => new Date(value)),
});

/** Reads through `reports_enabled_schedules()` (see the reports RLS migration): ids and timing only. */
export function createReportScheduleIndex(db: ConfigDb): ReportScheduleIndex {
  return {
    async listEnabled() {
      const result = (await db.execute(sql`select * from reports_enabled_schedules()`)) as {
        rows: unknown[];
      };
      return result.rows.map((raw) => {
        const row = scheduleRowSchema.parse(raw);
        return {
          tenantId: row.tenant_id,
          reportId: row.report_id,
          schedule: row.schedule,
          timeZone: row.time_zone,
          lastSlotAt: row.last_slot_at,
        };
      });
    },
  };
}
