// Amazon SNS (SMS) and Amazon SES (e-mail) senders. The clients are created once by the composition
// root (functions/src/env/aws.ts) and passed in.

import { type SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import { PublishCommand, type SNSClient } from '@aws-sdk/client-sns';
import { type ChannelSender, emailText, NotificationDeliveryError } from '../sender.ts';

/** Throttling and server-side faults are worth another try; a refused number or address is not. */
function awsFailure(provider: 'sns' | 'ses', error: unknown): NotificationDeliveryError {
  const fault = (error as { $fault?: string; $retryable?: unknown; name?: string }) ?? {};
  const retryable =
    fault.$fault === 'server' || fault.$retryable !== undefined || fault.name === 'ThrottlingException';
  return new NotificationDeliveryError(provider, fault.name ?? 'request failed', { retryable, cause: error });
}

export function createSnsSmsSender(sns: SNSClient, options: { senderId?: string } = {}): ChannelSender {
  return {
    provider: 'sns',
    async send(message) {
      try {
        const result = await sns.send(
          new PublishCommand({
            PhoneNumber: message.to,
            Message: message.body.slice(0, 1600),
            MessageAttributes: {
              // Transactional: delivered with priority, even to numbers that opted out of promotions.
              'AWS.SNS.SMS.SMSType': { DataType: 'String', StringValue: 'Transactional' },
              ...(options.senderId
                ? { 'AWS.SNS.SMS.SenderID': { DataType: 'String', StringValue: options.senderId } }
                : {}),
            },
          }),
        );
        if (!result.MessageId)
          throw new NotificationDeliveryError('sns', 'answer without a MessageId', { retryable: false });
        return { providerMessageId: result.MessageId };
      } catch (error) {
        if (error instanceof NotificationDeliveryError) throw error;
        throw awsFailure('sns', error);
      }
    },
  };
}

export function createSesEmailSender(ses: SESv2Client, options: { from: string }): ChannelSender {
  return {
    provider: 'ses',
    async send(message) {
      try {
        const result = await ses.send(
          new SendEmailCommand({
            FromEmailAddress: options.from,
            Destination: { ToAddresses: [message.to] },
            Content: {
              Simple: {
                Subject: { Data: message.subject ?? 'Plantwatch alarm', Charset: 'UTF-8' },
                Body: { Text: { Data: emailText(message), Charset: 'UTF-8' } },
              },
            },
          }),
        );
        if (!result.MessageId)
          throw new NotificationDeliveryError('ses', 'answer without a MessageId', { retryable: false });
        return { providerMessageId: result.MessageId };
      } catch (error) {
        if (error instanceof NotificationDeliveryError) throw error;
        throw awsFailure('ses', error);
      }
    },
  };
}
