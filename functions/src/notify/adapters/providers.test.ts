// The delivery adapters against real servers on 127.0.0.1 (a fake Twilio, a webhook receiver, an
// SMTP server) and, for the paid AWS APIs, the SDK's client mock.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  CreateSecretCommand,
  GetSecretValueCommand,
  PutSecretValueCommand,
  ResourceNotFoundException,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { SMTPServer } from 'smtp-server';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { NotificationDeliveryError, type OutgoingMessage, type TenantNotifyConfig } from '../sender.ts';
import { createSesEmailSender, createSnsSmsSender } from './aws.ts';
import { secretsManagerNotificationSecrets } from './secrets.ts';
import { createSmtpEmailSender } from './smtp.ts';
import {
  createTelegramBotApi,
  createTelegramSender,
  TelegramApiError,
  telegramUpdateSchema,
  verifyTelegramSecret,
} from './telegram.ts';
import {
  createTwilioSmsSender,
  createTwilioVoiceSender,
  createTwilioWhatsAppSender,
  twilioSignature,
  verifyTwilioSignature,
} from './twilio.ts';
import {
  createWebhookSender,
  refusedAddressReason,
  signWebhook,
  verifyWebhookSignature,
  WEBHOOK_DELIVERY_HEADER,
  WEBHOOK_SIGNATURE_HEADER,
} from './webhook.ts';

const tenantId = '0196a1b2-0000-7000-8000-000000000001';
const alarmId = '0196a1b2-0000-5000-8000-0000000000aa';
const config: TenantNotifyConfig = {
  tenantId,
  smsProvider: 'twilio',
  twilio: {
    accountSid: `AC${'a'.repeat(32)}`,
    authToken: 'twilio-secret-token-1',
    fromNumber: '+15005550006',
  },
  twilioAuthToken: 'twilio-secret-token-1',
  webhookSigningSecret: 'whsec-0123456789abcdef0123456789abcdef',
  whatsappFromNumber: '+14155238886',
  telegram: { botToken: '123456789:AAbbCCddEEffGGhhIIjjKKllMMnnOOppQQ' },
  floodWindowSeconds: 30,
};
const message = (overrides: Partial<OutgoingMessage> = {}): OutgoingMessage => ({
  tenantId,
  channel: 'sms',
  to: '+447700900123',
  body: 'HiHi: wet well level 4.7 m at North works',
  alarmId,
  contactId: '0196a1b2-0000-7000-8000-0000000000cc',
  idempotencyKey: 'k1',
  notificationId: '0196a1b2-0000-7000-8000-0000000000dd',
  ...overrides,
});

interface Recorded {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
}

/** A real HTTP server on 127.0.0.1 that records requests and answers from a script. */
async function recordingServer(
  answer: (request: Recorded, index: number) => { status: number; body?: string },
) {
  const requests: Recorded[] = [];
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => {
      body += chunk;
    });
    req.on('end', () => {
      const recorded = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, body };
      requests.push(recorded);
      const { status, body: out } = answer(recorded, requests.length - 1);
      res.writeHead(status, { 'content-type': 'application/json' }).end(out ?? '{}');
    });
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { url, requests, close: () => new Promise<void>((done) => server.close(() => done())) };
}

