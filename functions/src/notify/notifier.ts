// The Notifier the escalation chain calls: writes every message to the message log (the
// notifications table, which is also the idempotency guard), adds the acknowledgement link to alarm
// e-mails, and hands the message to the adapter the channel and the tenant's settings pick.
import { createHash, randomBytes } from 'node:crypto';
import type { ContactChannelType } from '@plantwatch/shared';
import type { Clock } from '../platform/clock.ts';
import type { TenantStore } from '../platform/database/tenant-store.ts';
import type { IdGenerator } from '../platform/id-generator.ts';
import type { NotificationMessage, NotificationReceipt, Notifier } from './ports.ts';
import type { NotificationRecord, NotifyRepositories } from './repositories.ts';
import {
  type ChannelSender,
  NotificationDeliveryError,
  type OutgoingMessage,
  type TenantNotifyConfig,
} from './sender.ts';

export type ChannelRouting = Record<ContactChannelType, (config: TenantNotifyConfig) => ChannelSender>;

export interface CompositeNotifierOptions {
  store: TenantStore<Pick<NotifyRepositories, 'notifications' | 'ackTokens'>>;
  clock: Clock;
  ids: IdGenerator;
  config: (tenantId: string) => Promise<TenantNotifyConfig>;
  routing: ChannelRouting;
  /** The public base URL of the API, for e-mail acknowledgement links. */
  publicApiUrl: () => string;
  /** How long an e-mail acknowledgement link works. */
  ackLinkTtlMs?: number;
}

export const DEFAULT_ACK_LINK_TTL_MS = 24 * 3_600_000;

/** The token names its tenant so the link route can open that tenant's store; the rest is 256 random bits. */
export function newAckToken(tenantId: string): string {
  return `${tenantId}.${randomBytes(32).toString('base64url')}`;
}

export const hashAckToken = (token: string) => createHash('sha256').update(token).digest('hex');

const receipt = (n: NotificationRecord, duplicate: boolean): NotificationReceipt => ({
  providerMessageId: n.providerMessageId ?? n.id,
  provider: n.provider,
  notificationId: n.id,
  status: n.status,
  duplicate,
});

/** Thrown by send when the provider failed; the message log row says the same. */
export class NotificationFailedError extends Error {
  readonly notificationId: string;
  readonly retryable: boolean;
  constructor(message: string, notificationId: string, retryable: boolean, cause: unknown) {
    super(message, { cause });
    this.name = 'NotificationFailedError';
    this.notificationId = notificationId;
    this.retryable = retryable;
  }
}

export function createCompositeNotifier(options: CompositeNotifierOptions): Notifier {
  const { store, clock, ids } = options;
  const ttl = options.ackLinkTtlMs ?? DEFAULT_ACK_LINK_TTL_MS;

  return {
    async send(message: NotificationMessage): Promise<NotificationReceipt> {
      const config = await options.config(message.tenantId);
      const sender = options.routing[message.channel](config);
      const claimed = await store.inTenant(message.tenantId, async (repos) => {
        const { notification, created } = await repos.notifications.claim({
          id: ids.newId(),
          channel: message.channel,
          recipient: message.to,
          contactId: message.contactId ?? null,
          alarmId: message.alarmId ?? null,
          subject: message.subject ?? null,
          body: message.body,
          provider: sender.provider,
          idempotencyKey: message.idempotencyKey,
        });
        if (created) return { notification, send: true };
        // Only a send that failed is tried again under the same key; queued means it may be out.
        if (notification.status !== 'failed') return { notification, send: false };
        const retried = await repos.notifications.retry(notification.id, sender.provider);
        return retried ? { notification: retried, send: true } : { notification, send: false };
      });
      if (!claimed.send) return receipt(claimed.notification, true);
      const notificationId = claimed.notification.id;

      const outgoing: OutgoingMessage = { ...message, notificationId };
      if (message.channel === 'email' && message.alarmId) {
        const token = newAckToken(message.tenantId);
        const alarmId = message.alarmId;
        await store.inTenant(message.tenantId, (repos) =>
          repos.ackTokens.create({
            id: ids.newId(),
            tokenHash: hashAckToken(token),
            alarmId,
            recipient: message.to,
            contactId: message.contactId ?? null,
            expiresAt: new Date(clock.now().getTime() + ttl),
          }),
        );
        outgoing.ackUrl = `${options.publicApiUrl().replace(/\/+$/, '')}/v1/ack/${encodeURIComponent(token)}`;
      }

      try {
        const { providerMessageId } = await sender.send(outgoing, config);
        const sent = await store.inTenant(message.tenantId, (repos) =>
          repos.notifications.markSent(notificationId, {
            provider: sender.provider,
            providerMessageId,
            at: clock.now(),
            // The outbox is the delivery, so it keeps the link; a real provider's log does not.
            ...(sender.provider === 'outbox' && outgoing.ackUrl
              ? { body: `${message.body}\n\nAcknowledge: ${outgoing.ackUrl}` }
              : {}),
          }),
        );
        return receipt(sent ?? claimed.notification, false);
      } catch (error) {
        const delivery = error instanceof NotificationDeliveryError ? error : undefined;
        const text = delivery
          ? delivery.message
          : `${sender.provider}: ${(error as Error).name ?? 'failure'}`;
        await store.inTenant(message.tenantId, (repos) =>
          repos.notifications.markFailed(notificationId, {
            provider: sender.provider,
            error: text,
            at: clock.now(),
          }),
        );
        throw new NotificationFailedError(text, notificationId, delivery?.retryable ?? true, error);
      }
    },
  };
}
