// The notify capability's AWS adapters against the local AWS emulator (moto on 127.0.0.1, a port
// chosen at run time): SMS by SNS, e-mail by SES from a verified identity, tenants' provider secrets
// in Secrets Manager. The emulator records what it was sent, and the tests read it back.
import { randomUUID } from 'node:crypto';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { CreateEmailIdentityCommand, SESv2Client } from '@aws-sdk/client-sesv2';
import { SNSClient } from '@aws-sdk/client-sns';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AwsEmulator, startAwsEmulator } from '../../compose/aws-emulator.ts';
import { NotificationDeliveryError, type OutgoingMessage, type TenantNotifyConfig } from '../sender.ts';
import { createSesEmailSender, createSnsSmsSender } from './aws.ts';
import { secretsManagerNotificationSecrets } from './secrets.ts';

let emulator: AwsEmulator;
const client = <T>(Client: new (config: object) => T): T =>
  new Client({
    region: 'us-east-1',
    endpoint: emulator.endpoint,
    credentials: { accessKeyId: 'emulator', secretAccessKey: 'emulator' },
  });

beforeAll(async () => {
  emulator = await startAwsEmulator();
}, 120_000);
afterAll(() => emulator?.stop());

const tenantId = randomUUID();
const config = { tenantId, smsProvider: 'sns', floodWindowSeconds: 30 } as TenantNotifyConfig;
const message = (overrides: Partial<OutgoingMessage> = {}): OutgoingMessage => ({
  tenantId,
  channel: 'sms',
  to: '+447700900123',
  body: 'HiHi: wet well level 4.7 m at North works',
  idempotencyKey: randomUUID(),
  notificationId: randomUUID(),
  ...overrides,
});

describe('the AWS notify adapters on the emulator', () => {
  it('sends an SMS through SNS straight to the phone number, and returns its message id', async () => {
    const sent = await createSnsSmsSender(client(SNSClient), { senderId: 'Plantwatch' }).send(
      message(),
      config,
    );

    const sms = (await emulator.data()).sns?.SMS as {
      message: string;
      message_id: string;
      phone_number: string;
    }[];
    expect(sms).toContainEqual({
      message: 'HiHi: wet well level 4.7 m at North works',
      message_id: sent.providerMessageId,
      phone_number: '+447700900123',
    });
  });

  it('sends e-mail through SES from a verified identity, with the acknowledgement link, and refuses an unverified one', async () => {
    const ses = client(SESv2Client);
    await ses.send(new CreateEmailIdentityCommand({ EmailIdentity: 'plantwatch.example.com' }));

    const sent = await createSesEmailSender(ses, { from: 'alarms@plantwatch.example.com' }).send(
      message({ channel: 'email', to: 'fitter@example.com', subject: 'HiHi', ackUrl: 'https://x/v1/ack/t' }),
      config,
    );
    const refused = await createSesEmailSender(ses, { from: 'alarms@not-verified.example.org' })
      .send(message({ channel: 'email', to: 'fitter@example.com', subject: 'HiHi' }), config)
      .catch((error: unknown) => error);

    const mail = (await emulator.data()).ses?.Message as {
      id: string;
      source: string;
      subject: string;
      body: string;
      destinations: { ToAddresses: string[] };
    }[];
    const ours = mail.find((m) => m.id === sent.providerMessageId);
    expect(ours).toMatchObject({
      source: 'alarms@plantwatch.example.com',
      subject: 'HiHi',
      destinations: { ToAddresses: ['fitter@example.com'] },
    });
    expect(ours?.body).toContain('https://x/v1/ack/t');
    expect(refused).toBeInstanceOf(NotificationDeliveryError);
    expect((refused as NotificationDeliveryError).message).toBe('ses: MessageRejected');
    expect((refused as NotificationDeliveryError).retryable).toBe(false);
  });

  it("keeps a tenant's provider secrets in Secrets Manager under the prefix: created on first save, updated after", async () => {
    const secretsClient = client(SecretsManagerClient);
    const secrets = secretsManagerNotificationSecrets(secretsClient, {
      prefix: 'plantwatch/tenants',
      cacheMs: 0,
    });
    const tenant = randomUUID();

    expect(await secrets.get(tenant)).toEqual({});
    await secrets.put(tenant, { twilioAuthToken: 'first-token-0123456789' });
    await secrets.put(tenant, {
      twilioAuthToken: 'second-token-0123456789',
      webhookSigningSecret: 'whsec-abcdef0123456789',
    });

    expect(await secrets.get(tenant)).toEqual({
      twilioAuthToken: 'second-token-0123456789',
      webhookSigningSecret: 'whsec-abcdef0123456789',
    });
    // One secret per tenant, named under the prefix the IAM grants are scoped to.
    const other = secretsManagerNotificationSecrets(secretsClient, {
      prefix: 'plantwatch/other',
      cacheMs: 0,
    });
    expect(await other.get(tenant)).toEqual({});
  });
});
