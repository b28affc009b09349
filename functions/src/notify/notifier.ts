// The Notifier the escalation chain calls: writes every message to the message log (the
// notifications table, which is also the idempotency guard), adds the acknowledgement link to alarm
// e-mails, and hands the message to the adapter the channel and the tenant's settings pick.
import { createHash, randomBytes } from 'node:crypto';
import {
  type ContactChannelType,
  DEFAULT_LANGUAGE,
  isReachable,
  type Language,
  type ReachableChannel,
} from '@plantwatch/shared';
import { z } from 'zod';
import type { PeopleRepositories } from '../people/ports.ts';
import type { Clock } from '../platform/clock.ts';
import type { TenantStore } from '../platform/database/tenant-store.ts';
import type { IdGenerator } from '../platform/id-generator.ts';
import { logger } from '../platform/observability.ts';
import { digestText } from './alarm-text.ts';
import type { NotificationMessage, NotificationReceipt, Notifier } from './ports.ts';
import type { NotificationRecord, NotifyRepositories } from './repositories.ts';
import {
  type ChannelSender,
  NotificationDeliveryError,
  type OutgoingMessage,
  type TenantNotifyConfig,
} from './sender.ts';

/** The sender of each channel, by the tenant's settings and the address (some are never delivered). */
export type ChannelRouting = Record<
  ContactChannelType,
  (config: TenantNotifyConfig, to: string) => ChannelSender
>;

/** The notifier with what only composition uses: the digest flush of held pages and its timers. */
export interface CompositeNotifier extends Notifier {
  /** Sends the digests of the tenant's held pages whose flood window has closed; how many went out. */
  flushHeld(tenantId: string): Promise<number>;
  /** Stops the in-process flush timers (flushTimers). */
  close(): void;
}

export interface CompositeNotifierOptions {
  /** The message log, and the contacts (a digest is worded in its contact's language). */
  store: TenantStore<
    Pick<NotifyRepositories, 'notifications' | 'ackTokens' | 'floodWindows'> &
      Pick<PeopleRepositories, 'contacts'>
  >;
  clock: Clock;
  ids: IdGenerator;
  config: (tenantId: string) => Promise<TenantNotifyConfig>;
  routing: ChannelRouting;
  /** The public base URL of the API, for e-mail acknowledgement links. */
  publicApiUrl: () => string;
  /** How long an e-mail acknowledgement link works. */
  ackLinkTtlMs?: number;
  /**
   * Locally: flush a held page's digest in this process when its window closes (a timer per window).
   * On AWS there is no process to keep a timer: a scheduled sweep calls flushHeld (docs/notifications.md).
   */
  flushTimers?: boolean;
}

export const DEFAULT_ACK_LINK_TTL_MS = 24 * 3_600_000;

/** The token names its tenant so the link route can open that tenant's store; the rest is 256 random bits. */
export function newAckToken(tenantId: string): string {
  return `${tenantId}.${randomBytes(32).toString('base64url')}`;
}

export const hashAckToken = (token: string) => createHash('sha256').update(token).digest('hex');

const receipt = (n: NotificationRecord, duplicate: boolean): NotificationReceipt => ({
  providerMessageId: n.providerMessageId ?? n.id,
  provider: n.provider,
  notificationId: n.id,
  status: n.status,
  duplicate,
});

/** Thrown by send when the provider failed; the message log row says the same. */
export class NotificationFailedError extends Error {
  readonly notificationId: string;
  readonly retryable: boolean;
  constructor(message: string, notificationId: string, retryable: boolean, cause: unknown) {
    super(message, { cause });
    this.name = 'NotificationFailedError';
    this.notificationId = notificationId;
    this.retryable = retryable;
  }
}

/** Whether a page may be held by the contact's flood window at its site. */
function floodWindowFor(message: NotificationMessage, config: TenantNotifyConfig) {
  const { flood, contactId, alarmId } = message;
  if (!flood || !contactId || !alarmId || config.floodWindowSeconds <= 0) return null;
  if ((message.purpose ?? 'page') !== 'page') return null;
  return { flood, contactId, alarmId, seconds: config.floodWindowSeconds };
}

