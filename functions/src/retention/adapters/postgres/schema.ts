// Retention (issue 16): each tenant's settings (days per kind of data) and the record of what the
// nightly runs deleted.
import { bigint, date, index, integer, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { tenantOwnerColumn, updatedAt } from '../../../platform/database/schema.ts';

const at = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

/** A tenant without a row keeps the defaults, capped by its plan. */
export const retentionSettings = pgTable('retention_settings', {
  tenantId: tenantOwnerColumn().primaryKey(),
  rawPointsDays: integer('raw_points_days').notNull(),
  rollupsMinuteDays: integer('rollups_minute_days').notNull(),
  rollupsHourDays: integer('rollups_hour_days').notNull(),
  alarmJournalDays: integer('alarm_journal_days').notNull(),
  messageLogDays: integer('message_log_days').notNull(),
  reportFilesDays: integer('report_files_days').notNull(),
  deadLettersDays: integer('dead_letters_days').notNull(),
  updatedBy: text('updated_by').notNull(),
  updatedAt: updatedAt(),
});

/** The tenant's local date of its last retention run: one run a night, after 02:00 local time. */
export const retentionRuns = pgTable('retention_runs', {
  tenantId: tenantOwnerColumn().primaryKey(),
  lastAppliedOn: date('last_applied_on', { mode: 'string' }).notNull(),
  at: at('at').notNull(),
});

/** What each run deleted, kind by kind (kept like the journal: the answer to "where did my data go"). */
export const retentionDeletions = pgTable(
  'retention_deletions',
  {
    id: uuid('id').primaryKey(),
    tenantId: tenantOwnerColumn(),
    ranAt: at('ran_at').notNull(),
    kind: text('kind').notNull(),
    olderThan: at('older_than').notNull(),
    deleted: bigint('deleted', { mode: 'number' }).notNull(),
  },
  (t) => [index('retention_deletions_tenant_ran_idx').on(t.tenantId, t.ranAt)],
);
