// Retention: the PostgreSQL implementation of RetentionRepositories (in the tenant's RLS transaction).
import { type RetentionDeletion, type RetentionKind, retentionSettingsSchema } from '@plantwatch/shared';
import { and, desc, eq, lt, sql } from 'drizzle-orm';
import { alarmEvents } from '../../../alarms/adapters/postgres/schema.ts';
import { ingestDeadLetters } from '../../../ingest/adapters/postgres/schema.ts';
import { notifications } from '../../../notify/adapters/postgres/schema.ts';
import type { ConfigDb } from '../../../platform/database/database.ts';
import { reportRuns } from '../../../reports/adapters/postgres/schema.ts';
import type { RetentionRepositories } from '../../ports.ts';
import { retentionDeletions, retentionRuns, retentionSettings } from './schema.ts';

export function retentionRepositories(tx: ConfigDb, tenantId: string): RetentionRepositories {
  return {
    retention: {
      async get() {
        const [row] = await tx
          .select()
          .from(retentionSettings)
          .where(eq(retentionSettings.tenantId, tenantId));
        return row
          ? retentionSettingsSchema.parse({
              rawPoints: row.rawPointsDays,
              rollupsMinute: row.rollupsMinuteDays,
              rollupsHour: row.rollupsHourDays,
              alarmJournal: row.alarmJournalDays,
              messageLog: row.messageLogDays,
              reportFiles: row.reportFilesDays,
              deadLetters: row.deadLettersDays,
            })
          : null;
      },
      async put(settings, updatedBy) {
        const values = {
          rawPointsDays: settings.rawPoints,
          rollupsMinuteDays: settings.rollupsMinute,
          rollupsHourDays: settings.rollupsHour,
          alarmJournalDays: settings.alarmJournal,
          messageLogDays: settings.messageLog,
          reportFilesDays: settings.reportFiles,
          deadLettersDays: settings.deadLetters,
          updatedBy,
          updatedAt: new Date(),
        };
        await tx
          .insert(retentionSettings)
          .values({ tenantId, ...values })
          .onConflictDoUpdate({ target: retentionSettings.tenantId, set: values });
      },
      async lastAppliedOn() {
        const [row] = await tx.select().from(retentionRuns).where(eq(retentionRuns.tenantId, tenantId));
        return row?.lastAppliedOn ?? null;
      },
      async markApplied(localDate, at) {
        await tx
          .insert(retentionRuns)
          .values({ tenantId, lastAppliedOn: localDate, at })
          .onConflictDoUpdate({ target: retentionRuns.tenantId, set: { lastAppliedOn: localDate, at } });
      },
      async record(deletions, ids) {
        if (deletions.length === 0) return;
        await tx.insert(retentionDeletions).values(
          deletions.map((deletion) => ({
            id: ids(),
            tenantId,
            ranAt: new Date(deletion.ranAt),
            kind: deletion.kind,
            olderThan: new Date(deletion.olderThan),
            deleted: deletion.deleted,
          })),
        );
      },
      async deletions(limit) {
        const rows = await tx
          .select()
          .from(retentionDeletions)
          .where(eq(retentionDeletions.tenantId, tenantId))
          .orderBy(desc(retentionDeletions.ranAt), retentionDeletions.kind)
          .limit(limit);
        return rows.map(
          (row): RetentionDeletion => ({
            id: row.id,
            ranAt: row.ranAt.toISOString(),
            kind: row.kind as RetentionKind,
            olderThan: row.olderThan.toISOString(),
            deleted: row.deleted,
          }),
        );
      },
      async deleteAlarmEventsBefore(before) {
        const deleted = await tx
          .delete(alarmEvents)
          .where(and(eq(alarmEvents.tenantId, tenantId), lt(alarmEvents.at, before)))
          .returning({ id: alarmEvents.id });
        return deleted.length;
      },
      async deleteMessagesBefore(before) {
        const deleted = await tx
          .delete(notifications)
          .where(and(eq(notifications.tenantId, tenantId), lt(notifications.createdAt, before)))
          .returning({ id: notifications.id });
        return deleted.length;
      },
      async deleteDeadLettersBefore(before) {
        const deleted = await tx
          .delete(ingestDeadLetters)
          .where(and(eq(ingestDeadLetters.tenantId, tenantId), lt(ingestDeadLetters.receivedAt, before)))
          .returning({ id: ingestDeadLetters.id });
        return deleted.length;
      },
      async deleteReportRunsBefore(before) {
        // A run still queued or running is never deleted under its worker's feet.
        const deleted = await tx
          .delete(reportRuns)
          .where(
            and(
              eq(reportRuns.tenantId, tenantId),
              lt(sql`coalesce(${reportRuns.finishedAt}, ${reportRuns.createdAt})`, before),
              sql`${reportRuns.status} not in ('queued', 'running')`,
            ),
          )
          .returning({ id: reportRuns.id, files: reportRuns.files });
        const fileKeys = deleted.flatMap((run) =>
          run.files.map((file) => `${tenantId}/${run.id}/${String((file as { name?: unknown }).name)}`),
        );
        return { deleted: deleted.length, fileKeys };
      },
    },
  };
}
