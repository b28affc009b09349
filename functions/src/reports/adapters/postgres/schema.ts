// Report definitions and runs (issue #7).
// Tenant-owned like every table in schema.ts: tenant_id on each row, children referencing parents
// by (tenant_id, id), row-level security in a hand-written migration (drizzle/*_reports_rls.sql).

import { sql } from 'drizzle-orm';
import { boolean, index, jsonb, pgTable, text, timestamp, unique, uuid } from 'drizzle-orm/pg-core';
import {
  createdAt,
  tenantForeignKey,
  tenantIdColumn,
  tenantOwnerColumn,
  updatedAt,
} from '../../../platform/database/schema.ts';

/** Who did something: a user, an API key or the scheduler. */
export type ActorJson = { type: string; id?: string; name?: string };

/**
 * A report definition. The settings the use-cases validate with zod (period, bucket, metrics,
 * sections, formats, recipients, schedule) are one JSON document; what queries filter or join on
 * is in columns. `last_slot_at` is the last schedule slot already handled: the scheduler runs a
 * report when the next slot after it has passed, then moves it to the newest passed slot, so a
 * process that was down for many slots runs the report once.
 */
export const reportDefinitions = pgTable(
  'report_definitions',
  {
    id: uuid('id').primaryKey(),
    tenantId: tenantOwnerColumn(),
    name: text('name').notNull(),
    /** The user whose view of the plant the report is limited to; null for an API key's report. */
    ownerUserId: uuid('owner_user_id'),
    /** The owner's sites when the report was last saved (null: every site). */
    ownerSiteIds: uuid('owner_site_ids').array(),
    createdBy: jsonb('created_by').$type<ActorJson>().notNull(),
    scope: jsonb('scope')
      .$type<{ siteIds: string[]; deviceIds: string[]; tagIds: string[]; assetIds?: string[] }>()
      .notNull(),
    /** Every site the scope touches, so a site-scoped reader's list is one array comparison. */
    scopeSiteIds: uuid('scope_site_ids').array().notNull(),
    settings: jsonb('settings').$type<Record<string, unknown>>().notNull(),
    timeZone: text('time_zone').notNull(),
    enabled: boolean('enabled').notNull(),
    lastSlotAt: timestamp('last_slot_at', { withTimezone: true, mode: 'date' }).notNull(),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    unique('report_definitions_tenant_id_id_key').on(t.tenantId, t.id),
    index('report_definitions_enabled_idx').on(t.enabled),
  ],
);

/** One generation of a report: scheduled or run by hand, with its files and how delivery went. */
export const reportRuns = pgTable(
  'report_runs',
  {
    id: uuid('id').primaryKey(),
    tenantId: tenantIdColumn(),
    reportId: uuid('report_id').notNull(),
    trigger: text('trigger', { enum: ['schedule', 'manual'] }).notNull(),
    requestedBy: jsonb('requested_by').$type<ActorJson>().notNull(),
    /** The schedule slot this run stands for (null for a run by hand). */
    slotAt: timestamp('slot_at', { withTimezone: true, mode: 'date' }),
    periodFrom: timestamp('period_from', { withTimezone: true, mode: 'date' }).notNull(),
    periodTo: timestamp('period_to', { withTimezone: true, mode: 'date' }).notNull(),
    status: text('status', { enum: ['queued', 'running', 'succeeded', 'failed'] }).notNull(),
    files: jsonb('files').$type<Record<string, unknown>[]>().notNull().default([]),
    delivery: jsonb('delivery').$type<Record<string, unknown> | null>(),
    error: text('error'),
    createdAt: createdAt(),
    startedAt: timestamp('started_at', { withTimezone: true, mode: 'date' }),
    finishedAt: timestamp('finished_at', { withTimezone: true, mode: 'date' }),
  },
  (t) => [
    unique('report_runs_tenant_id_id_key').on(t.tenantId, t.id),
    index('report_runs_tenant_report_created_idx').on(t.tenantId, t.reportId, t.createdAt),
    // Housekeeping looks for each tenant's queued or running runs left behind (few among many finished ones).
    index('report_runs_tenant_unfinished_idx')
      .on(t.tenantId, t.createdAt)
      .where(sql`${t.status} in ('queued', 'running')`),
    tenantForeignKey('report_runs_report_fk', [t.tenantId, t.reportId], reportDefinitions).onDelete(
      'cascade',
    ),
  ],
);

/** Every download through a signed link: which file, for whom the link was issued, when, from where. */
export const reportDownloads = pgTable(
  'report_downloads',
  {
    id: uuid('id').primaryKey(),
    tenantId: tenantIdColumn(),
    runId: uuid('run_id').notNull(),
    fileName: text('file_name').notNull(),
    /** A user id or a recipient's e-mail address: whom the signed link was issued to. */
    issuedTo: text('issued_to').notNull(),
    clientIp: text('client_ip').notNull(),
    at: timestamp('at', { withTimezone: true, mode: 'date' }).notNull(),
  },
  (t) => [
    index('report_downloads_tenant_run_idx').on(t.tenantId, t.runId),
    tenantForeignKey('report_downloads_run_fk', [t.tenantId, t.runId], reportRuns).onDelete('cascade'),
  ],
);
