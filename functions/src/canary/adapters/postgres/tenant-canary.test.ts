// The tenant canary on embedded PGlite and the real PostgreSQL server: settings (422 for a contact
// that is not the tenant's), a slot claimed once by two schedulers at the same instant, a slot missed
// while down sent once, late, a page no channel takes retried with backoff, acknowledged in time or
// missed (counted, the admins told), the cross-tenant lookup. A recording notifier stands in for the
// providers; the clock is moved by hand.
import { randomUUID } from 'node:crypto';
import { InvalidInputError } from '@plantwatch/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ConfigStore, createPostgresConfigStore } from '../../../compose/config-store.ts';
import type { NotificationMessage, Notifier } from '../../../notify/ports.ts';
import type { ConfigDatabase } from '../../../platform/database/database.ts';
import type { Metrics } from '../../../platform/metrics.ts';
import type { Principal } from '../../../platform/principal.ts';
import { configDatabaseTargets } from '../../../platform/testing/config-databases.ts';
import { newTestTenant } from '../../../platform/testing/tenants.ts';
import { acknowledgeCanaryRun } from '../../runs.ts';
import { type CanaryDeps, putCanarySettings, sendCanaryNow } from '../../settings.ts';
import { createTenantCanaryScheduler } from '../../tenant-canary.ts';

class RecordingNotifier implements Notifier {
  sent: NotificationMessage[] = [];
  tried: NotificationMessage[] = [];
  failing = new Set<string>();
  async send(message: NotificationMessage) {
    this.tried.push(message);
    if (this.failing.has(message.to)) throw new Error(`provider down for ${message.to}`);
    if (!this.sent.some((m) => m.idempotencyKey === message.idempotencyKey)) this.sent.push(message);
    return { providerMessageId: message.idempotencyKey, notificationId: randomUUID() };
  }
}

function recordingMetrics() {
  const counted: [string, Readonly<Record<string, string>>][] = [];
  const observed: [string, number][] = [];
  const metrics: Metrics = {
    increment: (name, labels = {}) => counted.push([name, labels]),
    observe: (name, value) => observed.push([name, value]),
    gauge: () => undefined,
  };
  return { counted, observed, metrics };
}

const MINUTE = 60_000;

