import type { ContactChannelType, NotificationProvider, NotificationStatus } from '@plantwatch/shared';

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
  /** The contact being paged, so the log (and a reply) can name them. */
  contactId?: string;
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
