// The tenant canary (issue 12): its settings and its runs. Tenant-owned like every table: tenant_id on
// each row, row-level security in the hand-written migration drizzle/*_tenant_canary_rls.sql.
import {
  boolean,
  index,
  integer,
  pgTable,
  smallint,
  text,
  timestamp,
  unique,
  uuid,
} from 'drizzle-orm/pg-core';
import { createdAt, tenants, updatedAt } from '../../../platform/database/schema.ts';

const at = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

/**
 * One canary per tenant. `last_slot_at` is the newest schedule slot already handled (or when the
 * schedule was saved): the scheduler claims the newest slot after it with a compare-and-set on this
 * column, so two instances never both take a slot and slots missed while the service was down run
 * once. `next_due_at` is the next slot, for the cross-tenant lookup; null while switched off.
 * contact_id has no foreign key: the canary is checked at save and a run whose contact was deleted
 * is recorded as missed, saying so.
 */
export const tenantCanaries = pgTable('tenant_canaries', {
  tenantId: uuid('tenant_id')
    .primaryKey()
    .references(() => tenants.id, { onDelete: 'cascade' }),
  enabled: boolean('enabled').notNull(),
  contactId: uuid('contact_id').notNull(),
  /** HH:MM in time_zone. */
  at: text('at').notNull(),
  /** 0 Sunday … 6 Saturday. */
  days: smallint('days').array().notNull(),
  timeZone: text('time_zone').notNull(),
  ackWithinMinutes: integer('ack_within_minutes').notNull(),
  notifyAdmins: boolean('notify_admins').notNull(),
  lastSlotAt: at('last_slot_at').notNull(),
  nextDueAt: at('next_due_at'),
  updatedAt: updatedAt(),
});

/**
 * Each test page and what became of it. (tenant_id, trigger, slot_at) is unique: one run per
 * scheduled slot, whichever instance claims it.
 */
export const canaryRuns = pgTable(
  'canary_runs',
  {
    id: uuid('id').primaryKey(),
    tenantId: uuid('tenant_id')
      .notNull()
      .references(() => tenants.id, { onDelete: 'cascade' }),
    slotAt: at('slot_at').notNull(),
    trigger: text('trigger', { enum: ['schedule', 'manual'] }).notNull(),
    contactId: uuid('contact_id').notNull(),
    contactName: text('contact_name').notNull(),
    status: text('status', { enum: ['pending', 'sent', 'acknowledged', 'missed'] }).notNull(),
    attempts: integer('attempts').notNull().default(0),
    /** A pending run's next send attempt (also the lease of an attempt in flight). */
    nextAttemptAt: at('next_attempt_at').notNull(),
    lastError: text('last_error'),
    channel: text('channel', { enum: ['sms', 'voice', 'email', 'webhook', 'telegram', 'whatsapp'] }),
    recipient: text('recipient'),
    notificationId: uuid('notification_id'),
    sentAt: at('sent_at'),
    dueBy: at('due_by').notNull(),
    acknowledgedAt: at('acknowledged_at'),
    acknowledgedBy: text('acknowledged_by'),
    acknowledgedVia: text('acknowledged_via', {
      enum: ['sms', 'whatsapp', 'telegram', 'voice', 'email', 'web', 'api'],
    }),
    missedReason: text('missed_reason'),
    adminNotice: text('admin_notice'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    unique('canary_runs_tenant_slot_key').on(t.tenantId, t.trigger, t.slotAt),
    index('canary_runs_tenant_created_idx').on(t.tenantId, t.createdAt),
    // open runs: what the scheduler sends, retries and judges
    index('canary_runs_status_due_idx').on(t.status, t.dueBy),
  ],
);