describe.each(configDatabaseTargets)('the tenant canary on $name', (target) => {
  let database: ConfigDatabase;
  let store: ConfigStore;
  let at = new Date('2026-01-12T07:00:00Z');
  const clock = { now: () => at };
  const advance = (ms: number) => {
    at = new Date(at.getTime() + ms);
  };

  beforeAll(async () => {
    database = await target.open({ maxConnections: 4 });
    store = createPostgresConfigStore(database.db, () => database.close());
  }, 60_000);
  afterAll(async () => {
    await store?.close();
  });

  /** A tenant with one contact (e-mail, then SMS) and its canary at 08:00 UTC every day. */
  async function tenantWithCanary(label: string) {
    const { tenantId, ownerId } = await newTestTenant(store, label);
    const contact = await store.inTenant(tenantId, (repos) =>
      repos.contacts.create({
        id: randomUUID(),
        name: 'Alice',
        channels: [
          { type: 'email', address: `alice-${tenantId}@example.com` },
          { type: 'sms', address: '+447700900101' },
        ],
      }),
    );
    const notifier = new RecordingNotifier();
    const recorded = recordingMetrics();
    const deps: CanaryDeps = {
      store,
      notifier,
      clock,
      ids: { newId: randomUUID },
      metrics: recorded.metrics,
    };
    const principal: Principal = {
      tenantId,
      role: 'owner',
      siteIds: null,
      userId: ownerId,
      apiKeyId: null,
      sessionId: null,
    };
    const settings = await putCanarySettings(deps, principal, {
      enabled: true,
      contactId: contact.id,
      at: '08:00',
      days: [0, 1, 2, 3, 4, 5, 6],
      timeZone: 'UTC',
      ackWithinMinutes: 30,
      notifyAdmins: true,
    });
    // the real cross-tenant lookup, narrowed to this test's tenant (the earlier tests' canaries stay due)
    const own = {
      ...store,
      findTenantsWithCanaryWork: async (now: Date) =>
        (await store.findTenantsWithCanaryWork(now)).filter((id) => id === tenantId),
    };
    const scheduler = () => createTenantCanaryScheduler({ ...deps, store: own }, { baseRetryMs: 15_000 });
    const runs = () => store.inTenant(tenantId, (repos) => repos.canaryRuns.list({ limit: 50 }));
    const sent = () => notifier.sent.filter((m) => m.tenantId === tenantId);
    const tried = () => notifier.tried.filter((m) => m.tenantId === tenantId);
    return {
      tenantId,
      ownerId,
      contact,
      notifier,
      recorded,
      deps,
      principal,
      settings,
      scheduler,
      runs,
      sent,
      tried,
    };
  }

  it("refuses (422, naming contactId) a contact that does not exist or is another tenant's", async () => {
    at = new Date('2026-01-12T07:00:00Z');
    const a = await tenantWithCanary('canary-a');
    const b = await tenantWithCanary('canary-b');
    for (const contactId of [randomUUID(), b.contact.id]) {
      const refused = putCanarySettings(a.deps, a.principal, {
        enabled: true,
        contactId,
        at: '08:00',
        days: [1],
        ackWithinMinutes: 30,
        notifyAdmins: true,
      });
      await expect(refused).rejects.toBeInstanceOf(InvalidInputError);
      await expect(refused).rejects.toThrow(`contactId: no contact ${contactId} in this tenant`);
    }
    expect(a.settings).toMatchObject({ enabled: true, nextDueAt: '2026-01-12T08:00:00.000Z' });
  });

  it('sends a due slot once, even when two schedulers claim it at the same instant', async () => {
    at = new Date('2026-01-12T07:00:00Z');
    const canary = await tenantWithCanary('canary-twice');
    expect(await store.findTenantsWithCanaryWork(at)).not.toContain(canary.tenantId);
    advance(60 * MINUTE + 5_000);
    expect(await store.findTenantsWithCanaryWork(at)).toContain(canary.tenantId);
    await Promise.all([canary.scheduler().run(), canary.scheduler().run()]);
    const runs = await canary.runs();
    expect(runs).toEqual([
      expect.objectContaining({
        slotAt: new Date('2026-01-12T08:00:00Z'),
        trigger: 'schedule',
        status: 'sent',
        channel: 'email',
        dueBy: new Date('2026-01-12T08:30:05Z'),
      }),
    ]);
    expect(canary.sent().map((m) => [m.channel, m.purpose, m.canaryRunId])).toEqual([
      ['email', 'canary', runs[0]?.id],
    ]);
    expect(canary.sent()[0]?.subject).toBe('[Plantwatch] Canary: please acknowledge by 08:30');
    expect(canary.recorded.counted).toContainEqual(['tenant_canaries_sent', { channel: 'email' }]);
    // acknowledged in time: once; a second acknowledgement is "already"
    advance(4 * MINUTE);
    const ack = { tenantId: canary.tenantId, runId: runs[0]?.id ?? '', by: 'SMS reply', via: 'sms' as const };
    expect((await acknowledgeCanaryRun(canary.deps, ack)).outcome).toBe('acknowledged');
    expect((await acknowledgeCanaryRun(canary.deps, ack)).outcome).toBe('already');
    expect(canary.recorded.observed).toEqual([['tenant_canary_ack_seconds', 240]]);
    await canary.scheduler().run();
    expect(await canary.runs()).toHaveLength(1);
  });

  it('sends a slot missed while the service was down once, late, with its full time to answer', async () => {
    at = new Date('2026-01-12T07:00:00Z');
    const canary = await tenantWithCanary('canary-late');
    // nothing ran from Monday 07:00 until Thursday 09:30: four slots passed
    at = new Date('2026-01-15T09:30:00Z');
    await canary.scheduler().run();
    await canary.scheduler().run();
    const runs = await canary.runs();
    expect(runs.map((run) => [run.slotAt.toISOString(), run.status, run.dueBy.toISOString()])).toEqual([
      ['2026-01-15T08:00:00.000Z', 'sent', '2026-01-15T10:00:00.000Z'],
    ]);
    expect(canary.sent()).toHaveLength(1);
  });

  it('retries a page no channel takes with backoff, then sends it when a provider is back', async () => {
    at = new Date('2026-01-12T07:00:00Z');
    const canary = await tenantWithCanary('canary-retry');
    for (const channel of canary.contact.channels) canary.notifier.failing.add(channel.address ?? '');
    at = new Date('2026-01-12T08:00:01Z');
    await canary.scheduler().run();
    const [pending] = await canary.runs();
    expect(pending).toMatchObject({ status: 'pending', attempts: 1 });
    expect(pending?.lastError).toContain('email: provider down');
    expect(pending?.lastError).toContain('sms: provider down');
    // not before its backoff (15 s after the first failure)
    const attempts = async () => (await canary.runs())[0]?.attempts;
    advance(5_000);
    await canary.scheduler().run();
    expect(await attempts()).toBe(1);
    advance(11_000);
    await canary.scheduler().run();
    expect(await attempts()).toBe(2);
    canary.notifier.failing.clear();
    advance(31_000);
    await canary.scheduler().run();
    const [sent] = await canary.runs();
    expect(sent).toMatchObject({ status: 'sent', attempts: 3, channel: 'email', lastError: null });
    // each channel's key was tried on each attempt, and the page went out once
    expect(canary.tried().filter((m) => m.channel === 'email')).toHaveLength(3);
    expect(canary.sent()).toHaveLength(1);
  });

  it('records a canary nobody acknowledged as missed, counts it, tells the admins, and a late answer as late', async () => {
    at = new Date('2026-01-12T07:00:00Z');
    const canary = await tenantWithCanary('canary-missed');
    at = new Date('2026-01-12T08:00:00Z');
    await canary.scheduler().run();
    advance(29 * MINUTE);
    await canary.scheduler().run();
    expect((await canary.runs())[0]?.status).toBe('sent');
    advance(MINUTE);
    await canary.scheduler().run();
    const [missed] = await canary.runs();
    expect(missed).toMatchObject({
      status: 'missed',
      missedReason: 'not acknowledged within 30 minutes',
      adminNotice: 'e-mailed 1 of 1 admin(s)',
    });
    expect(canary.recorded.counted).toContainEqual(['tenant_canaries_missed', { reason: 'unacknowledged' }]);
    const notice = canary.sent().find((m) => m.purpose === 'canary-missed');
    expect(notice).toMatchObject({ channel: 'email', to: `canary-missed-${canary.tenantId}@example.com` });
    expect(notice?.subject).toBe('[Plantwatch] Canary missed: Alice did not acknowledge the 08:00 test page');
    // judged once: another pass changes nothing
    await canary.scheduler().run();
    expect(canary.recorded.counted.filter(([name]) => name === 'tenant_canaries_missed')).toHaveLength(1);
    expect(canary.sent().filter((m) => m.purpose === 'canary-missed')).toHaveLength(1);
    advance(2 * MINUTE);
    const late = await acknowledgeCanaryRun(canary.deps, {
      tenantId: canary.tenantId,
      runId: missed?.id ?? '',
      by: 'web',
      via: 'web',
    });
    expect(late.outcome).toBe('late');
    expect(late.run).toMatchObject({ status: 'missed', acknowledgedVia: 'web' });
  });

  it('records a page no channel took by its deadline as missed: undelivered, with the last error', async () => {
    at = new Date('2026-01-12T07:00:00Z');
    const canary = await tenantWithCanary('canary-undelivered');
    for (const channel of canary.contact.channels) canary.notifier.failing.add(channel.address ?? '');
    const run = await sendCanaryNow(canary.deps, canary.principal);
    expect(run).toMatchObject({ trigger: 'manual', status: 'pending', attempts: 1 });
    advance(31 * MINUTE);
    await canary.scheduler().run();
    const [missed] = await canary.runs();
    expect(missed?.status).toBe('missed');
    expect(missed?.missedReason).toMatch(/^not delivered within 30 minutes \(email: provider down/);
    expect(canary.recorded.counted).toContainEqual(['tenant_canaries_missed', { reason: 'undelivered' }]);
  });
});
