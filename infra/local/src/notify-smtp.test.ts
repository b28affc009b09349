// With SMTP_URL set, the local runtime sends alarm e-mail over SMTP (here an in-process SMTP server
// on 127.0.0.1) instead of keeping it in the outbox, and the link in it acknowledges.
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseLocalEnv } from './env.ts';
import { startTestApi, type TestApi } from './testing/harness.ts';

describe('alarm e-mail over SMTP_URL', () => {
  let smtp: SMTPServer;
  let api: TestApi;
  const received: { to: string[]; data: string }[] = [];

  beforeAll(async () => {
    smtp = new SMTPServer({
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
    await new Promise<void>((done) => smtp.listen(0, '127.0.0.1', done));
    const port = (smtp.server.address() as AddressInfo).port;
    api = await startTestApi({
      env: parseLocalEnv({
        API_PORT: '0',
        MQTT_PORT: '0',
        DATA_DIR: '/nonexistent-unused',
        SMTP_URL: `smtp://127.0.0.1:${port}`,
        SMTP_FROM: 'Plantwatch test <alarms@plantwatch.test>',
      }),
    });
  }, 60_000);
  afterAll(async () => {
    await api?.close();
    await new Promise<void>((done) => smtp?.close(() => done()));
  });

  it('delivers the e-mail by SMTP with a working link, and logs it without the link', async () => {
    const owner = await api.signUp('smtp');
    const sent = await api.runtime.notifier.send({
      tenantId: owner.tenantId,
      channel: 'email',
      to: 'fitter@example.com',
      subject: 'HiHi wet well',
      body: 'Wet well level 4.7 m',
      alarmId: '0196a1b2-0000-5000-8000-0000000000aa',
      idempotencyKey: 'smtp-1',
    });
    expect(sent).toMatchObject({ provider: 'smtp', status: 'sent', duplicate: false });
    expect(received).toHaveLength(1);
    expect(received[0]?.to).toEqual(['fitter@example.com']);
    const mail = (received[0]?.data ?? '').replace(/=\r?\n/g, '');
    expect(mail).toContain('From: Plantwatch test <alarms@plantwatch.test>');
    const link = new RegExp(`${api.runtime.apiUrl.replaceAll('.', '\\.')}/v1/ack/\\S+`).exec(mail)?.[0];
    expect(link).toBeDefined();
    // The link opens its confirm page (acknowledging is the POST, tested in notify-inbound.test.ts).
    const page = await fetch(link ?? '');
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<form method="post"');

    const logged = (await api.call('GET', '/v1/outbox', { token: owner.token })).body.notifications;
    expect(logged.map((n: { provider: string; body: string }) => [n.provider, n.body])).toEqual([
      ['smtp', 'Wet well level 4.7 m'],
    ]);
  });
});
