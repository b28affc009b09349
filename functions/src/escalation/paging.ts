// Paging one level of a chain, and paging again whoever a provider failure left unreached (the notify
// task's retry mode): each person on the first of their channels that takes the message, never twice
// for one level, again with backoff until reached, acknowledged or the retry window closes.
import {
  type Alarm,
  type ChainCursor,
  type ContactChannel,
  type NotifyOutput,
  type notifyInputSchema,
  retryUnreachedInputSchema,
  type UnreachedRetry,
} from '@plantwatch/shared';
import type { z } from 'zod';
import { type AlarmPlace, alarmPageText, digestLine, type PageStep } from '../notify/alarm-text.ts';
import { traced } from '../platform/tracing.ts';
import {
  AlarmEventNotVisibleError,
  type EscalationRecipient,
  type EscalationStepDeps,
  parse,
} from './step-ports.ts';

/** Why a chain must not page anyone for this alarm any more, or null while it is unacknowledged. */
export function stopReason(alarm: Alarm): string | null {
  if (alarm.state === 'active-acked') return 'acknowledged';
  if (alarm.state === 'normal') return 'back to normal and acknowledged';
  if (alarm.shelved) return 'shelved';
  if (alarm.outOfService) return 'out of service';
  return null;
}

/** The idempotency key of one message: a retried task or a resumed chain never sends it twice. */
export function notificationKey(
  executionName: string,
  cursor: Pick<ChainCursor, 'round' | 'level'>,
  contactId: string,
  channelIndex: number,
  channel: ContactChannel['type'],
): string {
  return `${executionName}:r${cursor.round}:l${cursor.level}:${contactId}:${channelIndex}-${channel}`;
}

const describeError = (error: unknown) => (error instanceof Error ? error.message : String(error));

/** A refusal that trying again cannot help (a bad number, a mailbox that does not exist). */
const isFinal = (error: unknown) =>
  typeof error === 'object' && error !== null && 'retryable' in error && error.retryable === false;

/** Unreached people are paged again after 5 s, doubling up to 30 s: back within 30 s of the provider. */
export const UNREACHED_RETRY_BASE_SECONDS = 5;
export const UNREACHED_RETRY_MAX_SECONDS = 30;
/** How long after the first failure the chain keeps trying, and how many retries at most. */
export const UNREACHED_RETRY_WINDOW_SECONDS = 3600;
export const UNREACHED_RETRY_MAX_ATTEMPTS = 150;

export const unreachedRetryWait = (attempt: number) =>
  Math.min(UNREACHED_RETRY_BASE_SECONDS * 2 ** attempt, UNREACHED_RETRY_MAX_SECONDS);

type RecipientOutcome = NotifyOutput['recipients'][number];
export type LevelRef = UnreachedRetry['owed'][number];

export interface LevelPaged {
  ref: LevelRef;
  results: (RecipientOutcome & { retryable: boolean })[];
  unresolved: string[];
  /** Someone every channel failed for, at least one failure worth trying again. */
  owed: boolean;
}

export interface Paging {
  deps: EscalationStepDeps;
  state: z.infer<typeof notifyInputSchema>;
  page: { alarm: Alarm; place: AlarmPlace };
  summary: string;
  now: Date;
}

/**
 * Pages one level's recipients (whoever is on call now), each on the first of their channels that
 * takes the message; a person who already took one for this level (an earlier attempt) is skipped,
 * so a retry never pages anyone twice. The first page of a chain (round 0, level 0) is timed from
 * the alarm's raise.
 */
