import type { ContactChannelType } from '../contact.ts';

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
  /**
   * The same key sends at most once, even when a retry follows a timeout whose send did happen:
   * nobody should be woken twice for one escalation step.
   */
  idempotencyKey: string;
}

/** SNS/Twilio/SES on AWS; an outbox (and SMTP or Twilio when configured) locally. */
export interface Notifier {
  /** Throws when the provider refuses or fails; the caller (the escalation chain) retries or moves on. */
  send(message: NotificationMessage): Promise<{ providerMessageId: string }>;
}
