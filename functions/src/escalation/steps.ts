// The work behind each Task of the escalation ASL (shared/src/escalation-asl.ts): the same functions
// run as Lambdas on AWS and in process locally. They reach the world only through EscalationWorld
// and the Notifier port, so they are tested with in-memory fakes. Paging a level, and paging again
// who was not reached, is in paging.ts.
import {
  type ChainCursor,
  type CheckOutput,
  checkInputSchema,
  type EscalationChainState,
  type EscalationPolicy,
  type NotifyOutput,
  notifyInputSchema,
  type PolicySnapshot,
  prepareInputSchema,
  type RecordInput,
  recordInputSchema,
} from '@plantwatch/shared';
import { digestLine } from '../notify/alarm-text.ts';
import { withCorrelationId } from '../platform/correlation.ts';
import { traced } from '../platform/tracing.ts';
import {
  describeRetry,
  nextPlan,
  outcome,
  type Paging,
  pageLevel,
  problemsOf,
  retryUnreachedStep,
  sameLevel,
  stopReason,
} from './paging.ts';
import {
  AlarmEventNotVisibleError,
  EscalationInputError,
  type EscalationStepDeps,
  parse,
} from './step-ports.ts';

export {
  notificationKey,
  stopReason,
  UNREACHED_RETRY_BASE_SECONDS,
  UNREACHED_RETRY_MAX_ATTEMPTS,
  UNREACHED_RETRY_MAX_SECONDS,
  UNREACHED_RETRY_WINDOW_SECONDS,
  unreachedRetryWait,
} from './paging.ts';
export {
  AlarmEventNotVisibleError,
  type AlarmLookup,
  EscalationInputError,
  type EscalationRecipient,
  type EscalationStepDeps,
  type EscalationWorld,
} from './step-ports.ts';

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

/**
 * Notify: pages every recipient of the current level, at this instant's on-call, each on the first of
 * their channels that takes the message (a provider failure falls over to the next channel). People
 * every channel failed for are owed: they are paged again first by the next notify and by the retry
 * mode (RetryUnreached) with backoff, so they get the page as soon as the provider is back.
 */
export async function notifyStep(deps: EscalationStepDeps, raw: unknown): Promise<NotifyOutput> {
  if (typeof raw === 'object' && raw !== null && 'mode' in raw) return retryUnreachedStep(deps, raw);
  const state = parse(notifyInputSchema, raw, 'notify');
  const { cursor, policy } = state;
  if (!policy.levels[cursor.level]) throw new EscalationInputError(`policy has no level ${cursor.level + 1}`);
  const found = await deps.world.alarm(state.tenantId, state.alarmEventId, state.alarmId);
  if (found.found === 'event-missing') {
    throw new AlarmEventNotVisibleError(`alarm event ${state.alarmEventId} is not visible yet`);
  }
  if (found.found === 'alarm-gone') return { recipients: [], retry: null };
  const now = deps.clock.now();
  const paging: Paging = {
    deps,
    state,
    page: { alarm: found.alarm, place: found.place },
    summary: digestLine({ alarm: found.alarm, place: found.place }),
    now,
  };
  const previous = state.notified?.retry ?? null;
  // earlier levels' unreached people first: the provider may be back
  const earlier = [];
  for (const ref of previous?.owed ?? []) {
    if (!sameLevel(ref, cursor)) earlier.push(await pageLevel(paging, ref));
  }
  const current = await pageLevel(paging, cursor);
  const owed = [...earlier, current].filter((paged) => paged.owed).map((paged) => paged.ref);
  const next = advance(policy, cursor);
  const plan = nextPlan(
    owed,
    {
      attempt: previous?.attempt ?? 0,
      firstFailedAt: previous?.firstFailedAt ?? now.toISOString(),
      last: { round: cursor.round, level: cursor.level, waitSeconds: 0, done: false },
      lastNotifiedAt: now.toISOString(),
      nextDueAt: next.done ? null : new Date(now.getTime() + next.waitSeconds * 1000).toISOString(),
    },
    now,
  );
  const problems = [current, ...earlier].map(problemsOf).filter((text) => text !== null);
  await deps.world.recordProgress(state.tenantId, state.executionName, {
    round: cursor.round,
    level: cursor.level,
    at: now,
    reason:
      problems.length > 0 ? `${problems.join(' | ')}${describeRetry(plan, previous?.attempt ?? 0)}` : null,
  });
  return {
    recipients: [...current.results, ...earlier.flatMap((paged) => paged.results)].map(outcome),
    ...plan,
  };
}

const errorText = (error: { Error: string; Cause?: string | undefined }) =>
  (error.Cause ? `${error.Error}: ${error.Cause}` : error.Error).slice(0, 2000);

/** Record: the chain's outcome (or a level that could not be delivered) in the escalations table. */
export async function recordStep(deps: EscalationStepDeps, raw: unknown): Promise<{ recorded: boolean }> {
  const input: RecordInput = parse(recordInputSchema, raw, 'record');
  const at = deps.clock.now();
  switch (input.outcome) {
    case 'finished': {
      // the last problem recorded (someone never reached, a level nobody could take) stays visible
      const run = await deps.world.getRun(input.tenantId, input.executionName);
      await deps.world.end(input.tenantId, input.executionName, {
        status: 'finished',
        reason: run?.reason ?? null,
        at,
      });
      break;
    }
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

/**
 * A step in the correlation context of the batch that raised the alarm, when the chain carries one,
 * and in a span (X-Ray on AWS) annotated with the tenant, the chain and that id.
 */
function correlated<T>(task: string, input: unknown, step: () => Promise<T>): Promise<T> {
  const fields = typeof input === 'object' && input !== null ? (input as Record<string, unknown>) : {};
  const text = (value: unknown) => (typeof value === 'string' ? value : undefined);
  const span = () =>
    traced(
      `escalation ${task}`,
      { tenantId: text(fields.tenantId), executionName: text(fields.executionName) },
      step,
    );
  const id = text(fields.correlationId);
  return id ? withCorrelationId(id, span) : span();
}

/** The handlers by task name: the local runner and the Lambda wrappers both dispatch through this. */
export function escalationStepHandlers(deps: EscalationStepDeps) {
  return {
    prepare: (input: unknown) => correlated('prepare', input, () => prepareStep(deps, input)),
    check: (input: unknown) => correlated('check', input, () => checkStep(deps, input)),
    notify: (input: unknown) => correlated('notify', input, () => notifyStep(deps, input)),
    record: (input: unknown) => correlated('record', input, () => recordStep(deps, input)),
  };
}
