// E-mail through nodemailer over SMTP (SMTP_URL locally, e.g. smtp://127.0.0.1:1025 for Mailpit).
import nodemailer from 'nodemailer';
import { type ChannelSender, emailText, NotificationDeliveryError } from '../sender.ts';

export interface SmtpSender extends ChannelSender {
  close(): void;
}

export function createSmtpEmailSender(options: { url: string; from: string }): SmtpSender {
  const transport = nodemailer.createTransport(options.url);
  return {
    provider: 'smtp',
    async send(message) {
      try {
        const info = await transport.sendMail({
          from: options.from,
          to: message.to,
          subject: message.subject ?? 'Plantwatch alarm',
          text: emailText(message),
          headers: { 'X-Plantwatch-Notification': message.notificationId },
        });
        return { providerMessageId: info.messageId };
      } catch (error) {
        const code = (error as { responseCode?: number }).responseCode;
        // 5xx SMTP replies are permanent (bad mailbox); connection trouble and 4xx are worth a retry.
        throw new NotificationDeliveryError('smtp', `${(error as Error).message}`.slice(0, 300), {
          retryable: code === undefined || code < 500,
          cause: error,
        });
      }
    },
    close: () => transport.close(),
  };
}