describe('Twilio', () => {
  it("matches the signature example in Twilio's documentation, and refuses any change", () => {
    const url = 'https://mycompany.com/myapp.php?foo=1&bar=2';
    const params: [string, string][] = [
      ['To', '+18005551212'],
      ['CallSid', 'CA1234567890ABCDE'],
      ['Digits', '1234'],
      ['From', '+12349013030'],
      ['Caller', '+12349013030'],
    ];
    expect(twilioSignature('12345', url, params)).toBe('0/KCTR6DLpKmkAf8muzZqo1nDgQ=');
    expect(verifyTwilioSignature('12345', url, params, '0/KCTR6DLpKmkAf8muzZqo1nDgQ=')).toBe(true);
    expect(verifyTwilioSignature('12345', `${url}3`, params, '0/KCTR6DLpKmkAf8muzZqo1nDgQ=')).toBe(false);
    expect(verifyTwilioSignature('54321', url, params, '0/KCTR6DLpKmkAf8muzZqo1nDgQ=')).toBe(false);
    expect(verifyTwilioSignature('12345', url, params, undefined)).toBe(false);
  });

  describe('against a fake Twilio on 127.0.0.1', () => {
    let twilio: Awaited<ReturnType<typeof recordingServer>>;
    let status = 201;
    beforeAll(async () => {
      twilio = await recordingServer((_, i) =>
        status === 201
          ? { status, body: JSON.stringify({ sid: `SM${i}` }) }
          : { status, body: '{"code":21211,"message":"Invalid To"}' },
      );
    });
    afterAll(() => twilio.close());
    afterEach(() => {
      status = 201;
    });
    const options = () => ({ baseUrl: twilio.url, publicApiUrl: () => 'https://plantwatch.example.com' });

    it('sends an SMS as the tenant, with basic auth, to the Messages resource', async () => {
      const sent = await createTwilioSmsSender(options()).send(message(), config);
      const request = twilio.requests.at(-1);
      expect(sent.providerMessageId).toMatch(/^SM\d+$/);
      expect(request?.url).toBe(`/2010-04-01/Accounts/${config.twilio?.accountSid}/Messages.json`);
      expect(request?.headers.authorization).toBe(
        `Basic ${Buffer.from(`${config.twilio?.accountSid}:twilio-secret-token-1`).toString('base64')}`,
      );
      expect(Object.fromEntries(new URLSearchParams(request?.body))).toEqual({
        To: '+447700900123',
        From: '+15005550006',
        Body: message().body,
        StatusCallback: `https://plantwatch.example.com/v1/webhooks/twilio/${tenantId}/status`,
      });
    });

    it('places a call that reads the alarm and gathers "1" to a signed callback naming the alarm', async () => {
      await createTwilioVoiceSender(options()).send(message({ channel: 'voice' }), config);
      const request = twilio.requests.at(-1);
      const form = new URLSearchParams(request?.body);
      expect(request?.url).toMatch(/\/Calls\.json$/);
      const twiml = form.get('Twiml') ?? '';
      expect(twiml).toContain('<Gather numDigits="1"');
      expect(twiml).toContain(
        `action="https://plantwatch.example.com/v1/webhooks/twilio/${tenantId}/voice?alarmId=${alarmId}&amp;contactId=`,
      );
      expect(twiml).toContain('Press 1 to acknowledge this alarm.');
      expect(twiml).toContain('wet well level 4.7 m');
    });

    it.each([
      [400, false],
      [429, true],
      [503, true],
    ])('reports HTTP %i as a failure that is retryable: %s', async (code, retryable) => {
      status = code;
      const failure = await createTwilioSmsSender(options())
        .send(message(), config)
        .catch((error: unknown) => error);
      expect(failure).toBeInstanceOf(NotificationDeliveryError);
      expect((failure as NotificationDeliveryError).retryable).toBe(retryable);
      expect((failure as Error).message).not.toContain('twilio-secret-token-1');
    });

    it('refuses to send for a tenant without a Twilio account', async () => {
      const before = twilio.requests.length;
      await expect(
        createTwilioSmsSender(options()).send(message(), { ...config, twilio: null }),
      ).rejects.toThrow(/no Twilio account/);
      expect(twilio.requests.length).toBe(before);
    });
  });
});

