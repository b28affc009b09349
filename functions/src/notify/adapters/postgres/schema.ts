// Notifications (the outbox), acknowledgement tokens and per-tenant notification settings (issue #5).
// Tenant-owned like every table in schema.ts: tenant_id on each row, row-level security in the
// hand-written migration drizzle/*_notify_rls.sql.
import { index, integer, jsonb, pgTable, text, timestamp, unique, uuid } from 'drizzle-orm/pg-core';
import { tenantOwnerColumn, tenants } from '../../../platform/database/schema.ts';

const at = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

/**
 * Every message sent on every channel, and locally the outbox itself. The row is the idempotency
 * guard: (tenant_id, idempotency_key) is unique, so a retried send finds the row instead of
 * sending again. contact_id and alarm_id carry no foreign key: the log outlives contacts and
 * alarm rules (an auditor still asks who was paged about a deleted rule's alarm).
 */
export const notifications = pgTable(
  'notifications',
  {
    id: uuid('id').primaryKey(),
    tenantId: tenantOwnerColumn(),
    channel: text('channel', { enum: ['sms', 'voice', 'email', 'webhook'] }).notNull(),
    recipient: text('recipient').notNull(),
    contactId: uuid('contact_id'),
    alarmId: uuid('alarm_id'),
    subject: text('subject'),
    body: text('body').notNull(),
    status: text('status', { enum: ['queued', 'sent', 'failed', 'delivered'] }).notNull(),
    provider: text('provider').notNull(),
    providerMessageId: text('provider_message_id'),
    error: text('error'),
    attempts: integer('attempts').notNull().default(0),
    idempotencyKey: text('idempotency_key').notNull(),
    createdAt: at('created_at').notNull().defaultNow(),
    updatedAt: at('updated_at').notNull().defaultNow(),
    sentAt: at('sent_at'),
  },
  (t) => [
    unique('notifications_tenant_idempotency_key').on(t.tenantId, t.idempotencyKey),
    index('notifications_tenant_created_idx').on(t.tenantId, t.createdAt),
    // "Which alarm was this number last paged about?" for SMS replies and voice keypresses.
    index('notifications_tenant_recipient_idx').on(t.tenantId, t.recipient, t.createdAt),
  ],
);

/**
 * Single-use acknowledgement links in alarm e-mails. Only the SHA-256 of the token is kept; the
 * token itself exists in the e-mail alone.
 */
export const notificationAckTokens = pgTable(
  'notification_ack_tokens',
  {
    id: uuid('id').primaryKey(),
    tenantId: tenantOwnerColumn(),
    tokenHash: text('token_hash').notNull().unique('notification_ack_tokens_hash_key'),
    alarmId: uuid('alarm_id').notNull(),
    recipient: text('recipient').notNull(),
    contactId: uuid('contact_id'),
    expiresAt: at('expires_at').notNull(),
    usedAt: at('used_at'),
    createdAt: at('created_at').notNull().defaultNow(),
  },
  (t) => [index('notification_ack_tokens_tenant_expires_idx').on(t.tenantId, t.expiresAt)],
);

/**
 * Which providers a tenant uses, and (locally) its provider secrets. On AWS `secrets` stays null:
 * the secrets live in Secrets Manager, one secret per tenant (NotificationSecrets port).
 */
export const notificationSettings = pgTable('notification_settings', {
  tenantId: uuid('tenant_id')
    .primaryKey()
    .references(() => tenants.id, { onDelete: 'cascade' }),
  smsProvider: text('sms_provider', { enum: ['sns', 'twilio'] }).notNull(),
  twilioAccountSid: text('twilio_account_sid'),
  twilioFromNumber: text('twilio_from_number'),
  secrets: jsonb('secrets').$type<Record<string, string>>(),
  updatedAt: at('updated_at').notNull().defaultNow(),
});
