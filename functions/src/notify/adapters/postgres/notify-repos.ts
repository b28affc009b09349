// Notifications (the outbox), acknowledgement tokens and notification settings (issue #5): the
// PostgreSQL implementation of NotifyRepositories.
import { and, desc, eq, inArray, isNotNull, isNull, ne, type SQL, sql } from 'drizzle-orm';
import type { ConfigDb } from '../../../platform/database/database.ts';
import type { AckTokenRecord, NotificationRecord, NotifyRepositories } from '../../repositories.ts';
import { notificationAckTokens, notificationSettings, notifications } from './schema.ts';

type NotificationRow = typeof notifications.$inferSelect;

const toNotification = (r: NotificationRow): NotificationRecord => ({
  id: r.id,
  tenantId: r.tenantId,
  channel: r.channel,
  recipient: r.recipient,
  contactId: r.contactId,
  alarmId: r.alarmId,
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
  recipient: r.recipient,
  contactId: r.contactId,
  expiresAt: r.expiresAt,
  usedAt: r.usedAt,
});

/** Runs inside `inTenant`'s transaction, where row-level security shows only `tenantId`'s rows. */
export function notifyRepositories(tx: ConfigDb, tenantId: string): NotifyRepositories {
  const mine = eq(notifications.tenantId, tenantId);
  const byId = (id: string) => and(mine, eq(notifications.id, id));

  return {
    notifications: {
      async claim(notification) {
        const [inserted] = await tx
          .insert(notifications)
          .values({ ...notification, tenantId, status: 'queued', attempts: 1 })
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
          filter.alarmId ? eq(notifications.alarmId, filter.alarmId) : undefined,
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
      async lastAlarmFor(recipient, channels) {
        if (channels.length === 0) return null;
        const [row] = await tx
          .select({
            alarmId: notifications.alarmId,
            contactId: notifications.contactId,
            notificationId: notifications.id,
          })
          .from(notifications)
          .where(
            and(
              mine,
              eq(notifications.recipient, recipient),
              inArray(notifications.channel, [...channels]),
              ne(notifications.status, 'failed'),
              isNotNull(notifications.alarmId),
            ),
          )
          .orderBy(desc(notifications.createdAt), desc(notifications.id))
          .limit(1);
        return row?.alarmId
          ? { alarmId: row.alarmId, contactId: row.contactId, notificationId: row.notificationId }
          : null;
      },
    },
    ackTokens: {
      async create(token) {
        await tx.insert(notificationAckTokens).values({ ...token, tenantId });
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
        return row
          ? {
              smsProvider: row.smsProvider,
              twilioAccountSid: row.twilioAccountSid,
              twilioFromNumber: row.twilioFromNumber,
              secrets: row.secrets,
              updatedAt: row.updatedAt,
            }
          : null;
      },
      async put(settings, at) {
        const values = { ...settings, updatedAt: at };
        const [row] = await tx
          .insert(notificationSettings)
          .values({ ...values, tenantId })
          .onConflictDoUpdate({ target: notificationSettings.tenantId, set: values })
          .returning();
        if (!row) throw new Error('notification settings upsert returned no row');
        return {
          smsProvider: row.smsProvider,
          twilioAccountSid: row.twilioAccountSid,
          twilioFromNumber: row.twilioFromNumber,
          secrets: row.secrets,
          updatedAt: row.updatedAt,
        };
      },
    },
  };
}