export function createCompositeNotifier(options: CompositeNotifierOptions): CompositeNotifier {
  const { store, clock, ids } = options;
  const ttl = options.ackLinkTtlMs ?? DEFAULT_ACK_LINK_TTL_MS;
  const timers = new Set<ReturnType<typeof setTimeout>>();

  const scheduleFlush = (tenantId: string, flushAt: Date) => {
    if (!options.flushTimers) return;
    const timer = setTimeout(
      () => {
        timers.delete(timer);
        flushHeld(tenantId).catch((error) =>
          logger.error('digest flush failed; the next one retries it', { tenantId, error }),
        );
      },
      Math.max(0, flushAt.getTime() - clock.now().getTime()) + 25,
    );
    timer.unref?.();
    timers.add(timer);
  };

  /** A canary page's e-mail: one link that acknowledges its run. */
  async function createCanaryLink(message: NotificationMessage, canaryRunId: string) {
    const token = newAckToken(message.tenantId);
    await store.inTenant(message.tenantId, (repos) =>
      repos.ackTokens.create({
        id: ids.newId(),
        tokenHash: hashAckToken(token),
        alarmId: null,
        canaryRunId,
        recipient: message.to,
        contactId: message.contactId ?? null,
        expiresAt: new Date(clock.now().getTime() + ttl),
      }),
    );
    return { ackUrl: `${options.publicApiUrl().replace(/\/+$/, '')}/v1/ack/${encodeURIComponent(token)}` };
  }

  async function createAckLinks(message: NotificationMessage, names: readonly string[] | undefined) {
    const alarmIds = message.alarmIds && message.alarmIds.length > 0 ? message.alarmIds : [message.alarmId];
    const base = `${options.publicApiUrl().replace(/\/+$/, '')}/v1/ack/`;
    const expiresAt = new Date(clock.now().getTime() + ttl);
    const link = async (forAlarms: string[]) => {
      const token = newAckToken(message.tenantId);
      const [first] = forAlarms;
      if (!first) return null;
      await store.inTenant(message.tenantId, (repos) =>
        repos.ackTokens.create({
          id: ids.newId(),
          tokenHash: hashAckToken(token),
          alarmId: first,
          alarmIds: forAlarms,
          recipient: message.to,
          contactId: message.contactId ?? null,
          expiresAt,
        }),
      );
      return `${base}${encodeURIComponent(token)}`;
    };
    const known = alarmIds.filter((id): id is string => typeof id === 'string');
    const all = await link(known);
    if (known.length < 2) return { ackUrl: all ?? undefined };
    const each = await Promise.all(
      known.map(async (alarmId, index) => ({
        name: names?.[index] ?? alarmId,
        url: (await link([alarmId])) ?? '',
      })),
    );
    return { ackUrl: all ?? undefined, ackLinks: each };
  }

  async function deliver(
    message: NotificationMessage,
    extras: { ackNames?: readonly string[] } = {},
  ): Promise<NotificationReceipt> {
    const config = await options.config(message.tenantId);
    const sender = options.routing[message.channel](config, message.to);
    const window = floodWindowFor(message, config);
    const claimed = await store.inTenant(message.tenantId, async (repos) => {
      const { notification, created } = await repos.notifications.claim({
        id: ids.newId(),
        channel: message.channel,
        recipient: message.to,
        contactId: message.contactId ?? null,
        alarmId: message.alarmId ?? message.alarmIds?.[0] ?? null,
        alarmIds: message.alarmIds ?? (message.alarmId ? [message.alarmId] : []),
        purpose: message.purpose ?? 'page',
        siteId: message.flood?.siteId ?? null,
        canaryRunId: message.canaryRunId ?? null,
        subject: message.subject ?? null,
        body: message.body,
        provider: sender.provider,
        idempotencyKey: message.idempotencyKey,
      });
      if (created && window) {
        const now = clock.now();
        const { opened, window: open } = await repos.floodWindows.openUnlessOpen(
          window.contactId,
          window.flood.siteId,
          window.alarmId,
          now,
          new Date(now.getTime() + window.seconds * 1000),
        );
        // the alarm that opened the window is never held: its failover and later levels go out at once
        if (!opened && open.alarmId !== window.alarmId) {
          const held = await repos.notifications.hold(notification.id, {
            flushAt: open.closesAt,
            summary: JSON.stringify({
              line: window.flood.summary,
              name: window.flood.name,
              site: window.flood.siteName,
            }),
            fallbacks: window.flood.fallbacks,
            at: now,
          });
          return { notification: held ?? notification, send: false, held: true };
        }
      }
      if (created) return { notification, send: true };
      // Only a send that failed is tried again under the same key; queued means it may be out.
      if (notification.status !== 'failed') return { notification, send: false };
      const retried = await repos.notifications.retry(notification.id, sender.provider);
      return retried ? { notification: retried, send: true } : { notification, send: false };
    });
    if ('held' in claimed && claimed.held) {
      const flushAt = claimed.notification.flushAt;
      if (flushAt) scheduleFlush(message.tenantId, flushAt);
      return { ...receipt(claimed.notification, false), ...(flushAt ? { flushAt } : {}) };
    }
    if (!claimed.send) return receipt(claimed.notification, true);
    const notificationId = claimed.notification.id;

    const outgoing: OutgoingMessage = { ...message, notificationId };
    if (message.channel === 'email' && message.purpose === 'canary' && message.canaryRunId) {
      Object.assign(outgoing, await createCanaryLink(message, message.canaryRunId));
    } else if (message.channel === 'email' && (message.alarmId || message.alarmIds?.length)) {
      Object.assign(outgoing, await createAckLinks(message, extras.ackNames));
    }

    try {
      const { providerMessageId } = await sender.send(outgoing, config);
      const sent = await store.inTenant(message.tenantId, (repos) =>
        repos.notifications.markSent(notificationId, {
          provider: sender.provider,
          providerMessageId,
          at: clock.now(),
          // The outbox is the delivery, so it keeps the links; a real provider's log does not.
          ...(sender.provider === 'outbox' && outgoing.ackUrl ? { body: outboxBody(outgoing) } : {}),
        }),
      );
      return receipt(sent ?? claimed.notification, false);
    } catch (error) {
      const delivery = error instanceof NotificationDeliveryError ? error : undefined;
      const text = delivery ? delivery.message : `${sender.provider}: ${(error as Error).name ?? 'failure'}`;
      await store.inTenant(message.tenantId, (repos) =>
        repos.notifications.markFailed(notificationId, {
          provider: sender.provider,
          error: text,
          at: clock.now(),
        }),
      );
      throw new NotificationFailedError(text, notificationId, delivery?.retryable ?? true, error);
    }
  }

  async function flushHeld(tenantId: string): Promise<number> {
    const due = await store.inTenant(tenantId, (repos) => repos.notifications.listDueHeld(clock.now(), 500));
    let sent = 0;
    for (const group of groupHeld(due)) {
      const digest = await sendDigest(tenantId, group);
      if (digest) {
        await store.inTenant(tenantId, (repos) =>
          repos.notifications.releaseHeld(
            group.map((row) => row.id),
            { status: 'grouped', digestId: digest, error: null, at: clock.now() },
          ),
        );
        sent += 1;
      }
    }
    return sent;
  }

  /** One digest on the first of the held channel and its fallbacks that takes it; its id, or null. */
  async function sendDigest(tenantId: string, group: NotificationRecord[]): Promise<string | null> {
    const [first] = group;
    if (!first) return null;
    const items = uniqueAlarms(group);
    const channels: ReachableChannel[] = [
      { type: first.channel, address: first.recipient } as ReachableChannel,
      ...(first.fallbacks ?? []).filter(isReachable),
    ];
    const key = `digest:${first.contactId}:${first.siteId}:${first.flushAt?.getTime()}`;
    const contactId = first.contactId;
    const language: Language = contactId
      ? ((await store.inTenant(tenantId, (repos) => repos.contacts.get(contactId)))?.language ??
        DEFAULT_LANGUAGE)
      : DEFAULT_LANGUAGE;
    for (const [index, channel] of channels.entries()) {
      const text =
        items.length === 1
          ? { subject: first.subject ?? undefined, body: first.body }
          : digestText(items, items[0]?.site ?? null, channel.type, language);
      try {
        const result = await deliver(
          {
            tenantId,
            channel: channel.type,
            to: channel.address,
            ...(channel.type === 'email' && text.subject ? { subject: text.subject } : {}),
            body: text.body,
            alarmIds: items.map((item) => item.alarmId),
            ...(first.contactId ? { contactId: first.contactId } : {}),
            purpose: items.length === 1 ? 'page' : 'digest',
            idempotencyKey: `${key}:${index}-${channel.type}`,
          },
          { ackNames: items.map((item) => item.name) },
        );
        if (result.status !== 'failed' && result.notificationId) return result.notificationId;
      } catch (error) {
        logger.warn('a digest channel failed; trying the next', {
          tenantId,
          channel: channel.type,
          error: (error as Error).message,
        });
      }
    }
    return null;
  }

  return {
    send: (message) => deliver(message),
    flushHeld,
    close() {
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
    },
  };
}

