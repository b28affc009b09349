import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ConfigStore, createPostgresConfigStore } from '../../../compose/config-store.ts';
import type { ConfigDatabase } from '../../../platform/database/database.ts';
import { configDatabaseTargets } from '../../../platform/testing/config-databases.ts';
import { newTestTenant } from '../../../platform/testing/tenants.ts';
import type { NewNotification } from '../../repositories.ts';

const newTenant = async (store: ConfigStore, label: string) => (await newTestTenant(store, label)).tenantId;

const sms = (overrides: Partial<NewNotification> = {}): NewNotification => ({
  id: randomUUID(),
  channel: 'sms',
  recipient: '+447700900123',
  contactId: null,
  alarmId: randomUUID(),
  subject: null,
  body: 'HiHi wet well level 4.2 m',
  provider: 'outbox',
  idempotencyKey: randomUUID(),
  ...overrides,
});

describe.each(configDatabaseTargets)('notification repositories on $name', (target) => {
  let database: ConfigDatabase;
  let store: ConfigStore;
  let a: string;
  let b: string;

  beforeAll(async () => {
    database = await target.open();
    store = createPostgresConfigStore(database.db, () => database.close());
    a = await newTenant(store, 'a');
    b = await newTenant(store, 'b');
  }, 60_000);
  afterAll(async () => {
    await store.close();
  });

  it('claims an idempotency key once and hands the same row back to a second claim', async () => {
    const message = sms();
    const first = await store.inTenant(a, (r) => r.notifications.claim(message));
    const second = await store.inTenant(a, (r) => r.notifications.claim({ ...message, id: randomUUID() }));
    expect(first.created).toBe(true);
    expect(first.notification).toMatchObject({ status: 'queued', attempts: 1 });
    expect(second).toEqual({ created: false, notification: first.notification });
  });

  it('lets another tenant use the same idempotency key without seeing the first', async () => {
    const message = sms();
    await store.inTenant(a, (r) => r.notifications.claim(message));
    const inB = await store.inTenant(b, (r) => r.notifications.claim({ ...message, id: randomUUID() }));
    expect(inB.created).toBe(true);
    expect(await store.inTenant(b, (r) => r.notifications.get(message.id))).toBeNull();
  });

  it('retries only a failed message, counting the attempt', async () => {
    const { notification } = await store.inTenant(a, (r) => r.notifications.claim(sms()));
    const at = new Date();
    expect(await store.inTenant(a, (r) => r.notifications.retry(notification.id, 'twilio'))).toBeNull();
    await store.inTenant(a, (r) =>
      r.notifications.markFailed(notification.id, { provider: 'twilio', error: 'HTTP 500', at }),
    );
    const retried = await store.inTenant(a, (r) => r.notifications.retry(notification.id, 'twilio'));
    expect(retried).toMatchObject({ status: 'queued', attempts: 2, error: null });
  });

  it('lists newest first with filters, and finds the alarm a number was last paged about', async () => {
    const recipient = `+4477009${Math.floor(Math.random() * 90_000 + 10_000)}`;
    const older = sms({ recipient });
    const newer = sms({ recipient, channel: 'voice' });
    const failed = sms({ recipient });
    for (const m of [older, newer, failed]) {
      await store.inTenant(a, (r) => r.notifications.claim(m));
      await new Promise((done) => setTimeout(done, 5));
    }
    await store.inTenant(a, async (r) => {
      await r.notifications.markSent(older.id, {
        provider: 'outbox',
        providerMessageId: older.id,
        at: new Date(),
      });
      await r.notifications.markFailed(failed.id, { provider: 'twilio', error: 'refused', at: new Date() });
    });
    const last = await store.inTenant(a, (r) => r.notifications.lastAlarmFor(recipient, ['sms', 'voice']));
    expect(last?.alarmIds).toEqual([newer.alarmId]);
    const smsOnly = await store.inTenant(a, (r) => r.notifications.lastAlarmFor(recipient, ['sms']));
    expect(smsOnly?.alarmIds).toEqual([older.alarmId]);
    expect(
      await store.inTenant(b, (r) => r.notifications.lastAlarmFor(recipient, ['sms', 'voice'])),
    ).toBeNull();

    const sent = await store.inTenant(a, (r) => r.notifications.list({ status: 'sent', limit: 500 }));
    expect(sent.map((n) => n.id)).toContain(older.id);
    expect(sent.every((n) => n.status === 'sent')).toBe(true);
    const all = await store.inTenant(a, (r) => r.notifications.list({ limit: 500 }));
    const times = all.map((n) => n.createdAt.getTime());
    expect(times).toEqual([...times].sort((x, y) => y - x));
    const voice = await store.inTenant(a, (r) => r.notifications.list({ channel: 'voice', limit: 500 }));
    expect(voice.map((n) => n.id)).toEqual([newer.id]);
  });

  it("records a provider's later word on a sent message, in its own tenant only", async () => {
    const { notification } = await store.inTenant(a, (r) =>
      r.notifications.claim(sms({ provider: 'twilio' })),
    );
    const sid = `SM${randomUUID()}`;
    const at = new Date();
    const outcome = { status: 'delivered' as const, error: null, at };
    expect(await store.inTenant(a, (r) => r.notifications.markOutcome('twilio', sid, outcome))).toBeNull();
    await store.inTenant(a, (r) =>
      r.notifications.markSent(notification.id, { provider: 'twilio', providerMessageId: sid, at }),
    );
    expect(await store.inTenant(b, (r) => r.notifications.markOutcome('twilio', sid, outcome))).toBeNull();
    expect(await store.inTenant(a, (r) => r.notifications.markOutcome('sns', sid, outcome))).toBeNull();
    expect(await store.inTenant(a, (r) => r.notifications.markOutcome('twilio', sid, outcome))).toMatchObject(
      {
        id: notification.id,
        status: 'delivered',
      },
    );
  });

  it('uses an acknowledgement token exactly once, and only in its own tenant', async () => {
    const token = {
      id: randomUUID(),
      tokenHash: randomUUID(),
      alarmId: randomUUID(),
      recipient: 'op@example.com',
      contactId: null,
      expiresAt: new Date(Date.now() + 60_000),
    };
    await store.inTenant(a, (r) => r.ackTokens.create(token));
    expect(await store.inTenant(b, (r) => r.ackTokens.findByHash(token.tokenHash))).toBeNull();
    expect(await store.inTenant(b, (r) => r.ackTokens.use(token.id, new Date()))).toBe(false);
    expect(await store.inTenant(a, (r) => r.ackTokens.findByHash(token.tokenHash))).toMatchObject({
      alarmId: token.alarmId,
      usedAt: null,
    });
    expect(await store.inTenant(a, (r) => r.ackTokens.use(token.id, new Date()))).toBe(true);
    expect(await store.inTenant(a, (r) => r.ackTokens.use(token.id, new Date()))).toBe(false);
  });

  it('keeps one settings row per tenant, replaced by put', async () => {
    expect(await store.inTenant(a, (r) => r.notificationSettings.get())).toBeNull();
    await store.inTenant(a, (r) =>
      r.notificationSettings.put(
        {
          smsProvider: 'sns',
          twilioAccountSid: null,
          twilioFromNumber: null,
          twilioWhatsAppFromNumber: null,
          floodWindowSeconds: 30,
          telegramBotUsername: null,
          telegramWebhookError: null,
          secrets: { twilioAuthToken: 'x' },
        },
        new Date(),
      ),
    );
    const replaced = await store.inTenant(a, (r) =>
      r.notificationSettings.put(
        {
          smsProvider: 'twilio',
          twilioAccountSid: 'AC1',
          twilioFromNumber: '+15005550006',
          twilioWhatsAppFromNumber: '+15005550007',
          floodWindowSeconds: 0,
          telegramBotUsername: 'plant_bot',
          telegramWebhookError: null,
          secrets: null,
        },
        new Date(),
      ),
    );
    expect(replaced).toMatchObject({
      smsProvider: 'twilio',
      twilioAccountSid: 'AC1',
      twilioWhatsAppFromNumber: '+15005550007',
      floodWindowSeconds: 0,
      telegramBotUsername: 'plant_bot',
      secrets: null,
    });
    expect(await store.inTenant(b, (r) => r.notificationSettings.get())).toBeNull();
  });
});
