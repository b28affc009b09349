// Notifications (the outbox), acknowledgement tokens and notification settings (issue #5): the
// PostgreSQL implementation of NotifyRepositories.
import {
  and,
  arrayContains,
  asc,
  desc,
  eq,
  gt,
  inArray,
  isNotNull,
  isNull,
  lte,
  notInArray,
  or,
  type SQL,
  sql,
} from 'drizzle-orm';
import type { ConfigDb } from '../../../platform/database/database.ts';
import type {
  AckTokenRecord,
  HeldNotificationsLookup,
  NotificationRecord,
  NotificationSettingsRecord,
  NotifyRepositories,
} from '../../repositories.ts';
import {
  notificationAckTokens,
  notificationFloodWindows,
  notificationSettings,
  notifications,
  telegramLinkCodes,
} from './schema.ts';

type NotificationRow = typeof notifications.$inferSelect;

const toNotification = (r: NotificationRow): NotificationRecord => ({
  id: r.id,
  tenantId: r.tenantId,
  channel: r.channel,
  recipient: r.recipient,
  contactId: r.contactId,
  alarmId: r.alarmId,
  alarmIds: r.alarmIds ?? (r.alarmId ? [r.alarmId] : []),
  purpose: r.purpose,
  siteId: r.siteId,
  flushAt: r.flushAt,
  digestId: r.digestId,
  canaryRunId: r.canaryRunId,
  summary: r.summary,
  fallbacks: r.fallbacks,
  subject: r.subject,
  body: r.body,
  status: r.status,
  provider: r.provider as NotificationRecord['provider'],
  providerMessageId: r.providerMessageId,
  error: r.error,
  attempts: r.attempts,
  idempotencyKey: r.idempotencyKey,
  createdAt: r.createdAt,
  updatedAt: r.updatedAt,
  sentAt: r.sentAt,
});

const toAckToken = (r: typeof notificationAckTokens.$inferSelect): AckTokenRecord => ({
  id: r.id,
  tenantId: r.tenantId,
  alarmId: r.alarmId,
  alarmIds: r.alarmIds ?? (r.alarmId ? [r.alarmId] : []),
  canaryRunId: r.canaryRunId,
  recipient: r.recipient,
  contactId: r.contactId,
  expiresAt: r.expiresAt,
  usedAt: r.usedAt,
});

const toSettings = (row: typeof notificationSettings.$inferSelect): NotificationSettingsRecord => ({
  smsProvider: row.smsProvider,
  twilioAccountSid: row.twilioAccountSid,
  twilioFromNumber: row.twilioFromNumber,
  twilioWhatsAppFromNumber: row.twilioWhatsAppFromNumber,
  floodWindowSeconds: row.floodWindowSeconds,
  telegramBotUsername: row.telegramBotUsername,
  telegramWebhookError: row.telegramWebhookError,
  secrets: row.secrets,
  updatedAt: row.updatedAt,
});

/** Messages that reached (or may have reached) the address: not failed, not held back. */
const wentOut = notInArray(notifications.status, ['failed', 'held', 'grouped', 'skipped']);

