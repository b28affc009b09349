// Notifications (the outbox and message log), acknowledgement tokens and notification settings
// (issue #5): the config store's repositories for this area, merged into TenantRepositories so a
// use-case reaches them through `configStore.inTenant(tenantId, (repos) => …)` like the rest.
import type { ContactChannelType, NotificationProvider, NotificationStatus } from '@plantwatch/shared';

export interface NotificationRecord {
  id: string;
  tenantId: string;
  channel: ContactChannelType;
  recipient: string;
  contactId: string | null;
  alarmId: string | null;
  subject: string | null;
  body: string;
  status: NotificationStatus;
  provider: NotificationProvider;
  providerMessageId: string | null;
  error: string | null;
  attempts: number;
  idempotencyKey: string;
  createdAt: Date;
  updatedAt: Date;
  sentAt: Date | null;
}

export type NewNotification = Pick<
  NotificationRecord,
  | 'id'
  | 'channel'
  | 'recipient'
  | 'contactId'
  | 'alarmId'
  | 'subject'
  | 'body'
  | 'provider'
  | 'idempotencyKey'
>;

export interface NotificationFilter {
  channel?: ContactChannelType;
  alarmId?: string;
  status?: NotificationStatus;
  limit: number;
}

export interface AckTokenRecord {
  id: string;
  tenantId: string;
  alarmId: string;
  recipient: string;
  contactId: string | null;
  expiresAt: Date;
  usedAt: Date | null;
}

export interface NotificationSettingsRecord {
  smsProvider: 'sns' | 'twilio';
  twilioAccountSid: string | null;
  twilioFromNumber: string | null;
  /** Locally the secrets themselves; null on AWS, where they live in Secrets Manager. */
  secrets: Record<string, string> | null;
  updatedAt: Date;
}

export interface NotifyRepositories {
  notifications: {
    /**
     * Inserts the message as `queued` (attempt 1), or, when its idempotency key is already taken,
     * returns that row untouched with `created: false`. The unique key is what makes sends idempotent.
     */
    claim(notification: NewNotification): Promise<{ notification: NotificationRecord; created: boolean }>;
    /** Takes a `failed` message back to `queued` for one more attempt; null when it is not failed. */
    retry(id: string, provider: NotificationProvider): Promise<NotificationRecord | null>;
    markSent(
      id: string,
      outcome: {
        provider: NotificationProvider;
        providerMessageId: string;
        at: Date;
        /** Replaces the stored body (the outbox keeps the e-mail's acknowledgement link). */
        body?: string;
      },
    ): Promise<NotificationRecord | null>;
    markFailed(
      id: string,
      outcome: { provider: NotificationProvider; error: string; at: Date },
    ): Promise<NotificationRecord | null>;
    /**
     * A provider's later word on a sent message (Twilio's status callback): delivered, or failed with
     * the reason. Null when no message of this tenant has that provider id.
     */
    markOutcome(
      provider: NotificationProvider,
      providerMessageId: string,
      outcome: { status: 'delivered' | 'failed'; error: string | null; at: Date },
    ): Promise<NotificationRecord | null>;
    /** Newest first. */
    list(filter: NotificationFilter): Promise<NotificationRecord[]>;
    get(id: string): Promise<NotificationRecord | null>;
    /** The alarm this address was last paged about on one of `channels` (not counting failed sends). */
    lastAlarmFor(
      recipient: string,
      channels: readonly ContactChannelType[],
    ): Promise<{ alarmId: string; contactId: string | null; notificationId: string } | null>;
  };
  ackTokens: {
    create(token: {
      id: string;
      tokenHash: string;
      alarmId: string;
      recipient: string;
      contactId: string | null;
      expiresAt: Date;
    }): Promise<void>;
    findByHash(tokenHash: string): Promise<AckTokenRecord | null>;
    /** Marks the token used unless it already was: true for exactly one caller. */
    use(id: string, at: Date): Promise<boolean>;
  };
  notificationSettings: {
    get(): Promise<NotificationSettingsRecord | null>;
    put(
      settings: Omit<NotificationSettingsRecord, 'updatedAt'>,
      at: Date,
    ): Promise<NotificationSettingsRecord>;
  };
}
