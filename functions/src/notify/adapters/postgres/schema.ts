// Notifications (the outbox), acknowledgement tokens and per-tenant notification settings (issue #5).
// Tenant-owned like every table in schema.ts: tenant_id on each row, row-level security in the
// hand-written migration drizzle/*_notify_rls.sql.
import type { ContactChannel } from '@plantwatch/shared';
import {
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
  unique,
  uuid,
} from 'drizzle-orm/pg-core';
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
    channel: text('channel', {
      enum: ['sms', 'voice', 'email', 'webhook', 'telegram', 'whatsapp'],
    }).notNull(),
    recipient: text('recipient').notNull(),
    contactId: uuid('contact_id'),
    alarmId: uuid('alarm_id'),
    /** A digest's alarms; null for a message about one alarm (alarm_id) or none. */
    alarmIds: uuid('alarm_ids').array(),
    purpose: text('purpose', { enum: ['page', 'digest', 'test', 'canary', 'canary-missed'] })
      .notNull()
      .default('page'),
    /** The site of the alarm paged: the flood window is per contact and site. */
    siteId: uuid('site_id'),
    /** A held page: when its flood window closes; the digest that carried it once sent. */
    flushAt: at('flush_at'),
    digestId: uuid('digest_id'),
    /** The tenant canary's run a canary page (or a missed canary's notice) belongs to. */
    canaryRunId: uuid('canary_run_id'),
    /** A held page: its line in the digest, and the contact's channels to fall over to. */
    summary: text('summary'),
    fallbacks: jsonb('fallbacks').$type<ContactChannel[]>(),
    subject: text('subject'),
    body: text('body').notNull(),
    status: text('status', {
      enum: ['queued', 'sent', 'failed', 'delivered', 'held', 'grouped', 'skipped'],
    }).notNull(),
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
    // Held pages whose flood window has closed: what the digest flush reads.
    index('notifications_tenant_flush_idx').on(t.tenantId, t.flushAt),
    // A reply to one message (Telegram's reply_to_message, WhatsApp's OriginalRepliedMessageSid).
    index('notifications_tenant_provider_message_idx').on(t.tenantId, t.provider, t.providerMessageId),
  ],
);

/**
 * One contact's flood window per site: opened by a page that went out at once, it holds the pages of
 * other alarms of that site until it closes, when they go out as one digest.
 */
export const notificationFloodWindows = pgTable(
  'notification_flood_windows',
  {
    tenantId: tenantOwnerColumn(),
    contactId: uuid('contact_id').notNull(),
    siteId: uuid('site_id').notNull(),
    /** The alarm whose page opened the window: its own pages (failover, later levels) are never held. */
    alarmId: uuid('alarm_id').notNull(),
    openedAt: at('opened_at').notNull(),
    closesAt: at('closes_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.contactId, t.siteId] })],
);

/** One-time codes that link a Telegram chat to a contact (`/start <code>`); only the SHA-256 is kept. */
export const telegramLinkCodes = pgTable(
  'telegram_link_codes',
  {
    id: uuid('id').primaryKey(),
    tenantId: tenantOwnerColumn(),
    contactId: uuid('contact_id').notNull(),
    codeHash: text('code_hash').notNull(),
    expiresAt: at('expires_at').notNull(),
    usedAt: at('used_at'),
    createdAt: at('created_at').notNull().defaultNow(),
  },
  (t) => [unique('telegram_link_codes_tenant_hash_key').on(t.tenantId, t.codeHash)],
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
    /** The alarm it acknowledges; null for a canary page's link (canary_run_id). */
    alarmId: uuid('alarm_id'),
    canaryRunId: uuid('canary_run_id'),
    /** A digest's "acknowledge all" link: every alarm it acknowledges (alarm_id is the first). */
    alarmIds: uuid('alarm_ids').array(),
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
  twilioWhatsAppFromNumber: text('twilio_whatsapp_from_number'),
  floodWindowSeconds: integer('flood_window_seconds').notNull().default(30),
  telegramBotUsername: text('telegram_bot_username'),
  telegramWebhookError: text('telegram_webhook_error'),
  secrets: jsonb('secrets').$type<Record<string, string>>(),
  updatedAt: at('updated_at').notNull().defaultNow(),
});
