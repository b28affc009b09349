// Escalation runs: which chain runs for which alarm event, and how far it got (issue #5).
// Tenant-owned like every table in schema.ts: tenant_id on each row, children referencing parents
// by (tenant_id, id), row-level security in a hand-written migration (0015's RLS file).
import { index, integer, pgTable, text, timestamp, unique, uuid } from 'drizzle-orm/pg-core';
import { tenantOwnerColumn } from '../../../platform/database/schema.ts';

const at = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

/**
 * One row per escalation chain, written before the chain runs: the unique execution name (the alarm
 * event's) is what makes a second start of the same event a no-op, across restarts and instances.
 * No foreign key to the alarm event or the policy: the record of who was paged outlives both.
 */
export const escalations = pgTable(
  'escalations',
  {
    id: uuid('id').primaryKey(),
    tenantId: tenantOwnerColumn(),
    executionName: text('execution_name').notNull(),
    alarmEventId: uuid('alarm_event_id').notNull(),
    alarmId: uuid('alarm_id').notNull(),
    policyId: uuid('policy_id').notNull(),
    status: text('status', { enum: ['running', 'stopped', 'finished', 'failed'] }).notNull(),
    round: integer('round').notNull().default(0),
    level: integer('level'),
    lastNotifiedAt: at('last_notified_at'),
    reason: text('reason'),
    startedAt: at('started_at').notNull(),
    updatedAt: at('updated_at').notNull().defaultNow(),
    endedAt: at('ended_at'),
  },
  (t) => [
    unique('escalations_tenant_id_id_key').on(t.tenantId, t.id),
    unique('escalations_tenant_execution_name_key').on(t.tenantId, t.executionName),
    index('escalations_tenant_alarm_status_idx').on(t.tenantId, t.alarmId, t.status),
  ],
);