describe('webhook', () => {
  it.each([
    ['10.1.2.3', false, 'a private, link-local or reserved address'],
    ['172.20.0.1', false, 'a private, link-local or reserved address'],
    ['192.168.1.10', false, 'a private, link-local or reserved address'],
    ['169.254.169.254', false, 'a private, link-local or reserved address'],
    ['fe80::1', false, 'a private, link-local or reserved address'],
    ['fd00::1', false, 'a private, link-local or reserved address'],
    ['::ffff:10.0.0.1', false, 'a private, link-local or reserved address'],
    ['127.0.0.1', false, 'a loopback address'],
    ['127.0.0.1', true, null],
    ['::1', true, null],
    ['93.184.215.14', false, null],
    ['2606:4700::1111', false, null],
  ])('judges %s (loopback allowed: %s) as %s', (address, allowLoopback, reason) => {
    expect(refusedAddressReason(address, allowLoopback)).toBe(reason);
  });

  it('verifies its own signature and refuses a stale one or another body', () => {
    const header = signWebhook('s3cret', '{"a":1}', 1_700_000_000);
    expect(verifyWebhookSignature('s3cret', '{"a":1}', header, 1_700_000_100)).toBe(true);
    expect(verifyWebhookSignature('s3cret', '{"a":2}', header, 1_700_000_100)).toBe(false);
    expect(verifyWebhookSignature('other', '{"a":1}', header, 1_700_000_100)).toBe(false);
    expect(verifyWebhookSignature('s3cret', '{"a":1}', header, 1_700_000_301)).toBe(false);
  });

  it('posts signed JSON, retrying a failing receiver with backoff until it accepts', async () => {
    const receiver = await recordingServer((_, i) => ({ status: i < 2 ? 503 : 204 }));
    try {
      const sender = createWebhookSender({ allowLoopback: true, backoffMs: 20 });
      const sent = await sender.send(
        message({ channel: 'webhook', to: `${receiver.url}/hooks/alarm` }),
        config,
      );
      expect(sent.providerMessageId).toBe(message().notificationId);
      expect(receiver.requests).toHaveLength(3);
      const last = receiver.requests[2];
      const signature = last?.headers[WEBHOOK_SIGNATURE_HEADER] as string;
      expect(
        verifyWebhookSignature(
          config.webhookSigningSecret ?? '',
          last?.body ?? '',
          signature,
          Math.floor(Date.now() / 1000),
        ),
      ).toBe(true);
      expect(last?.headers[WEBHOOK_DELIVERY_HEADER]).toBe(message().notificationId);
      expect(JSON.parse(last?.body ?? '')).toMatchObject({ alarmId, tenantId, text: message().body });
    } finally {
      await receiver.close();
    }
  });

  it('gives up at once when the receiver refuses with a 4xx', async () => {
    const receiver = await recordingServer(() => ({ status: 401 }));
    try {
      const sender = createWebhookSender({ allowLoopback: true, backoffMs: 20 });
      const failure = await sender
        .send(message({ channel: 'webhook', to: `${receiver.url}/x` }), config)
        .catch((e: unknown) => e);
      expect((failure as NotificationDeliveryError).retryable).toBe(false);
      expect(receiver.requests).toHaveLength(1);
    } finally {
      await receiver.close();
    }
  });

  it('refuses to send unsigned when the tenant has no signing secret', async () => {
    const sender = createWebhookSender({ allowLoopback: true, backoffMs: 1 });
    const failure = await sender
      .send(message({ channel: 'webhook', to: 'http://127.0.0.1:9/x' }), {
        ...config,
        webhookSigningSecret: null,
      })
      .catch((e: unknown) => e);
    expect((failure as NotificationDeliveryError).retryable).toBe(false);
    expect((failure as Error).message).toMatch(/no webhook signing secret/);
  });

  it.each([
    ['a private literal address', 'https://10.0.0.5/hook'],
    ['a loopback name when loopback is not allowed', 'http://localhost:9/hook'],
    ['the cloud metadata address', 'http://169.254.169.254/latest/meta-data'],
  ])('refuses %s without connecting', async (_, to) => {
    const sender = createWebhookSender({ allowLoopback: false, backoffMs: 1 });
    const failure = await sender.send(message({ channel: 'webhook', to }), config).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(NotificationDeliveryError);
    expect((failure as Error).message).toMatch(/may not go there/);
  });
});

