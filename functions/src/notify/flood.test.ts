// The flood window on a real config store (PGlite): the first page of a site goes out at once, pages
// of other alarms of that site within the window are held, and one digest lists them when it closes,
// on the held channel or the next one; e-mail digests carry one link per alarm and one for all.
import { randomUUID } from 'node:crypto';
import type { ReachableChannel } from '@plantwatch/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ConfigStore, createPostgresConfigStore } from '../compose/config-store.ts';
import { openConfigDatabase } from '../platform/database/database.ts';
import { uuidV7Ids } from '../platform/ids.ts';
import { outboxSender } from './adapters/outbox.ts';
import { databaseNotificationSecrets } from './adapters/secrets.ts';
import { createTelegramBotApi } from './adapters/telegram.ts';
import { type CompositeNotifier, createCompositeNotifier, hashAckToken } from './notifier.ts';
import { loadTenantNotifyConfig, type NotifyDeps } from './notify.ts';
import type { NotificationMessage } from './ports.ts';
import { type ChannelSender, NotificationDeliveryError, type OutgoingMessage } from './sender.ts';

class Recording implements ChannelSender {
  readonly provider: 'smtp' | 'twilio';
  constructor(provider: 'smtp' | 'twilio') {
    this.provider = provider;
  }
  sent: OutgoingMessage[] = [];
  failing = false;
  async send(message: OutgoingMessage) {
    if (this.failing)
      throw new NotificationDeliveryError(this.provider, '503 unavailable', { retryable: true });
    this.sent.push(message);
    return { providerMessageId: `${this.provider}-${this.sent.length}` };
  }
}

