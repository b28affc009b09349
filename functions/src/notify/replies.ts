// Acknowledgement by reply, whatever carried it (SMS, WhatsApp, Telegram, a keypress, an e-mail link):
// which replies acknowledge, acknowledging every alarm of the message replied to, and what to answer.
import { type AlarmEvent, NotFoundError } from '@plantwatch/shared';
import { type AlarmDeps, type AlarmStoreRepositories, acknowledgeAlarmAs } from '../alarms/alarms.ts';
import type { TenantStore } from '../platform/database/tenant-store.ts';
import type { Metrics } from '../platform/metrics.ts';
import { logger } from '../platform/observability.ts';

/**
 * Replies that acknowledge, compared with the reply's first word in lower case without accents or
 * punctuation ("Sí!" → "si", "Reconheço" → "reconheco", "/ack@PlantBot" → "ack"), or a reply that
 * starts with ✅ or 👍. English, Portuguese and Spanish; "no", "não" and anything else do not.
 * Documented in docs/notifications.md.
 */
export const ACK_REPLY_WORDS: ReadonlySet<string> = new Set([
  // English
  'ack',
  'acknowledge',
  'acknowledged',
  'ok',
  'okay',
  '1',
  'yes',
  // Portuguese
  'sim',
  'reconhecer',
  'reconheco',
  'reconhecido',
  'confirmo',
  'confirmar',
  'ciente',
  // Spanish
  'si',
  'vale',
  'reconocer',
  'reconozco',
  'recibido',
  'enterado',
]);

/** ✅ (U+2705), ✔ (U+2714), ☑ (U+2611) and 👍 in any skin tone. */
const ACK_EMOJI = /^(?:\u2705|\u2714\uFE0F?|\u2611\uFE0F?|\u{1F44D}[\u{1F3FB}-\u{1F3FF}]?)/u;

export function isAckReply(text: string): boolean {
  const trimmed = text.trim();
  if (ACK_EMOJI.test(trimmed)) return true;
  const first = trimmed
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .find((word) => word !== '');
  return first !== undefined && ACK_REPLY_WORDS.has(first);
}

export type InboundOutcome =
  | { kind: 'acknowledged'; alarmName: string }
  | { kind: 'already'; alarmName: string }
  | { kind: 'nothing-to-acknowledge' }
  | { kind: 'not-an-acknowledgement' }
  /** A reply to a test send: nothing to acknowledge, and it says so. */
  | { kind: 'test-message' }
  /** The tenant canary's test page: acknowledged now, already, too late (recorded), or not an ack word. */
  | { kind: 'canary-acknowledged' }
  | { kind: 'canary-already' }
  | { kind: 'canary-late' }
  | { kind: 'canary-help' }
  /** From an address or chat no contact was ever paged at: no answer at all. */
  | { kind: 'ignored' };

export type ReplyDeps = Omit<AlarmDeps, 'store'> & { store: TenantStore<AlarmStoreRepositories> };

const listNames = (names: readonly string[]) =>
  names.length <= 1 ? (names[0] ?? '') : `${names.slice(0, -1).join(', ')} and ${names.at(-1)}`;

/**
 * Acknowledges every alarm of the message replied to, once each: an alarm already acknowledged (or
 * back to normal) gets no second event, and the answer says so.
 */
export async function acknowledgeAll(
  deps: ReplyDeps,
  input: {
    tenantId: string;
    alarmIds: readonly string[];
    contactId: string | null;
    who: string;
    channel: AlarmEvent['channel'];
    comment: string;
  },
): Promise<InboundOutcome> {
  const done: string[] = [];
  const already: string[] = [];
  for (const alarmId of input.alarmIds) {
    try {
      const result = await acknowledgeAlarmAs(deps, {
        tenantId: input.tenantId,
        alarmId,
        actor: { type: 'contact', ...(input.contactId ? { id: input.contactId } : {}), name: input.who },
        channel: input.channel,
        comment: input.comment,
      });
      (result.changed ? done : already).push(result.alarm.name);
    } catch (error) {
      if (!(error instanceof NotFoundError)) throw error;
    }
  }
  if (done.length > 0) return { kind: 'acknowledged', alarmName: listNames(done) };
  if (already.length > 0) return { kind: 'already', alarmName: listNames(already) };
  return { kind: 'nothing-to-acknowledge' };
}

/** The answer to a text reply (SMS, WhatsApp, Telegram), or null to answer nothing. */
export function replyText(outcome: InboundOutcome): string | null {
  switch (outcome.kind) {
    case 'acknowledged':
      return `Acknowledged: ${outcome.alarmName}. Thank you.`;
    case 'already':
      return `${outcome.alarmName} was already acknowledged or is back to normal. Thank you.`;
    case 'nothing-to-acknowledge':
      return 'There is no alarm to acknowledge for you right now.';
    case 'not-an-acknowledgement':
      return 'To acknowledge the alarm, reply ACK or OK (SIM, SI, ✅ and 👍 work too).';
    case 'test-message':
      return 'That was a test message: there is nothing to acknowledge.';
    case 'canary-acknowledged':
      return 'Canary acknowledged: alarm pages reach you. Thank you.';
    case 'canary-already':
      return 'This canary was already acknowledged. Thank you.';
    case 'canary-late':
      return 'Thank you. This canary was acknowledged after its deadline, so it counts as missed.';
    case 'canary-help':
      return 'This is the Plantwatch canary: reply OK (or ✅) to show that alarm pages reach you.';
    case 'ignored':
      return null;
  }
}

const ignoredReplies = new Map<string, number>();

/**
 * A reply from an address or chat nobody was paged at: logged and counted (`replies_ignored` by
 * channel in the metrics, and per process in ignoredReplyCounts), never answered.
 */
export function recordIgnoredReply(
  metrics: Metrics | undefined,
  tenantId: string,
  channel: string,
  from: string,
): void {
  ignoredReplies.set(channel, (ignoredReplies.get(channel) ?? 0) + 1);
  metrics?.increment('replies_ignored', { channel });
  // the number itself stays out of the log: its last four digits are enough to follow up
  logger.warn('reply from an unknown sender ignored', {
    tenantId,
    channel,
    from: `…${from.slice(-4)}`,
    ignoredSoFar: ignoredReplies.get(channel),
  });
}

/** Replies ignored so far in this process, by channel (for the metrics endpoint). */
export const ignoredReplyCounts = (): Record<string, number> => Object.fromEntries(ignoredReplies);
