import type {
  ContactChannelType,
  NotificationProvider,
  NotificationPurpose,
  NotificationStatus,
  ReachableChannel,
} from '@plantwatch/shared';

/**
 * A page that may be held by the contact's flood window: the site it is about, its line in a digest,
 * and the contact's channels to fall over to when the digest cannot go out on this one.
 */
export interface FloodInfo {
  siteId: string;
  siteName: string | null;
  /** The page's line in a digest ("HIGH Wet well level Hi 4.72 m"). */
  summary: string;
  /** The alarm's name, for a digest that must be short. */
  name: string;
  fallbacks: ReachableChannel[];
}

/** One message to one address: an SMS, a voice call (body read aloud), an e-mail or a webhook POST. */
export interface NotificationMessage {
  tenantId: string;
  channel: ContactChannelType;
  /** E.164 number, e-mail address or webhook URL, as validated on the contact. */
  to: string;
  /** E-mail subject; ignored by the other channels. */
  subject?: string;
  body: string;
  alarmId?: string;
  /** A digest: every alarm it is about (alarmId is the first); a reply or link acknowledges them all. */
  alarmIds?: string[];
  /** The contact being paged, so the log (and a reply) can name them. */
  contactId?: string;
  /** Page (the default), digest, a test send, a canary test page or a missed canary's notice; kept in the log. */
  purpose?: NotificationPurpose;
  /**
   * The tenant canary's run a canary page belongs to: a reply, a key press or the e-mail's link
   * acknowledges that run.
   */
  canaryRunId?: string;
  /** An alarm page to a contact: subject to the contact's flood window at the alarm's site. */
  flood?: FloodInfo;
  /**
   * The same key sends at most once, even when a retry follows a timeout whose send did happen:
   * nobody should be woken twice for one escalation step.
   */
  idempotencyKey: string;
}

/** What a send did. Everything but providerMessageId is optional so that test doubles stay one line. */
export interface NotificationReceipt {
  /** The provider's id (Twilio SID, SNS/SES message id, SMTP Message-ID); the notification id for the outbox. */
  providerMessageId: string;
  provider?: NotificationProvider;
  /** The row in the message log (GET /v1/outbox). */
  notificationId?: string;
  status?: NotificationStatus;
  /** True when this key had been sent before and nothing was sent now. */
  duplicate?: boolean;
  /** A held page: when its flood window closes and the digest goes out. */
  flushAt?: Date;
}

/** SNS/Twilio/SES on AWS; an outbox (and SMTP or Twilio when configured) locally. */
export interface Notifier {
  /** Throws when the provider refuses or fails; the caller (the escalation chain) retries or moves on. */
  send(message: NotificationMessage): Promise<NotificationReceipt>;
}

/** A tenant's provider secrets. */
export interface NotificationSecretValues {
  twilioAuthToken?: string;
  webhookSigningSecret?: string;
  telegramBotToken?: string;
  /** What Telegram sends back in X-Telegram-Bot-Api-Secret-Token (set with setWebhook). */
  telegramWebhookSecret?: string;
}

/** The Telegram Bot API calls the settings need: check a token, point the bot's webhook at the API. */
export interface TelegramBotApi {
  /** The bot's username; throws TelegramApiError when Telegram refuses the token. */
  getMe(botToken: string): Promise<{ username: string }>;
  setWebhook(botToken: string, webhook: { url: string; secretToken: string }): Promise<void>;
}

/**
 * Where provider secrets live: Secrets Manager on AWS (one secret per tenant), the tenant's settings
 * row in the local config store. Values never go to logs or API answers.
 */
export interface NotificationSecrets {
  get(tenantId: string): Promise<NotificationSecretValues>;
  /** Replaces the tenant's secrets whole. */
  put(tenantId: string, values: NotificationSecretValues): Promise<void>;
}