/** The outbox keeps an e-mail's links: one line each ("Acknowledge: …", or per alarm and for all). */
function outboxBody(message: OutgoingMessage): string {
  const links = (message.ackLinks ?? []).map((link) => `Acknowledge ${link.name}: ${link.url}`);
  const all = message.ackLinks?.length
    ? `Acknowledge all: ${message.ackUrl}`
    : `Acknowledge: ${message.ackUrl}`;
  return `${message.body}\n\n${[...links, all].join('\n')}`;
}

const heldSummarySchema = z.object({ line: z.string(), name: z.string(), site: z.string().nullable() });

/** Held pages by contact, site and window, oldest first. */
function groupHeld(rows: readonly NotificationRecord[]): NotificationRecord[][] {
  const groups = new Map<string, NotificationRecord[]>();
  for (const row of rows) {
    const key = `${row.contactId}|${row.siteId}|${row.flushAt?.getTime()}`;
    groups.set(key, [...(groups.get(key) ?? []), row]);
  }
  return [...groups.values()];
}

/** Each alarm once (a later level of the same alarm may be held in the same window), with its line. */
function uniqueAlarms(group: readonly NotificationRecord[]) {
  const seen = new Map<string, { alarmId: string; line: string; name: string; site: string | null }>();
  for (const row of group) {
    if (!row.alarmId || seen.has(row.alarmId)) continue;
    let parsed: z.infer<typeof heldSummarySchema> | null = null;
    try {
      const result = heldSummarySchema.safeParse(JSON.parse(row.summary ?? 'null'));
      parsed = result.success ? result.data : null;
    } catch {
      parsed = null;
    }
    seen.set(row.alarmId, {
      alarmId: row.alarmId,
      line: parsed?.line ?? row.body.split('\n')[0] ?? row.body,
      name: parsed?.name ?? row.alarmId,
      site: parsed?.site ?? null,
    });
  }
  return [...seen.values()];
}
