// What every delivery adapter (Twilio, SNS, SES, SMTP, webhook, the outbox) implements; the
// composite notifier (notifier.ts) owns idempotency, the message log and the choice of adapter.
import type { NotificationProvider } from '@plantwatch/shared';
import type { NotificationMessage } from './ports.ts';

/** A tenant's notification settings with its secrets, as the adapters need them. */
export interface TenantNotifyConfig {
  tenantId: string;
  smsProvider: 'sns' | 'twilio';
  /** Null until the tenant has a Twilio account SID, from number and auth token. */
  twilio: { accountSid: string; authToken: string; fromNumber: string } | null;
  /** Locally generated when the tenant has none, so a reply can be simulated with a valid signature. */
  twilioAuthToken: string | null;
  /** Null on AWS until an admin sets one; webhooks are never sent unsigned. */
  webhookSigningSecret: string | null;
}

export interface OutgoingMessage extends NotificationMessage {
  /** The row in the message log; also the outbox's message id and the webhook's delivery id. */
  notificationId: string;
  /** E-mail about an alarm: the single-use acknowledgement link. */
  ackUrl?: string;
}

export interface ChannelSender {
  readonly provider: NotificationProvider;
  send(message: OutgoingMessage, config: TenantNotifyConfig): Promise<{ providerMessageId: string }>;
}

/** A provider refused or failed; the message is safe to show (it never carries a secret). */
export class NotificationDeliveryError extends Error {
  readonly provider: NotificationProvider;
  /** False when retrying cannot help (bad number, 4xx from a webhook receiver). */
  readonly retryable: boolean;
  constructor(
    provider: NotificationProvider,
    message: string,
    options: { retryable: boolean; cause?: unknown },
  ) {
    super(`${provider}: ${message}`, { cause: options.cause });
    this.name = 'NotificationDeliveryError';
    this.provider = provider;
    this.retryable = options.retryable;
  }
}

/** The text of an alarm e-mail: the message, then the acknowledgement link when there is one. */
export function emailText(message: OutgoingMessage): string {
  return message.ackUrl
    ? `${message.body}\n\nAcknowledge this alarm (the link works once and expires):\n${message.ackUrl}\n`
    : message.body;
}