export async function pageLevel(paging: Paging, ref: LevelRef): Promise<LevelPaged> {
  const { deps, state, page, now } = paging;
  const level = state.policy.levels[ref.level];
  if (!level) return { ref, results: [], unresolved: [`policy has no level ${ref.level + 1}`], owed: false };
  const step: PageStep = {
    level: ref.level,
    round: ref.round,
    show: state.policy.levels.length > 1 || ref.round > 0,
  };
  // people limited to areas or sites the alarm is not in are skipped, and the chain says so (ADR 0042)
  const { recipients, unresolved } = await deps.world.recipients(state.tenantId, level, now, page.alarm);
  const keyOf = (recipient: EscalationRecipient, index: number) =>
    notificationKey(
      state.executionName,
      ref,
      recipient.contactId,
      index,
      recipient.channels[index]?.type ?? 'sms',
    );
  // A retry of this level: whoever took a message the first time (on any channel) is not paged again.
  const sent = await deps.world.alreadySent(
    state.tenantId,
    state.alarmId,
    recipients.flatMap((recipient) => recipient.channels.map((_, index) => keyOf(recipient, index))),
  );
  let wentOut = false;
  const results = await Promise.all(
    recipients.map(async (recipient) => {
      const errors: string[] = [];
      const earlier = recipient.channels.findIndex((_, index) => sent.has(keyOf(recipient, index)));
      if (earlier >= 0) {
        const channel = recipient.channels[earlier]?.type ?? null;
        return { contactId: recipient.contactId, delivered: true, channel, errors, retryable: false };
      }
      let retryable = false;
      for (const [index, channel] of recipient.channels.entries()) {
        try {
          const message = alarmPageText(page, step, channel.type, recipient.language);
          // a page of another alarm of this site within the contact's flood window is held for its digest
          const receipt = await traced('page send', { tenantId: state.tenantId, channel: channel.type }, () =>
            deps.notifier.send({
              tenantId: state.tenantId,
              channel: channel.type,
              to: channel.address,
              ...(channel.type === 'email' ? { subject: message.subject } : {}),
              body: message.body,
              alarmId: state.alarmId,
              contactId: recipient.contactId,
              idempotencyKey: keyOf(recipient, index),
              flood: {
                siteId: page.alarm.siteId,
                siteName: page.place.siteName,
                // the digest's line for this alarm, in this person's language
                summary: recipient.language ? digestLine(page, recipient.language) : paging.summary,
                name: page.alarm.name,
                fallbacks: recipient.channels.slice(index + 1),
              },
            }),
          );
          if (!receipt.duplicate && receipt.status !== 'held') wentOut = true;
          return {
            contactId: recipient.contactId,
            delivered: true,
            channel: channel.type,
            errors,
            retryable,
          };
        } catch (error) {
          errors.push(`${channel.type}: ${describeError(error)}`);
          if (!isFinal(error)) retryable = true;
        }
      }
      return { contactId: recipient.contactId, delivered: false, channel: null, errors, retryable };
    }),
  );
  const firstOfChain = ref.round === 0 && ref.level === 0 && sent.size === 0;
  if (firstOfChain && wentOut && page.alarm.activeSince) {
    const seconds = (deps.clock.now().getTime() - Date.parse(page.alarm.activeSince)) / 1000;
    deps.metrics?.observe('raise_to_first_page_seconds', Math.max(0, seconds));
  }
  const owed = results.some((result) => !result.delivered && result.retryable);
  return { ref, results, unresolved, owed };
}

/** What went wrong at a level, in words for the chain's record; null when everyone was reached. */
export function problemsOf(paged: LevelPaged): string | null {
  const undelivered = paged.results.filter((result) => !result.delivered);
  const problems = [
    ...(paged.results.length === 0 ? ['nobody to notify'] : []),
    ...(undelivered.length > 0
      ? [
          `${undelivered.length} of ${paged.results.length} recipients not reached (${undelivered
            .map((result) => `${result.contactId}: ${result.errors.join('; ') || 'no channel'}`)
            .join(' | ')
            .slice(0, 600)})`,
        ]
      : []),
    ...paged.unresolved,
  ];
  return problems.length > 0 ? `level ${paged.ref.level + 1}: ${problems.join('; ')}` : null;
}

export const sameLevel = (a: LevelRef, b: LevelRef) => a.round === b.round && a.level === b.level;

