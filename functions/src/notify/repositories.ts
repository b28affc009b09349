// Notifications (the outbox and message log), acknowledgement tokens and notification settings
// (issue #5): the config store's repositories for this area, merged into TenantRepositories so a
// use-case reaches them through `configStore.inTenant(tenantId, (repos) => …)` like the rest.
import type {
  ContactChannel,
  ContactChannelType,
  NotificationProvider,
  NotificationPurpose,
  NotificationStatus,
} from '@plantwatch/shared';

export interface NotificationRecord {
  id: string;
  tenantId: string;
  channel: ContactChannelType;
  recipient: string;
  contactId: string | null;
  alarmId: string | null;
  /** A digest's alarms; [alarmId] for a page about one alarm; [] for none. */
  alarmIds: string[];
  purpose: NotificationPurpose;
  siteId: string | null;
  flushAt: Date | null;
  digestId: string | null;
  /** A canary page (or a missed canary's notice): its run. */
  canaryRunId: string | null;
  summary: string | null;
  fallbacks: ContactChannel[] | null;
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
> &
  Partial<Pick<NotificationRecord, 'alarmIds' | 'purpose' | 'siteId' | 'canaryRunId'>>;

/** A contact's flood window at one site (see notification_flood_windows). */
export interface FloodWindow {
  alarmId: string;
  openedAt: Date;
  closesAt: Date;
}

export interface NotificationFilter {
  channel?: ContactChannelType;
  alarmId?: string;
  contactId?: string;
  purpose?: NotificationPurpose;
  status?: NotificationStatus;
  limit: number;
}

/**
 * What a reply is answering: the alarms of the message it replies to, or of the address's last page
 * (an alarm page, a digest, or the tenant canary's test page: then `canaryRunId`).
 */
export interface PagedAlarms {
  alarmIds: string[];
  contactId: string | null;
  notificationId: string;
  purpose: NotificationPurpose;
  canaryRunId: string | null;
}

export interface AckTokenRecord {
  id: string;
  tenantId: string;
  /** Null for a canary page's link: it acknowledges `canaryRunId` instead. */
  alarmId: string | null;
  canaryRunId: string | null;
  /** Every alarm the link acknowledges (a digest's "all" link); [alarmId] otherwise. */
  alarmIds: string[];
  recipient: string;
  contactId: string | null;
  expiresAt: Date;
  usedAt: Date | null;
}

export interface NotificationSettingsRecord {
  smsProvider: 'sns' | 'twilio';
  twilioAccountSid: string | null;
  twilioFromNumber: string | null;
  twilioWhatsAppFromNumber: string | null;
  floodWindowSeconds: number;
  telegramBotUsername: string | null;
  telegramWebhookError: string | null;
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
    /** A page just claimed is kept back by the flood window until `flushAt` (status `held`). */
    hold(
      id: string,
      held: { flushAt: Date; summary: string; fallbacks: ContactChannel[]; at: Date },
    ): Promise<NotificationRecord | null>;
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
    /**
     * The alarms this address was last paged about on one of `channels`: the newest message to it that
     * went out (not failed, not held back) and named an alarm, or was a canary test page (unless
     * `alarmsOnly`).
     */
    lastAlarmFor(
      recipient: string,
      channels: readonly ContactChannelType[],
      options?: { alarmsOnly?: boolean },
    ): Promise<PagedAlarms | null>;
    /** The message a provider knows by this id (a reply names the message it answers). */
    findByProviderMessage(
      provider: NotificationProvider,
      providerMessageId: string,
    ): Promise<NotificationRecord | null>;
    /** Held pages whose flood window closed at or before `at`, oldest first. */
    listDueHeld(at: Date, limit: number): Promise<NotificationRecord[]>;
    /** Held pages leave the hold: carried by a digest (`grouped`) or not sent at all (`skipped`). */
    releaseHeld(
      ids: readonly string[],
      outcome: { status: 'grouped' | 'skipped'; digestId: string | null; error: string | null; at: Date },
    ): Promise<void>;
  };
  floodWindows: {
    /**
     * Opens the contact's window at the site for `alarmId` unless one is open at `at`: `opened` true
     * means this page goes out now; otherwise `window` is the open one (whose alarm may be this one).
     * Atomic: of two pages racing, one opens the window and the other sees it.
     */
    openUnlessOpen(
      contactId: string,
      siteId: string,
      alarmId: string,
      at: Date,
      closesAt: Date,
    ): Promise<{ opened: boolean; window: FloodWindow }>;
  };
  telegramLinkCodes: {
    create(code: { id: string; contactId: string; codeHash: string; expiresAt: Date }): Promise<void>;
    /** Marks the code used if it exists, is unused and unexpired: the contact it links, for exactly one caller. */
    use(codeHash: string, at: Date): Promise<{ contactId: string } | null>;
  };
  ackTokens: {
    create(token: {
      id: string;
      tokenHash: string;
      alarmId: string | null;
      canaryRunId?: string | null;
      alarmIds?: string[];
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

/** The cross-tenant lookup of the digest flush: tenants with held pages due at `at`. */
export interface HeldNotificationsLookup {
  tenantsWithDueHeld(at: Date): Promise<string[]>;
}