describe('SMTP e-mail', () => {
  it('delivers to a real SMTP server with the acknowledgement link in the text', async () => {
    const received: { to: string[]; data: string }[] = [];
    const server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      onData(stream, session, callback) {
        let data = '';
        stream.on('data', (chunk: Buffer) => {
          data += chunk.toString();
        });
        stream.on('end', () => {
          received.push({ to: session.envelope.rcptTo.map((r) => r.address), data });
          callback();
        });
      },
    });
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    const port = (server.server.address() as AddressInfo).port;
    const smtp = createSmtpEmailSender({ url: `smtp://127.0.0.1:${port}`, from: 'alarms@plantwatch.test' });
    try {
      const sent = await smtp.send(
        message({
          channel: 'email',
          to: 'fitter@example.com',
          subject: 'HiHi wet well',
          ackUrl: 'https://plantwatch.example.com/v1/ack/abc',
        }),
        config,
      );
      expect(sent.providerMessageId).toMatch(/^<.+>$/);
      expect(received).toHaveLength(1);
      expect(received[0]?.to).toEqual(['fitter@example.com']);
      expect(received[0]?.data).toContain('Subject: HiHi wet well');
      expect(received[0]?.data).toContain('https://plantwatch.example.com/v1/ack/abc');
    } finally {
      smtp.close();
      await new Promise<void>((done) => server.close(() => done()));
    }
  });

  it('reports an unreachable server as a retryable failure', async () => {
    const smtp = createSmtpEmailSender({ url: 'smtp://127.0.0.1:9', from: 'alarms@plantwatch.test' });
    const failure = await smtp
      .send(message({ channel: 'email', to: 'a@example.com' }), config)
      .catch((e: unknown) => e);
    smtp.close();
    expect((failure as NotificationDeliveryError).retryable).toBe(true);
  });
});

// SNS, SES and Secrets Manager are paid services that cannot run here: the SDK's client mock.
describe('Amazon SNS and SES', () => {
  const sns = mockClient(SNSClient);
  const ses = mockClient(SESv2Client);
  afterEach(() => {
    sns.reset();
    ses.reset();
  });

  it('publishes a transactional SMS to the number', async () => {
    sns.on(PublishCommand).resolves({ MessageId: 'sns-1' });
    const sent = await createSnsSmsSender(new SNSClient({ region: 'eu-west-1' }), {
      senderId: 'Plantwatch',
    }).send(message(), config);
    expect(sent.providerMessageId).toBe('sns-1');
    expect(sns.commandCalls(PublishCommand)[0]?.args[0].input).toMatchObject({
      PhoneNumber: '+447700900123',
      Message: message().body,
      MessageAttributes: {
        'AWS.SNS.SMS.SMSType': { DataType: 'String', StringValue: 'Transactional' },
        'AWS.SNS.SMS.SenderID': { DataType: 'String', StringValue: 'Plantwatch' },
      },
    });
  });

  it('sends e-mail from the verified identity with the acknowledgement link', async () => {
    ses.on(SendEmailCommand).resolves({ MessageId: 'ses-1' });
    const sent = await createSesEmailSender(new SESv2Client({ region: 'eu-west-1' }), {
      from: 'alarms@plantwatch.example.com',
    }).send(
      message({ channel: 'email', to: 'fitter@example.com', subject: 'HiHi', ackUrl: 'https://x/v1/ack/t' }),
      config,
    );
    expect(sent.providerMessageId).toBe('ses-1');
    const input = ses.commandCalls(SendEmailCommand)[0]?.args[0].input;
    expect(input?.FromEmailAddress).toBe('alarms@plantwatch.example.com');
    expect(input?.Destination?.ToAddresses).toEqual(['fitter@example.com']);
    expect(input?.Content?.Simple?.Body?.Text?.Data).toContain('https://x/v1/ack/t');
  });

  it('turns a refused publish into a delivery error', async () => {
    sns.on(PublishCommand).rejects(
      Object.assign(new Error('Invalid parameter: PhoneNumber'), {
        name: 'InvalidParameterException',
        $fault: 'client',
      }),
    );
    const failure = await createSnsSmsSender(new SNSClient({ region: 'eu-west-1' }))
      .send(message(), config)
      .catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(NotificationDeliveryError);
    expect((failure as NotificationDeliveryError).retryable).toBe(false);
  });
});

