// Plans and usage (issue 15): the plan catalogue (data, not code: the migration seeds the default
// tiers and an operator may change them), each tenant's plan with its overrides, and one usage record
// per tenant and day that the usage page and a billing system read.
import { bigint, date, integer, jsonb, pgTable, primaryKey, text, timestamp } from 'drizzle-orm/pg-core';
import { tenantOwnerColumn, updatedAt } from '../../../platform/database/schema.ts';

const at = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

/** The catalogue: no tenant owns it, every tenant may read it (plantwatch_app has SELECT only). */
export const plans = pgTable('plans', {
  id: text('id').primaryKey(),
  name: text('name').notNull(),
  /** Order in the catalogue, cheapest first. */
  position: integer('position').notNull(),
  /** { tags, gateways, users, reportDefinitions, smsPerMonth, voiceCallsPerMonth, pointsPerDay }; null: no limit. */
  limits: jsonb('limits').$type<Record<string, number | null>>().notNull(),
});

/** A tenant's plan. A tenant without a row is on the unlimited plan (tenants from before plans). */
export const tenantPlans = pgTable('tenant_plans', {
  tenantId: tenantOwnerColumn().primaryKey(),
  planId: text('plan_id')
    .notNull()
    .references(() => plans.id),
  /** Limits that differ from the plan's for this tenant (an add-on module, a negotiated deal). */
  overrides: jsonb('overrides').$type<Record<string, number | null>>().notNull().default({}),
  /** Who changed it last: sign-up, the operator's command, a billing system. */
  changedBy: text('changed_by').notNull(),
  since: at('since').notNull().defaultNow(),
});

/** What a tenant used on one UTC day: counters added as things happen, counts taken by the day's last snapshot. */
export const usageDaily = pgTable(
  'usage_daily',
  {
    tenantId: tenantOwnerColumn(),
    day: date('day', { mode: 'string' }).notNull(),
    points: bigint('points', { mode: 'number' }).notNull().default(0),
    pointsRefused: bigint('points_refused', { mode: 'number' }).notNull().default(0),
    sms: integer('sms').notNull().default(0),
    voiceCalls: integer('voice_calls').notNull().default(0),
    tags: integer('tags'),
    gateways: integer('gateways'),
    users: integer('users'),
    reportDefinitions: integer('report_definitions'),
    storageBytes: bigint('storage_bytes', { mode: 'number' }),
    /** When the tenant's admins were told the month's SMS (or call) allowance ran out; once a month. */
    messagingNoticeAt: at('messaging_notice_at'),
    updatedAt: updatedAt(),
  },
  (t) => [primaryKey({ name: 'usage_daily_pkey', columns: [t.tenantId, t.day] })],
);
