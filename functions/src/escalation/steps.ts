// The work behind each Task of the escalation ASL (shared/src/escalation-asl.ts): the same functions
// run as Lambdas on AWS and in process locally. They reach the world only through EscalationWorld
// and the Notifier port, so they are tested with in-memory fakes.
import {
  type Alarm,
  type ChainCursor,
  type CheckOutput,
  type ContactChannel,
  checkInputSchema,
  type EscalationChainInput,
  type EscalationChainState,
  type EscalationPolicy,
  type NotifyOutput,
  notifyInputSchema,
  type PolicySnapshot,
  prepareInputSchema,
  type ReachableChannel,
  type RecordInput,
  recordInputSchema,
} from '@plantwatch/shared';
import type { z } from 'zod';
import { type AlarmPlace, alarmPageText, digestLine, type PageStep } from '../notify/alarm-text.ts';
import type { Notifier } from '../notify/ports.ts';
import type { Clock } from '../platform/clock.ts';
import type { EscalationRun } from './ports.ts';

/** One person to page at a level, with the channels to try in order (the level's filter applied), as resolveLevel gives it. */
export interface EscalationRecipient {
  contactId: string;
  name: string;
  channels: ReachableChannel[];
}

export type AlarmLookup =
  /** The alarm event is not readable yet (its transaction has not committed): worth a retry. */
  | { found: 'event-missing' }
  /** The rule behind the alarm was deleted. */
  | { found: 'alarm-gone' }
  /** The alarm, with where it is and what it watches (the page says so). */
  | { found: 'alarm'; alarm: Alarm; place: AlarmPlace };

/** What the steps read and write, per tenant; the composition root fills it in over the config store. */
export interface EscalationWorld {
  ensureRun(input: EscalationChainInput, startedAt: Date): Promise<EscalationRun>;
  getRun(tenantId: string, executionName: string): Promise<EscalationRun | null>;
  policy(tenantId: string, policyId: string): Promise<EscalationPolicy | null>;
  alarm(tenantId: string, alarmEventId: string, alarmId: string): Promise<AlarmLookup>;
  recipients(
    tenantId: string,
    level: PolicySnapshot['levels'][number],
    at: Date,
  ): Promise<{ recipients: EscalationRecipient[]; unresolved: string[] }>;
  /**
   * Which of these idempotency keys already carried a message (sent, or possibly out) for the alarm:
   * a retried step skips a person who was reached on another channel the first time.
   */
  alreadySent(tenantId: string, alarmId: string, keys: readonly string[]): Promise<Set<string>>;
  recordProgress(
    tenantId: string,
    executionName: string,
    progress: { round: number; level: number; at: Date; reason?: string | null },
  ): Promise<void>;
  end(
    tenantId: string,
    executionName: string,
    outcome: { status: 'stopped' | 'finished' | 'failed'; reason: string | null; at: Date },
  ): Promise<void>;
}

export interface EscalationStepDeps {
  world: EscalationWorld;
  notifier: Notifier;
  clock: Clock;
}

/** A retry cannot fix it (bad input, a deleted policy): the ASL sends it straight to its Catch. */
export class EscalationInputError extends Error {
  override name = 'EscalationInputError';
}
/** The alarm event's transaction has not committed yet; the Task's Retry tries again shortly. */
export class AlarmEventNotVisibleError extends Error {
  override name = 'AlarmEventNotVisibleError';
}
/** Some recipient took no message on any channel; the Task's Retry tries again (sent ones are not resent). */
export class NotificationsUndeliveredError extends Error {
  override name = 'NotificationsUndeliveredError';
}

function parse<T extends z.ZodType>(schema: T, input: unknown, step: string): z.infer<T> {
  const parsed = schema.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new EscalationInputError(
      `${step}: invalid input at ${issue?.path.join('.') || 'root'}: ${issue?.message ?? 'invalid'}`,
    );
  }
  return parsed.data;
}

export function snapshotPolicy(policy: EscalationPolicy): PolicySnapshot {
  return {
    name: policy.name,
    repeat: policy.repeat,
    ...(policy.repeatBackoff ? { repeatBackoff: policy.repeatBackoff } : {}),
    levels: policy.levels.map((level) => ({
      delaySeconds: level.delayMinutes * 60,
      targets: level.targets,
      ...(level.channels ? { channels: level.channels } : {}),
    })),
  };
}

/**
 * A wait of repeat round `round`: with the policy's backoff, factor^round times the level's delay,
 * never past maxDelayMinutes (a delay already longer than that stays as it is).
 */
export function roundWait(policy: PolicySnapshot, seconds: number, round: number): number {
  const backoff = policy.repeatBackoff;
  if (!backoff || round === 0 || seconds === 0) return seconds;
  const grown = Math.round(seconds * backoff.factor ** round);
  return Math.max(seconds, Math.min(grown, backoff.maxDelayMinutes * 60));
}