/** Runs inside `inTenant`'s transaction, where row-level security shows only `tenantId`'s rows. */
export function notifyRepositories(tx: ConfigDb, tenantId: string): NotifyRepositories {
  const mine = eq(notifications.tenantId, tenantId);
  const byId = (id: string) => and(mine, eq(notifications.id, id));

  return {
    notifications: {
      async claim(notification) {
        const [inserted] = await tx
          .insert(notifications)
          .values({
            ...notification,
            alarmIds:
              notification.alarmIds && notification.alarmIds.length > 1 ? notification.alarmIds : null,
            tenantId,
            status: 'queued',
            attempts: 1,
          })
          .onConflictDoNothing({ target: [notifications.tenantId, notifications.idempotencyKey] })
          .returning();
        if (inserted) return { notification: toNotification(inserted), created: true };
        const [existing] = await tx
          .select()
          .from(notifications)
          .where(and(mine, eq(notifications.idempotencyKey, notification.idempotencyKey)));
        if (!existing) throw new Error('notification claim found neither a new nor an existing row');
        return { notification: toNotification(existing), created: false };
      },
      async hold(id, { flushAt, summary, fallbacks, at }) {
        const [row] = await tx
          .update(notifications)
          .set({ status: 'held', attempts: 0, flushAt, summary, fallbacks, updatedAt: at })
          .where(and(byId(id), eq(notifications.status, 'queued')))
          .returning();
        return row ? toNotification(row) : null;
      },
      async retry(id, provider) {
        const [row] = await tx
          .update(notifications)
          .set({
            status: 'queued',
            provider,
            error: null,
            attempts: sql`${notifications.attempts} + 1`,
            updatedAt: new Date(),
          })
          .where(and(byId(id), eq(notifications.status, 'failed')))
          .returning();
        return row ? toNotification(row) : null;
      },
      async markSent(id, { provider, providerMessageId, at, body }) {
        const [row] = await tx
          .update(notifications)
          .set({
            status: 'sent',
            provider,
            providerMessageId,
            error: null,
            sentAt: at,
            updatedAt: at,
            ...(body === undefined ? {} : { body }),
          })
          .where(byId(id))
          .returning();
        return row ? toNotification(row) : null;
      },
      async markFailed(id, { provider, error, at }) {
        const [row] = await tx
          .update(notifications)
          .set({ status: 'failed', provider, error, updatedAt: at })
          .where(byId(id))
          .returning();
        return row ? toNotification(row) : null;
      },
      async markOutcome(provider, providerMessageId, { status, error, at }) {
        const [row] = await tx
          .update(notifications)
          .set({ status, error, updatedAt: at })
          .where(
            and(
              mine,
              eq(notifications.provider, provider),
              eq(notifications.providerMessageId, providerMessageId),
              // A late "sent" never overwrites "delivered", and a retried message keeps its new state.
              inArray(notifications.status, ['sent', 'delivered']),
            ),
          )
          .returning();
        return row ? toNotification(row) : null;
      },
      async list(filter) {
        const conditions: (SQL | undefined)[] = [
          mine,
          filter.channel ? eq(notifications.channel, filter.channel) : undefined,
          filter.alarmId
            ? or(
                eq(notifications.alarmId, filter.alarmId),
                arrayContains(notifications.alarmIds, [filter.alarmId]),
              )
            : undefined,
          filter.contactId ? eq(notifications.contactId, filter.contactId) : undefined,
          filter.purpose ? eq(notifications.purpose, filter.purpose) : undefined,
          filter.status ? eq(notifications.status, filter.status) : undefined,
        ];
        const rows = await tx
          .select()
          .from(notifications)
          .where(and(...conditions))
          .orderBy(desc(notifications.createdAt), desc(notifications.id))
          .limit(filter.limit);
        return rows.map(toNotification);
      },
      async get(id) {
        const [row] = await tx.select().from(notifications).where(byId(id));
        return row ? toNotification(row) : null;
      },
      async lastAlarmFor(recipient, channels, options = {}) {
        if (channels.length === 0) return null;
        const [row] = await tx
          .select()
          .from(notifications)
          .where(
            and(
              mine,
              eq(notifications.recipient, recipient),
              inArray(notifications.channel, [...channels]),
              wentOut,
              options.alarmsOnly
                ? isNotNull(notifications.alarmId)
                : or(isNotNull(notifications.alarmId), eq(notifications.purpose, 'canary')),
            ),
          )
          .orderBy(desc(notifications.createdAt), desc(notifications.id))
          .limit(1);
        if (!row) return null;
        const record = toNotification(row);
        return {
          alarmIds: record.alarmIds,
          contactId: record.contactId,
          notificationId: record.id,
          purpose: record.purpose,
          canaryRunId: record.canaryRunId,
        };
      },
      async findByProviderMessage(provider, providerMessageId) {
        const [row] = await tx
          .select()
          .from(notifications)
          .where(
            and(
              mine,
              eq(notifications.provider, provider),
              eq(notifications.providerMessageId, providerMessageId),
            ),
          )
          .limit(1);
        return row ? toNotification(row) : null;
      },
      async listDueHeld(at, limit) {
        const rows = await tx
          .select()
          .from(notifications)
          .where(and(mine, eq(notifications.status, 'held'), lte(notifications.flushAt, at)))
          .orderBy(asc(notifications.flushAt), asc(notifications.createdAt), asc(notifications.id))
          .limit(limit);
        return rows.map(toNotification);
      },
      async releaseHeld(ids, { status, digestId, error, at }) {
        if (ids.length === 0) return;
        await tx
          .update(notifications)
          .set({ status, digestId, error, updatedAt: at })
          .where(and(mine, inArray(notifications.id, [...ids]), eq(notifications.status, 'held')));
      },
    },
    floodWindows: {
      async openUnlessOpen(contactId, siteId, alarmId, at, closesAt) {
        const [opened] = await tx
          .insert(notificationFloodWindows)
          .values({ tenantId, contactId, siteId, alarmId, openedAt: at, closesAt })
          .onConflictDoUpdate({
            target: [
              notificationFloodWindows.tenantId,
              notificationFloodWindows.contactId,
              notificationFloodWindows.siteId,
            ],
            set: { alarmId, openedAt: at, closesAt },
            // only a window that has closed is replaced; an open one is left as it is
            setWhere: lte(notificationFloodWindows.closesAt, at),
          })
          .returning();
        if (opened) {
          return { opened: true, window: { alarmId, openedAt: opened.openedAt, closesAt: opened.closesAt } };
        }
        const [open] = await tx
          .select()
          .from(notificationFloodWindows)
          .where(
            and(
              eq(notificationFloodWindows.tenantId, tenantId),
              eq(notificationFloodWindows.contactId, contactId),
              eq(notificationFloodWindows.siteId, siteId),
            ),
          );
        if (!open) throw new Error('flood window neither opened nor found');
        return {
          opened: false,
          window: { alarmId: open.alarmId, openedAt: open.openedAt, closesAt: open.closesAt },
        };
      },
    },
    telegramLinkCodes: {
      async create(code) {
        await tx.insert(telegramLinkCodes).values({ ...code, tenantId });
      },
      async use(codeHash, at) {
        const [row] = await tx
          .update(telegramLinkCodes)
          .set({ usedAt: at })
          .where(
            and(
              eq(telegramLinkCodes.tenantId, tenantId),
              eq(telegramLinkCodes.codeHash, codeHash),
              isNull(telegramLinkCodes.usedAt),
              gt(telegramLinkCodes.expiresAt, at),
            ),
          )
          .returning({ contactId: telegramLinkCodes.contactId });
        return row ?? null;
      },
    },
    ackTokens: {
      async create({ alarmIds, ...token }) {
        await tx
          .insert(notificationAckTokens)
          .values({ ...token, alarmIds: alarmIds && alarmIds.length > 1 ? alarmIds : null, tenantId });
      },
      async findByHash(tokenHash) {
        const [row] = await tx
          .select()
          .from(notificationAckTokens)
          .where(
            and(eq(notificationAckTokens.tenantId, tenantId), eq(notificationAckTokens.tokenHash, tokenHash)),
          );
        return row ? toAckToken(row) : null;
      },
      async use(id, at) {
        const rows = await tx
          .update(notificationAckTokens)
          .set({ usedAt: at })
          .where(
            and(
              eq(notificationAckTokens.tenantId, tenantId),
              eq(notificationAckTokens.id, id),
              isNull(notificationAckTokens.usedAt),
            ),
          )
          .returning({ id: notificationAckTokens.id });
        return rows.length === 1;
      },
    },
    notificationSettings: {
      async get() {
        const [row] = await tx
          .select()
          .from(notificationSettings)
          .where(eq(notificationSettings.tenantId, tenantId));
        return row ? toSettings(row) : null;
      },
      async put(settings, at) {
        const values = { ...settings, updatedAt: at };
        const [row] = await tx
          .insert(notificationSettings)
          .values({ ...values, tenantId })
          .onConflictDoUpdate({ target: notificationSettings.tenantId, set: values })
          .returning();
        if (!row) throw new Error('notification settings upsert returned no row');
        return toSettings(row);
      },
    },
  };
}

/**
 * The one lookup that crosses tenants: which tenants have held pages whose flood window has closed,
 * so a flush can enter each (a SECURITY DEFINER function returning tenant ids only; 0026).
 */
export function createHeldNotificationsLookup(db: ConfigDb): HeldNotificationsLookup {
  return {
    async tenantsWithDueHeld(at) {
      const result = (await db.execute(sql`select * from notifications_held_due(${at.toISOString()})`)) as {
        rows: { tenant_id: string }[];
      };
      return result.rows.map((row) => row.tenant_id);
    },
  };
}