/** The retry plan after a pass: null when nobody is owed, or when the window or the attempts ran out. */
export function nextPlan(
  owed: LevelRef[],
  base: Omit<UnreachedRetry, 'owed' | 'waitSeconds'>,
  now: Date,
): { retry: UnreachedRetry | null; gaveUp: boolean } {
  if (owed.length === 0) return { retry: null, gaveUp: false };
  const elapsed = (now.getTime() - Date.parse(base.firstFailedAt)) / 1000;
  if (elapsed >= UNREACHED_RETRY_WINDOW_SECONDS || base.attempt >= UNREACHED_RETRY_MAX_ATTEMPTS) {
    return { retry: null, gaveUp: true };
  }
  return { retry: { ...base, owed, waitSeconds: unreachedRetryWait(base.attempt) }, gaveUp: false };
}

export const describeRetry = (plan: { retry: UnreachedRetry | null; gaveUp: boolean }, attempts: number) =>
  plan.gaveUp
    ? `; gave up after ${attempts} retries over ${UNREACHED_RETRY_WINDOW_SECONDS / 60} min`
    : plan.retry
      ? `; paged again in ${plan.retry.waitSeconds} s (retry ${plan.retry.attempt + 1})`
      : '';

export const outcome = ({
  retryable: _retryable,
  ...result
}: LevelPaged['results'][number]): RecipientOutcome => result;

/**
 * Retry mode: pages again the people a provider failure left unreached (the plan's levels), unless
 * the chain is not wanted any more. Says what is left of the wait for the next level, so the retries
 * never delay it.
 */
export async function retryUnreachedStep(deps: EscalationStepDeps, raw: unknown): Promise<NotifyOutput> {
  const { state } = parse(retryUnreachedInputSchema, raw, 'retry');
  const plan = state.notified?.retry ?? null;
  const now = deps.clock.now();
  const cursor =
    state.cursor.done || !plan?.nextDueAt
      ? state.cursor
      : {
          ...state.cursor,
          waitSeconds: Math.max(0, Math.ceil((Date.parse(plan.nextDueAt) - now.getTime()) / 1000)),
        };
  const stop = (reason: string) => ({ recipients: [], retry: null, cursor, stop: true, stopReason: reason });
  if (!plan) return { recipients: [], retry: null, cursor, stop: false, stopReason: null };
  const run = await deps.world.getRun(state.tenantId, state.executionName);
  if (!run) return stop('the escalation record is gone');
  if (run.status !== 'running') return stop(run.reason ?? run.status);
  const found = await deps.world.alarm(state.tenantId, state.alarmEventId, state.alarmId);
  if (found.found === 'event-missing') {
    throw new AlarmEventNotVisibleError(`alarm event ${state.alarmEventId} is not visible yet`);
  }
  if (found.found === 'alarm-gone') return stop('the alarm rule was deleted');
  const reason = stopReason(found.alarm);
  if (reason) return stop(reason);
  const paging: Paging = {
    deps,
    state,
    page: { alarm: found.alarm, place: found.place },
    summary: digestLine({ alarm: found.alarm, place: found.place }),
    now,
  };
  const passes = [];
  for (const ref of plan.owed) passes.push(await pageLevel(paging, ref));
  const attempt = plan.attempt + 1;
  const next = nextPlan(
    passes.filter((paged) => paged.owed).map((paged) => paged.ref),
    { ...plan, attempt },
    now,
  );
  const problems = passes.map(problemsOf).filter((text) => text !== null);
  await deps.world.recordProgress(state.tenantId, state.executionName, {
    round: plan.last.round,
    level: plan.last.level,
    at: new Date(plan.lastNotifiedAt),
    reason:
      problems.length > 0
        ? `${problems.join(' | ')}${describeRetry(next, attempt)}`
        : `reached on retry ${attempt}: every unreached person has the page now`,
  });
  return {
    recipients: passes.flatMap((paged) => paged.results).map(outcome),
    retry: next.retry,
    cursor,
    stop: false,
    stopReason: null,
  };
}