/**
 * The level after `cursor`. A repeated round starts with the first level after its delay, or after
 * the last level's delay when the first has none, so a repeat never pages twice in the same instant;
 * with a repeat backoff every wait of a later round grows (roundWait).
 */
export function advance(policy: PolicySnapshot, cursor: Pick<ChainCursor, 'round' | 'level'>): ChainCursor {
  const nextLevel = policy.levels[cursor.level + 1];
  if (nextLevel) {
    const waitSeconds = roundWait(policy, nextLevel.delaySeconds, cursor.round);
    return { round: cursor.round, level: cursor.level + 1, waitSeconds, done: false };
  }
  if (cursor.round < policy.repeat) {
    const first = policy.levels[0]?.delaySeconds ?? 0;
    const last = policy.levels.at(-1)?.delaySeconds ?? 0;
    const round = cursor.round + 1;
    return { round, level: 0, waitSeconds: roundWait(policy, first || last, round), done: false };
  }
  return { round: cursor.round, level: cursor.level, waitSeconds: 0, done: true };
}

const secondsLeft = (delaySeconds: number, since: Date, now: Date) =>
  Math.max(0, Math.ceil(delaySeconds - (now.getTime() - since.getTime()) / 1000));

/**
 * Prepare: records the chain (or finds it, when the chain is resumed after a restart), takes a
 * snapshot of the policy and says where to start: the first level, or the one after the last level
 * notified, with what is left of its delay.
 */
export async function prepareStep(deps: EscalationStepDeps, raw: unknown): Promise<EscalationChainState> {
  const input = parse(prepareInputSchema, raw, 'prepare');
  const now = deps.clock.now();
  const run = await deps.world.ensureRun(input, now);
  const policy = await deps.world.policy(input.tenantId, input.policyId);
  if (!policy) throw new EscalationInputError(`escalation policy ${input.policyId} does not exist`);
  const snapshot = snapshotPolicy(policy);
  if (run.status !== 'running') {
    return { ...input, policy: snapshot, cursor: { round: 0, level: 0, waitSeconds: 0, done: true } };
  }
  if (run.level === null || run.lastNotifiedAt === null) {
    const first = snapshot.levels[0]?.delaySeconds ?? 0;
    return {
      ...input,
      policy: snapshot,
      cursor: { round: 0, level: 0, waitSeconds: secondsLeft(first, run.startedAt, now), done: false },
    };
  }
  const next = advance(snapshot, {
    round: run.round,
    level: Math.min(run.level, snapshot.levels.length - 1),
  });
  return {
    ...input,
    policy: snapshot,
    cursor: { ...next, waitSeconds: next.done ? 0 : secondsLeft(next.waitSeconds, run.lastNotifiedAt, now) },
  };
}

/** Why a chain must not page anyone for this alarm any more, or null while it is unacknowledged. */
export function stopReason(alarm: Alarm): string | null {
  if (alarm.state === 'active-acked') return 'acknowledged';
  if (alarm.state === 'normal') return 'back to normal and acknowledged';
  if (alarm.shelved) return 'shelved';
  if (alarm.outOfService) return 'out of service';
  return null;
}

