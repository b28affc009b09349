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
  /** WhatsApp's sender on the Twilio account (the SMS number unless set apart). */
  whatsappFromNumber: string | null;
  /** Null until the tenant saves its bot's token. */
  telegram: { botToken: string } | null;
  /** Pages of one site to one contact within this many seconds go out as one digest; 0: never held. */
  floodWindowSeconds: number;
}

export interface OutgoingMessage extends NotificationMessage {
  /** The row in the message log; also the outbox's message id and the webhook's delivery id. */
  notificationId: string;
  /** E-mail about an alarm: the single-use acknowledgement link (a digest's: for all its alarms). */
  ackUrl?: string;
  /** A digest e-mail: one link per alarm, beside ackUrl for all of them. */
  ackLinks?: { name: string; url: string }[];
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
  if (message.ackLinks && message.ackLinks.length > 0) {
    const each = message.ackLinks.map((link) => `${link.name}:\n${link.url}`).join('\n\n');
    const all = message.ackUrl ? `\n\nAcknowledge all of them:\n${message.ackUrl}` : '';
    return `${message.body}\n\nAcknowledge one alarm (each link works once and expires):\n\n${each}${all}\n`;
  }
  if (!message.ackUrl) return message.body;
  const what = message.purpose === 'canary' ? 'this canary page' : 'this alarm';
  return `${message.body}\n\nAcknowledge ${what} (the link works once and expires):\n${message.ackUrl}\n`;
}