describe('notification secrets in Secrets Manager', () => {
  const secretsManager = mockClient(SecretsManagerClient);
  afterEach(() => secretsManager.reset());

  it('reads a missing secret as empty and creates it on first write, then serves reads from memory', async () => {
    const notFound = new ResourceNotFoundException({ message: 'not found', $metadata: {} });
    secretsManager.on(GetSecretValueCommand).rejects(notFound);
    secretsManager.on(PutSecretValueCommand).rejects(notFound);
    secretsManager.on(CreateSecretCommand).resolves({});
    const secrets = secretsManagerNotificationSecrets(new SecretsManagerClient({ region: 'eu-west-1' }), {
      prefix: 'plantwatch/tenants',
    });
    expect(await secrets.get(tenantId)).toEqual({});
    await secrets.put(tenantId, { twilioAuthToken: 'tok', webhookSigningSecret: 'sec' });
    const created = secretsManager.commandCalls(CreateSecretCommand)[0]?.args[0].input;
    expect(created?.Name).toBe(`plantwatch/tenants/${tenantId}/notifications`);
    expect(JSON.parse(created?.SecretString ?? '')).toEqual({
      twilioAuthToken: 'tok',
      webhookSigningSecret: 'sec',
    });
    expect(await secrets.get(tenantId)).toEqual({ twilioAuthToken: 'tok', webhookSigningSecret: 'sec' });
    expect(secretsManager.commandCalls(GetSecretValueCommand)).toHaveLength(1);
  });
});

