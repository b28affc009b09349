// Which adapter carries each channel, locally and on AWS (the composition roots pick one).

import type { ChannelRouting } from './notifier.ts';
import type { ChannelSender } from './sender.ts';

/**
 * An e-mail address on the reserved `.invalid` top-level domain (RFC 2606) can never be delivered:
 * it is never handed to a provider, and the message log is its delivery (the service canary's pages).
 */
export const neverDeliverable = (address: string) => /\.invalid$/i.test(address.trim());

export interface LocalRoutingOptions {
  /** The message log row as the delivery (nothing leaves the machine). */
  outbox: ChannelSender;
  /** SMTP when SMTP_URL is set; otherwise e-mail goes to the outbox. */
  email?: ChannelSender;
  /** Used for a tenant that has set up its own Twilio account; otherwise SMS and calls go to the outbox. */
  twilioSms: ChannelSender;
  twilioVoice: ChannelSender;
  twilioWhatsApp: ChannelSender;
  /** Used for a tenant that has saved its bot's token; otherwise Telegram messages go to the outbox. */
  telegram: ChannelSender;
}

/**
 * Locally nothing leaves the machine unless asked: e-mail over SMTP only with SMTP_URL, SMS, calls
 * and WhatsApp through Twilio only for a tenant with its own account in its settings, Telegram only
 * for a tenant with its own bot, webhooks never (they stay in the outbox; the webhook adapter is for AWS).
 */
export function localRouting(options: LocalRoutingOptions): ChannelRouting {
  return {
    sms: (config) => (config.smsProvider === 'twilio' && config.twilio ? options.twilioSms : options.outbox),
    voice: (config) => (config.twilio ? options.twilioVoice : options.outbox),
    email: (_config, to) => (neverDeliverable(to) ? options.outbox : (options.email ?? options.outbox)),
    webhook: () => options.outbox,
    whatsapp: (config) => (config.twilio ? options.twilioWhatsApp : options.outbox),
    telegram: (config) => (config.telegram ? options.telegram : options.outbox),
  };
}

export interface AwsRoutingOptions {
  /** For what is never delivered (addresses on `.invalid`). */
  outbox: ChannelSender;
  sns: ChannelSender;
  ses: ChannelSender;
  twilioSms: ChannelSender;
  twilioVoice: ChannelSender;
  twilioWhatsApp: ChannelSender;
  telegram: ChannelSender;
  webhook: ChannelSender;
}

/**
 * SMS by SNS or Twilio as the tenant chose; calls and WhatsApp by Twilio, Telegram by the tenant's bot
 * (a tenant without them fails over to the contact's next channel).
 */
export function awsRouting(options: AwsRoutingOptions): ChannelRouting {
  return {
    sms: (config) => (config.smsProvider === 'twilio' ? options.twilioSms : options.sns),
    voice: () => options.twilioVoice,
    email: (_config, to) => (neverDeliverable(to) ? options.outbox : options.ses),
    webhook: () => options.webhook,
    whatsapp: () => options.twilioWhatsApp,
    telegram: () => options.telegram,
  };
}