/** Check: is the alarm still unacknowledged, and is the chain still wanted? Says where to go next. */
export async function checkStep(deps: EscalationStepDeps, raw: unknown): Promise<CheckOutput> {
  const state = parse(checkInputSchema, raw, 'check');
  const next = advance(state.policy, state.cursor);
  const run = await deps.world.getRun(state.tenantId, state.executionName);
  if (!run) return { stop: true, reason: 'the escalation record is gone', next };
  if (run.status !== 'running') return { stop: true, reason: run.reason ?? run.status, next };
  const found = await deps.world.alarm(state.tenantId, state.alarmEventId, state.alarmId);
  if (found.found === 'event-missing') {
    throw new AlarmEventNotVisibleError(`alarm event ${state.alarmEventId} is not visible yet`);
  }
  if (found.found === 'alarm-gone') return { stop: true, reason: 'the alarm rule was deleted', next };
  const reason = stopReason(found.alarm);
  return reason ? { stop: true, reason, next } : { stop: false, reason: null, next };
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

/**
 * Notify: pages every recipient of the current level, at this instant's on-call, each on the first of
 * their channels that takes the message (a provider failure falls over to the next channel).
 */
export async function notifyStep(deps: EscalationStepDeps, raw: unknown): Promise<NotifyOutput> {
  const state = parse(notifyInputSchema, raw, 'notify');
  const { cursor, policy } = state;
  const level = policy.levels[cursor.level];
  if (!level) throw new EscalationInputError(`policy has no level ${cursor.level + 1}`);
  const found = await deps.world.alarm(state.tenantId, state.alarmEventId, state.alarmId);
  if (found.found === 'event-missing') {
    throw new AlarmEventNotVisibleError(`alarm event ${state.alarmEventId} is not visible yet`);
  }
  if (found.found === 'alarm-gone') return { recipients: [] };
  const page = { alarm: found.alarm, place: found.place };
  const step: PageStep = {
    level: cursor.level,
    round: cursor.round,
    show: policy.levels.length > 1 || cursor.round > 0,
  };
  const summary = digestLine(page);
  const now = deps.clock.now();
  const { recipients, unresolved } = await deps.world.recipients(state.tenantId, level, now);
  const keyOf = (recipient: EscalationRecipient, index: number) =>
    notificationKey(
      state.executionName,
      cursor,
      recipient.contactId,
      index,
      recipient.channels[index]?.type ?? 'sms',
    );
  // A retry of this step: whoever took a message the first time (on any channel) is not paged again.
  const sent = await deps.world.alreadySent(
    state.tenantId,
    state.alarmId,
    recipients.flatMap((recipient) => recipient.channels.map((_, index) => keyOf(recipient, index))),
  );
  const results = await Promise.all(
    recipients.map(async (recipient) => {
      const errors: string[] = [];
      const earlier = recipient.channels.findIndex((_, index) => sent.has(keyOf(recipient, index)));
      if (earlier >= 0) {
        const channel = recipient.channels[earlier]?.type ?? null;
        return { contactId: recipient.contactId, delivered: true, channel, errors };
      }
      for (const [index, channel] of recipient.channels.entries()) {
        try {
          const message = alarmPageText(page, step, channel.type);
          // a page of another alarm of this site within the contact's flood window is held for its digest
          await deps.notifier.send({
            tenantId: state.tenantId,
            channel: channel.type,
            to: channel.address,
            ...(channel.type === 'email' ? { subject: message.subject } : {}),
            body: message.body,
            alarmId: state.alarmId,
            contactId: recipient.contactId,
            idempotencyKey: keyOf(recipient, index),
            flood: {
              siteId: found.alarm.siteId,
              siteName: found.place.siteName,
              summary,
              name: found.alarm.name,
              fallbacks: recipient.channels.slice(index + 1),
            },
          });
          return { contactId: recipient.contactId, delivered: true, channel: channel.type, errors };
        } catch (error) {
          errors.push(`${channel.type}: ${describeError(error)}`);
        }
      }
      return { contactId: recipient.contactId, delivered: false, channel: null, errors };
    }),
  );
  const undelivered = results.filter((result) => !result.delivered);
  const problems = [
    ...(recipients.length === 0 ? ['nobody to notify'] : []),
    ...(undelivered.length > 0
      ? [`${undelivered.length} of ${recipients.length} recipients not reached`]
      : []),
    ...unresolved,
  ];
  const reason = problems.length > 0 ? `level ${cursor.level + 1}: ${problems.join('; ')}` : null;
  await deps.world.recordProgress(state.tenantId, state.executionName, {
    round: cursor.round,
    level: cursor.level,
    at: now,
    reason,
  });
  // a contact with no channel the level allows cannot be helped by a retry; a provider failure can
  const failed = undelivered.filter((result) => result.errors.length > 0);
  if (failed.length > 0) {
    throw new NotificationsUndeliveredError(
      failed.map((result) => `${result.contactId}: ${result.errors.join('; ')}`).join(' | '),
    );
  }
  return { recipients: results };
}

const errorText = (error: { Error: string; Cause?: string | undefined }) =>
  (error.Cause ? `${error.Error}: ${error.Cause}` : error.Error).slice(0, 2000);

/** Record: the chain's outcome (or a level that could not be delivered) in the escalations table. */
export async function recordStep(deps: EscalationStepDeps, raw: unknown): Promise<{ recorded: boolean }> {
  const input: RecordInput = parse(recordInputSchema, raw, 'record');
  const at = deps.clock.now();
  switch (input.outcome) {
    case 'finished':
      await deps.world.end(input.tenantId, input.executionName, { status: 'finished', reason: null, at });
      break;
    case 'stopped':
      await deps.world.end(input.tenantId, input.executionName, {
        status: 'stopped',
        reason: input.reason,
        at,
      });
      break;
    case 'failed':
      await deps.world.end(input.tenantId, input.executionName, {
        status: 'failed',
        reason: errorText(input.error),
        at,
      });
      break;
    case 'level-failed':
      await deps.world.recordProgress(input.tenantId, input.executionName, {
        round: input.cursor.round,
        level: input.cursor.level,
        at,
        reason: `level ${input.cursor.level + 1} not fully delivered: ${errorText(input.error)}`,
      });
      break;
  }
  return { recorded: true };
}

/** The handlers by task name: the local runner and the Lambda wrappers both dispatch through this. */
export function escalationStepHandlers(deps: EscalationStepDeps) {
  return {
    prepare: (input: unknown) => prepareStep(deps, input),
    check: (input: unknown) => checkStep(deps, input),
    notify: (input: unknown) => notifyStep(deps, input),
    record: (input: unknown) => recordStep(deps, input),
  };
}