describe('Telegram against a Bot API stand-in on 127.0.0.1', () => {
  const token = config.telegram?.botToken ?? '';
  let telegram: Awaited<ReturnType<typeof recordingServer>>;
  let answer: { status: number; body: string } = { status: 200, body: '' };
  beforeAll(async () => {
    telegram = await recordingServer(() => answer);
  });
  afterAll(() => telegram.close());

  it('sends the page to the chat with sendMessage and keeps chat:message as the provider id', async () => {
    answer = {
      status: 200,
      body: JSON.stringify({ ok: true, result: { message_id: 77, chat: { id: 4242 } } }),
    };
    const sent = await createTelegramSender({ baseUrl: telegram.url }).send(
      message({ channel: 'telegram', to: '4242' }),
      config,
    );
    expect(sent.providerMessageId).toBe('4242:77');
    const request = telegram.requests.at(-1);
    expect(request?.method).toBe('POST');
    expect(request?.url).toBe(`/bot${token}/sendMessage`);
    expect(request?.headers['content-type']).toBe('application/json');
    expect(JSON.parse(request?.body ?? '')).toEqual({
      chat_id: '4242',
      text: message().body,
      link_preview_options: { is_disabled: true },
    });
  });

  it.each([
    [403, 'Forbidden: bot was blocked by the user', false],
    [400, 'Bad Request: chat not found', false],
    [429, 'Too Many Requests: retry after 5', true],
    [502, 'Bad Gateway', true],
  ])(
    'maps Telegram %i (%s) to a failure, retryable: %s, without the token in the message',
    async (code, description, retryable) => {
      answer = { status: code, body: JSON.stringify({ ok: false, error_code: code, description }) };
      const failure = await createTelegramSender({ baseUrl: telegram.url })
        .send(message({ channel: 'telegram', to: '4242' }), config)
        .catch((error: unknown) => error);
      expect(failure).toBeInstanceOf(NotificationDeliveryError);
      expect(failure).toMatchObject({ retryable, message: `telegram: ${code}: ${description}` });
      expect(String((failure as Error).message)).not.toContain(token);
    },
  );

  it('fails over (retryable) when Telegram is unreachable, and refuses (not retryable) a tenant without a bot', async () => {
    const unreachable = await createTelegramSender({ baseUrl: 'http://127.0.0.1:9', timeoutMs: 2000 })
      .send(message({ channel: 'telegram', to: '4242' }), config)
      .catch((error: unknown) => error);
    expect(unreachable).toMatchObject({ retryable: true });
    const noBot = await createTelegramSender({ baseUrl: telegram.url })
      .send(message({ channel: 'telegram', to: '4242' }), { ...config, telegram: null })
      .catch((error: unknown) => error);
    expect(noBot).toMatchObject({ retryable: false });
  });

  it("checks a token with getMe and sets the webhook with its secret; a refusal carries Telegram's words", async () => {
    const bot = createTelegramBotApi({ baseUrl: telegram.url });
    answer = {
      status: 200,
      body: JSON.stringify({ ok: true, result: { id: 1, is_bot: true, username: 'plant_bot' } }),
    };
    expect(await bot.getMe(token)).toEqual({ username: 'plant_bot' });
    answer = { status: 200, body: JSON.stringify({ ok: true, result: true }) };
    await bot.setWebhook(token, {
      url: 'https://plantwatch.example.com/v1/webhooks/telegram/t',
      secretToken: 's3cret',
    });
    expect(JSON.parse(telegram.requests.at(-1)?.body ?? '')).toEqual({
      url: 'https://plantwatch.example.com/v1/webhooks/telegram/t',
      secret_token: 's3cret',
      allowed_updates: ['message'],
    });
    answer = {
      status: 400,
      body: JSON.stringify({
        ok: false,
        error_code: 400,
        description: 'Bad Request: bad webhook: An HTTPS URL must be provided for webhook',
      }),
    };
    const refused = await bot
      .setWebhook(token, { url: 'http://x', secretToken: 's' })
      .catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(TelegramApiError);
    expect(refused).toMatchObject({
      status: 400,
      message: 'Bad Request: bad webhook: An HTTPS URL must be provided for webhook',
    });
  });

  it('compares the secret-token header exactly, and reads only the text messages of an Update', () => {
    expect(verifyTelegramSecret('abc', 'abc')).toBe(true);
    expect(verifyTelegramSecret('abc', 'abd')).toBe(false);
    expect(verifyTelegramSecret('abc', undefined)).toBe(false);
    expect(verifyTelegramSecret(undefined, 'abc')).toBe(false);
    const parsed = telegramUpdateSchema.parse({
      update_id: 1,
      message: {
        message_id: 2,
        chat: { id: 3, type: 'private' },
        text: 'ok',
        reply_to_message: { message_id: 1, text: 'x' },
      },
    });
    expect(parsed.message).toEqual({
      message_id: 2,
      chat: { id: 3 },
      text: 'ok',
      reply_to_message: { message_id: 1 },
    });
  });
});

describe('WhatsApp through Twilio', () => {
  it('sends from and to whatsapp: numbers on the Messages resource', async () => {
    const twilio = await recordingServer(() => ({ status: 201, body: JSON.stringify({ sid: 'SMwa' }) }));
    try {
      const sent = await createTwilioWhatsAppSender({
        baseUrl: twilio.url,
        publicApiUrl: () => 'https://plantwatch.example.com',
      }).send(message({ channel: 'whatsapp' }), config);
      expect(sent.providerMessageId).toBe('SMwa');
      expect(Object.fromEntries(new URLSearchParams(twilio.requests.at(-1)?.body))).toEqual({
        To: 'whatsapp:+447700900123',
        From: 'whatsapp:+14155238886',
        Body: message().body,
        StatusCallback: `https://plantwatch.example.com/v1/webhooks/twilio/${tenantId}/status`,
      });
    } finally {
      await twilio.close();
    }
  });
});
