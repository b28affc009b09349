// Webhook channel: a JSON POST signed with HMAC-SHA256, retried with backoff. The address is checked
// where the connection is made (a lookup hook), so a public name that resolves to a private or
// link-local address is refused, not only a literal one (see webhookUrlSchema in shared/src/contact.ts).
import { createHmac, timingSafeEqual } from 'node:crypto';
import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import http from 'node:http';
import https from 'node:https';
import { BlockList, isIP } from 'node:net';
import { type ChannelSender, NotificationDeliveryError } from '../sender.ts';

export const WEBHOOK_SIGNATURE_HEADER = 'x-plantwatch-signature';
export const WEBHOOK_DELIVERY_HEADER = 'x-plantwatch-delivery';
/** A receiver should refuse a signature older than this (replays). */
export const WEBHOOK_TOLERANCE_SECONDS = 300;

const privateRanges = new BlockList();
for (const [net, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const) {
  privateRanges.addSubnet(net, prefix, 'ipv4');
}
for (const [net, prefix] of [
  ['::', 128],
  ['fc00::', 7],
  ['fe80::', 10],
  ['ff00::', 8],
  ['64:ff9b::', 96],
] as const) {
  privateRanges.addSubnet(net, prefix, 'ipv6');
}
const loopback = new BlockList();
loopback.addSubnet('127.0.0.0', 8, 'ipv4');
loopback.addAddress('::1', 'ipv6');

/** Why a webhook may not connect to this address, or null when it may. */
export function refusedAddressReason(address: string, allowLoopback: boolean): string | null {
  const family = isIP(address);
  if (family === 0) return 'not an IP address';
  let ip = address;
  let type: 'ipv4' | 'ipv6' = family === 4 ? 'ipv4' : 'ipv6';
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped?.[1]) {
    ip = mapped[1];
    type = 'ipv4';
  }
  if (loopback.check(ip, type)) return allowLoopback ? null : 'a loopback address';
  if (privateRanges.check(ip, type)) return 'a private, link-local or reserved address';
  return null;
}

export class RefusedWebhookAddressError extends Error {}

type LookupCallback = (
  error: NodeJS.ErrnoException | null,
  address: string | LookupAddress[],
  family?: number,
) => void;

function guardedLookup(allowLoopback: boolean) {
  return (hostname: string, options: object, callback: LookupCallback) => {
    dnsLookup(hostname, { ...options, all: true }, (error, addresses) => {
      if (error) return callback(error, []);
      const list = addresses as LookupAddress[];
      for (const entry of list) {
        const reason = refusedAddressReason(entry.address, allowLoopback);
        if (reason) {
          return callback(
            new RefusedWebhookAddressError(`${hostname} resolves to ${reason}; webhooks may not go there`),
            [],
          );
        }
      }
      if ((options as { all?: boolean }).all) return callback(null, list);
      const first = list[0];
      if (!first) return callback(new RefusedWebhookAddressError(`${hostname} has no address`), []);
      callback(null, first.address, first.family);
    });
  };
}

/** `t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">`, as a receiver recomputes it. */
export function signWebhook(secret: string, body: string, unixSeconds: number): string {
  const mac = createHmac('sha256', secret).update(`${unixSeconds}.${body}`, 'utf8').digest('hex');
  return `t=${unixSeconds},v1=${mac}`;
}

/** What a receiver runs: true when the header is ours, for this body, and recent. */
export function verifyWebhookSignature(
  secret: string,
  body: string,
  header: string | undefined,
  nowUnixSeconds: number,
  toleranceSeconds = WEBHOOK_TOLERANCE_SECONDS,
): boolean {
  if (!header) return false;
  const parts = new Map(header.split(',').map((part) => part.trim().split('=', 2) as [string, string]));
  const t = Number(parts.get('t'));
  const given = parts.get('v1');
  if (!Number.isInteger(t) || !given || Math.abs(nowUnixSeconds - t) > toleranceSeconds) return false;
  const expected = Buffer.from(signWebhook(secret, body, t).split('v1=')[1] ?? '');
  const actual = Buffer.from(given);
  return expected.length === actual.length && timingSafeEqual(expected, actual);
}