describe('flood window and digests', () => {
  let store: ConfigStore;
  let tenantId: string;
  let notify: NotifyDeps;
  let now = new Date('2026-11-22T03:10:00.000Z');
  const clock = { now: () => now };
  const sms = new Recording('twilio');
  const email = new Recording('smtp');
  let notifier: CompositeNotifier;
  const site = randomUUID();
  const siteName = 'North Pumping Station';

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
    notifier = createCompositeNotifier({
      store,
      clock,
      ids: uuidV7Ids,
      config: (id) => loadTenantNotifyConfig({ store, notify }, id),
      routing: {
        sms: () => sms,
        voice: () => outboxSender,
        email: () => email,
        webhook: () => outboxSender,
        telegram: () => outboxSender,
        whatsapp: () => outboxSender,
      },
      publicApiUrl: () => 'https://plantwatch.example.com',
    });
  }, 60_000);
  afterAll(() => store.close());

  const fallbacks: ReachableChannel[] = [{ type: 'email', address: 'fitter@example.com' }];
  const page = (
    contactId: string,
    alarmId: string,
    name: string,
    key = randomUUID(),
  ): NotificationMessage => ({
    tenantId,
    channel: 'sms',
    to: '+447700900123',
    body: `CRITICAL alarm at ${siteName}: ${name}. Reply OK to acknowledge.`,
    alarmId,
    contactId,
    idempotencyKey: key,
    flood: { siteId: site, siteName, summary: `CRITICAL ${name} 4.7 m`, name, fallbacks },
  });

  it('sends the first page at once, holds other alarms of the site, never the first alarm, and digests them when the window closes', async () => {
    const contact = randomUUID();
    const [a, b, c] = [randomUUID(), randomUUID(), randomUUID()];
    now = new Date('2026-11-22T03:10:00.000Z');
    const first = await notifier.send(page(contact, a, 'Wet well level HiHi'));
    now = new Date('2026-11-22T03:10:05.000Z');
    const second = await notifier.send(page(contact, b, 'Pump 1 fault'));
    const third = await notifier.send(page(contact, c, 'Motor temperature Hi'));
    const sameAlarmAgain = await notifier.send(page(contact, a, 'Wet well level HiHi'));
    expect(first.status).toBe('sent');
    expect([second.status, third.status]).toEqual(['held', 'held']);
    expect(second.flushAt?.toISOString()).toBe('2026-11-22T03:10:30.000Z');
    expect(sameAlarmAgain.status).toBe('sent');
    expect(sms.sent.map((m) => m.alarmId)).toEqual([a, a]);

    now = new Date('2026-11-22T03:10:29.000Z');
    expect(await notifier.flushHeld(tenantId)).toBe(0);
    now = new Date('2026-11-22T03:10:30.000Z');
    expect(await notifier.flushHeld(tenantId)).toBe(1);
    expect(await notifier.flushHeld(tenantId)).toBe(0);

    const digest = sms.sent.at(-1);
    expect(digest?.body).toBe(
      '2 alarms at North Pumping Station: CRITICAL Pump 1 fault 4.7 m; CRITICAL Motor temperature Hi 4.7 m. Reply OK to ack all.',
    );
    expect(digest?.alarmIds).toEqual([b, c]);
    const log = await store.inTenant(tenantId, (r) =>
      r.notifications.list({ contactId: contact, limit: 10 }),
    );
    const digestRow = log.find((n) => n.purpose === 'digest');
    expect(digestRow).toMatchObject({ status: 'sent', alarmIds: [b, c], alarmId: b });
    expect(log.filter((n) => n.status === 'grouped').map((n) => n.digestId)).toEqual([
      digestRow?.id,
      digestRow?.id,
    ]);
    // a reply to the number now answers the digest: both its alarms
    const last = await store.inTenant(tenantId, (r) =>
      r.notifications.lastAlarmFor('+447700900123', ['sms']),
    );
    expect(last).toMatchObject({ alarmIds: [b, c], purpose: 'digest' });
  });

  it('opens a new window once the last one has closed: an isolated alarm is never held', async () => {
    const contact = randomUUID();
    now = new Date('2026-11-22T04:00:00.000Z');
    expect((await notifier.send(page(contact, randomUUID(), 'One'))).status).toBe('sent');
    now = new Date('2026-11-22T04:00:31.000Z');
    expect((await notifier.send(page(contact, randomUUID(), 'Two'))).status).toBe('sent');
  });

  it('falls over to the next channel when the digest cannot go out on the held one, with a link per alarm and one for all', async () => {
    const contact = randomUUID();
    const [a, b, c] = [randomUUID(), randomUUID(), randomUUID()];
    now = new Date('2026-11-22T05:00:00.000Z');
    await notifier.send(page(contact, a, 'First'));
    await notifier.send(page(contact, b, 'Second'));
    await notifier.send(page(contact, c, 'Third'));
    now = new Date('2026-11-22T05:00:31.000Z');
    sms.failing = true;
    try {
      expect(await notifier.flushHeld(tenantId)).toBe(1);
    } finally {
      sms.failing = false;
    }
    const mail = email.sent.at(-1);
    expect(mail?.to).toBe('fitter@example.com');
    expect(mail?.subject).toBe('[Plantwatch] 2 alarms at North Pumping Station');
    expect(mail?.ackLinks?.map((link) => link.name)).toEqual(['Second', 'Third']);
    const allToken = decodeURIComponent(mail?.ackUrl?.split('/v1/ack/')[1] ?? '');
    const all = await store.inTenant(tenantId, (r) => r.ackTokens.findByHash(hashAckToken(allToken)));
    expect(all?.alarmIds).toEqual([b, c]);
    const oneToken = decodeURIComponent(mail?.ackLinks?.[1]?.url.split('/v1/ack/')[1] ?? '');
    const one = await store.inTenant(tenantId, (r) => r.ackTokens.findByHash(hashAckToken(oneToken)));
    expect(one?.alarmIds).toEqual([c]);
    const failed = await store.inTenant(tenantId, (r) =>
      r.notifications.list({ contactId: contact, status: 'failed', limit: 10 }),
    );
    expect(failed.map((n) => [n.purpose, n.channel, n.error])).toEqual([
      ['digest', 'sms', 'twilio: 503 unavailable'],
    ]);
  });

  it('keeps held pages when every channel fails, and sends them on the next flush', async () => {
    const contact = randomUUID();
    now = new Date('2026-11-22T06:00:00.000Z');
    await notifier.send(page(contact, randomUUID(), 'Opener'));
    await notifier.send({
      ...page(contact, randomUUID(), 'Held'),
      flood: { siteId: site, siteName, summary: 'x', name: 'Held', fallbacks: [] },
    });
    now = new Date('2026-11-22T06:00:31.000Z');
    sms.failing = true;
    try {
      expect(await notifier.flushHeld(tenantId)).toBe(0);
    } finally {
      sms.failing = false;
    }
    const held = await store.inTenant(tenantId, (r) =>
      r.notifications.list({ contactId: contact, status: 'held', limit: 10 }),
    );
    expect(held).toHaveLength(1);
    expect(await notifier.flushHeld(tenantId)).toBe(1);
    expect(sms.sent.at(-1)?.body).toContain('Held');
  });

  it("words a digest in its contact's language", async () => {
    const contact = randomUUID();
    await store.inTenant(tenantId, (r) =>
      r.contacts.create({
        id: contact,
        name: 'Ana',
        channels: [{ type: 'sms', address: '+5511987654321' }],
        language: 'pt-BR',
      }),
    );
    now = new Date('2026-11-22T05:00:00.000Z');
    await notifier.send(page(contact, randomUUID(), 'Nivel alto'));
    now = new Date('2026-11-22T05:00:05.000Z');
    await notifier.send(page(contact, randomUUID(), 'Bomba 1 falha'));
    await notifier.send(page(contact, randomUUID(), 'Bomba 2 falha'));
    now = new Date('2026-11-22T05:00:30.000Z');
    expect(await notifier.flushHeld(tenantId)).toBe(1);
    expect(sms.sent.at(-1)?.body).toMatch(
      /^2 alarmes em North Pumping Station: .* Responda OK para reconhecer todos\.$/,
    );
  });

  it('never holds a page when the tenant set the window to 0', async () => {
    const contact = randomUUID();
    await store.inTenant(tenantId, async (r) => {
      const settings = await r.notificationSettings.get();
      await r.notificationSettings.put(
        {
          smsProvider: 'twilio',
          twilioAccountSid: null,
          twilioFromNumber: null,
          twilioWhatsAppFromNumber: null,
          floodWindowSeconds: 0,
          telegramBotUsername: null,
          telegramWebhookError: null,
          secrets: settings?.secrets ?? null,
        },
        now,
      );
    });
    now = new Date('2026-11-22T07:00:00.000Z');
    expect((await notifier.send(page(contact, randomUUID(), 'One'))).status).toBe('sent');
    expect((await notifier.send(page(contact, randomUUID(), 'Two'))).status).toBe('sent');
  });
});
