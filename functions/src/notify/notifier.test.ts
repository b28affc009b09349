// The composite notifier on a real config store (PGlite): the message log as idempotency guard,
// failure and retry, and the e-mail acknowledgement link. Senders are recording doubles of the
// ChannelSender port; the adapters themselves are tested in providers.test.ts.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ConfigStore, createPostgresConfigStore } from '../compose/config-store.ts';
import { systemClock } from '../platform/clock.ts';
import { openConfigDatabase } from '../platform/database/database.ts';
import { uuidV7Ids } from '../platform/ids.ts';
import { outboxSender } from './adapters/outbox.ts';
import { databaseNotificationSecrets } from './adapters/secrets.ts';
import { createTelegramBotApi } from './adapters/telegram.ts';
import { createCompositeNotifier, hashAckToken, NotificationFailedError } from './notifier.ts';
import { loadTenantNotifyConfig, type NotifyDeps } from './notify.ts';
import { type ChannelSender, NotificationDeliveryError, type OutgoingMessage } from './sender.ts';

class RecordingSender implements ChannelSender {
  readonly provider = 'smtp' as const;
  sent: OutgoingMessage[] = [];
  failNext = 0;
  delayMs = 0;
  async send(message: OutgoingMessage) {
    if (this.delayMs) await new Promise((done) => setTimeout(done, this.delayMs));
    if (this.failNext > 0) {
      this.failNext -= 1;
      throw new NotificationDeliveryError('smtp', '421 try again later', { retryable: true });
    }
    this.sent.push(message);
    return { providerMessageId: `<${this.sent.length}@smtp.test>` };
  }
}

describe('composite notifier', () => {
  let store: ConfigStore;
  let tenantId: string;
  const email = new RecordingSender();
  let notify: NotifyDeps;
  const build = (sender: ChannelSender) =>
    createCompositeNotifier({
      store,
      clock: systemClock,
      ids: uuidV7Ids,
      config: (id) => loadTenantNotifyConfig({ store, notify }, id),
      routing: {
        sms: () => outboxSender,
        voice: () => outboxSender,
        email: () => sender,
        webhook: () => outboxSender,
        telegram: () => outboxSender,
        whatsapp: () => outboxSender,
      },
      publicApiUrl: () => 'https://plantwatch.example.com',
    });

  beforeAll(async () => {
    const database = await openConfigDatabase({ kind: 'pglite' });
    store = createPostgresConfigStore(database.db, () => database.close());
    tenantId = randomUUID();
    await store.createTenant({
      tenant: { id: tenantId, name: 'Waterworks', timeZone: 'Europe/London' },
      owner: { id: randomUUID(), email: `o-${tenantId}@example.com`, name: 'O', passwordHash: 'x' },
    });
    notify = {
      secrets: databaseNotificationSecrets(store, 'twilio'),
      publicApiUrl: () => 'https://plantwatch.example.com',
      publicUrlFromRequestDomain: false,
      defaultSmsProvider: 'twilio',
      generateMissingSecrets: true,
      telegram: createTelegramBotApi({ baseUrl: 'http://127.0.0.1:9' }),
    };
  }, 60_000);
  afterAll(() => store.close());

  const message = (key: string, alarmId: string | null = randomUUID()) => ({
    tenantId,
    channel: 'email' as const,
    to: 'fitter@example.com',
    subject: 'HiHi wet well',
    body: 'Wet well level 4.7 m',
    ...(alarmId ? { alarmId } : {}),
    idempotencyKey: key,
  });

  it('sends a key once even when two sends race, and says the second was a duplicate', async () => {
    const sender = new RecordingSender();
    sender.delayMs = 30;
    const notifier = build(sender);
    const key = randomUUID();
    const [one, two] = await Promise.all([notifier.send(message(key)), notifier.send(message(key))]);
    expect(sender.sent).toHaveLength(1);
    expect([one.duplicate, two.duplicate].sort()).toEqual([false, true]);
    expect(one.notificationId).toBe(two.notificationId);
  });

  it('records a failure with the reason, and sends again only when the same key is retried', async () => {
    const notifier = build(email);
    email.failNext = 1;
    const key = randomUUID();
    const failure = await notifier.send(message(key)).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(NotificationFailedError);
    const id = (failure as NotificationFailedError).notificationId;
    expect(await store.inTenant(tenantId, (r) => r.notifications.get(id))).toMatchObject({
      status: 'failed',
      error: 'smtp: 421 try again later',
      attempts: 1,
    });
    const before = email.sent.length;
    const retried = await notifier.send(message(key));
    expect(retried).toMatchObject({
      notificationId: id,
      status: 'sent',
      duplicate: false,
      providerMessageId: expect.stringMatching(/@smtp.test>$/),
    });
    expect(email.sent.length).toBe(before + 1);
    expect((await store.inTenant(tenantId, (r) => r.notifications.get(id)))?.attempts).toBe(2);
  });

  it("gives an alarm e-mail a single-use link bound to tenant, alarm and recipient, kept out of a real provider's log", async () => {
    const notifier = build(email);
    const alarmId = randomUUID();
    const sent = await notifier.send(message(randomUUID(), alarmId));
    const outgoing = email.sent.at(-1);
    const token = decodeURIComponent(outgoing?.ackUrl?.split('/v1/ack/')[1] ?? '');
    expect(outgoing?.ackUrl).toMatch(/^https:\/\/plantwatch\.example\.com\/v1\/ack\//);
    expect(token.startsWith(`${tenantId}.`)).toBe(true);
    const stored = await store.inTenant(tenantId, (r) => r.ackTokens.findByHash(hashAckToken(token)));
    expect(stored).toMatchObject({ alarmId, recipient: 'fitter@example.com', usedAt: null });
    expect(stored?.expiresAt.getTime()).toBeGreaterThan(Date.now() + 23 * 3_600_000);
    const row = await store.inTenant(tenantId, (r) => r.notifications.get(sent.notificationId ?? ''));
    expect(row?.body).toBe('Wet well level 4.7 m');
  });

  it('keeps the link in the outbox, where the outbox is the delivery, and adds none without an alarm', async () => {
    const notifier = build(outboxSender);
    const withAlarm = await notifier.send(message(randomUUID()));
    const withoutAlarm = await notifier.send(message(randomUUID(), null));
    const rows = await store.inTenant(tenantId, async (r) => [
      await r.notifications.get(withAlarm.notificationId ?? ''),
      await r.notifications.get(withoutAlarm.notificationId ?? ''),
    ]);
    expect(rows[0]?.body).toMatch(/Acknowledge: https:\/\/plantwatch\.example\.com\/v1\/ack\/\S+$/);
    expect(rows[1]?.body).toBe('Wet well level 4.7 m');
  });

  it('generates the tenant secrets it may choose once, and keeps them', async () => {
    const first = await loadTenantNotifyConfig({ store, notify }, tenantId);
    const second = await loadTenantNotifyConfig({ store, notify }, tenantId);
    expect(first.webhookSigningSecret?.length).toBeGreaterThanOrEqual(43);
    expect(first.twilioAuthToken).not.toBeNull();
    expect(second).toEqual(first);
    expect(first.twilio).toBeNull();
  });
});