export interface WebhookOptions {
  /** Loopback receivers are allowed locally; on AWS they would reach the Lambda runtime's own API. */
  allowLoopback: boolean;
  /** Attempts in all (first try included). */
  attempts?: number;
  /** Delay before the second attempt; doubled each time, with jitter. */
  backoffMs?: number;
  timeoutMs?: number;
  now?: () => Date;
}

interface PostResult {
  status: number;
}

function post(
  url: URL,
  body: string,
  headers: Record<string, string>,
  options: WebhookOptions,
): Promise<PostResult> {
  const client = url.protocol === 'https:' ? https : http;
  const literal = url.hostname.replace(/^\[|\]$/g, '');
  if (isIP(literal)) {
    const reason = refusedAddressReason(literal, options.allowLoopback);
    if (reason)
      return Promise.reject(
        new RefusedWebhookAddressError(`${literal} is ${reason}; webhooks may not go there`),
      );
  }
  return new Promise((resolve, reject) => {
    const request = client.request(
      url,
      {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(body),
          ...headers,
        },
        lookup: guardedLookup(options.allowLoopback) as never,
        timeout: options.timeoutMs ?? 10_000,
      },
      (response) => {
        response.resume();
        response.on('end', () => resolve({ status: response.statusCode ?? 0 }));
        response.on('error', reject);
      },
    );
    request.on('timeout', () => request.destroy(new Error('the receiver did not answer in time')));
    request.on('error', reject);
    request.end(body);
  });
}

export interface WebhookPayload {
  id: string;
  tenantId: string;
  alarmId: string | null;
  contactId: string | null;
  subject: string | null;
  text: string;
  sentAt: string;
}

export function createWebhookSender(options: WebhookOptions): ChannelSender {
  const attempts = options.attempts ?? 3;
  const backoffMs = options.backoffMs ?? 500;
  const now = options.now ?? (() => new Date());
  return {
    provider: 'webhook',
    async send(message, config) {
      const secret = config.webhookSigningSecret;
      if (!secret) {
        throw new NotificationDeliveryError(
          'webhook',
          'the tenant has no webhook signing secret: an admin sets one with PUT /v1/settings/notifications',
          { retryable: false },
        );
      }
      const url = new URL(message.to);
      const payload: WebhookPayload = {
        id: message.notificationId,
        tenantId: message.tenantId,
        alarmId: message.alarmId ?? null,
        contactId: message.contactId ?? null,
        subject: message.subject ?? null,
        text: message.body,
        sentAt: now().toISOString(),
      };
      const body = JSON.stringify(payload);
      let last = '';
      for (let attempt = 1; attempt <= attempts; attempt += 1) {
        if (attempt > 1) {
          const delay = backoffMs * 2 ** (attempt - 2);
          await new Promise((done) => setTimeout(done, delay + Math.random() * delay * 0.2));
        }
        try {
          // Signed afresh on every attempt, so a late retry is not refused as stale.
          const signature = signWebhook(secret, body, Math.floor(now().getTime() / 1000));
          const { status } = await post(
            url,
            body,
            { [WEBHOOK_SIGNATURE_HEADER]: signature, [WEBHOOK_DELIVERY_HEADER]: message.notificationId },
            options,
          );
          if (status >= 200 && status < 300) return { providerMessageId: message.notificationId };
          last = `HTTP ${status}`;
          // The receiver understood and refused: another try will be refused the same way.
          if (status >= 400 && status < 500 && status !== 408 && status !== 429) {
            throw new NotificationDeliveryError('webhook', `the receiver answered ${last}`, {
              retryable: false,
            });
          }
        } catch (error) {
          if (error instanceof NotificationDeliveryError) throw error;
          if (error instanceof RefusedWebhookAddressError) {
            throw new NotificationDeliveryError('webhook', error.message, { retryable: false, cause: error });
          }
          last = (error as Error).message;
        }
      }
      throw new NotificationDeliveryError('webhook', `gave up after ${attempts} attempts: ${last}`, {
        retryable: true,
      });
    },
  };
}
