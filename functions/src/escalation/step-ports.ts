// What the escalation chain's steps run on (the world they read and write, the notifier, the clock)
// and the errors they throw, apart from the steps themselves so that steps.ts and paging.ts share them.
import type {
  Alarm,
  EscalationChainInput,
  EscalationPolicy,
  Language,
  PolicySnapshot,
  ReachableChannel,
} from '@plantwatch/shared';
import type { z } from 'zod';
import type { AlarmPlace } from '../notify/alarm-text.ts';
import type { Notifier } from '../notify/ports.ts';
import type { Clock } from '../platform/clock.ts';
import type { Metrics } from '../platform/metrics.ts';
import type { EscalationRun } from './ports.ts';

/** One person to page at a level, with the channels to try in order (the level's filter applied), as resolveLevel gives it. */
export interface EscalationRecipient {
  contactId: string;
  name: string;
  channels: ReachableChannel[];
  /** The language the contact's pages go out in; English when absent. */
  language?: Language | undefined;
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
  /**
   * With the alarm, a contact linked to a user who does not see it (limited to other areas or sites,
   * ADR 0042) is not paged: it is among `unresolved`, saying why.
   */
  recipients(
    tenantId: string,
    level: PolicySnapshot['levels'][number],
    at: Date,
    alarm?: Pick<Alarm, 'ruleId' | 'siteId'>,
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
  /** Times each chain's first page from the alarm's raise (raise_to_first_page_seconds). */
  metrics?: Metrics | undefined;
}

/** A retry cannot fix it (bad input, a deleted policy): the ASL sends it straight to its Catch. */
export class EscalationInputError extends Error {
  override name = 'EscalationInputError';
}
/** The alarm event's transaction has not committed yet; the Task's Retry tries again shortly. */
export class AlarmEventNotVisibleError extends Error {
  override name = 'AlarmEventNotVisibleError';
}

export function parse<T extends z.ZodType>(schema: T, input: unknown, step: string): z.infer<T> {
  const parsed = schema.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new EscalationInputError(
      `${step}: invalid input at ${issue?.path.join('.') || 'root'}: ${issue?.message ?? 'invalid'}`,
    );
  }
  return parsed.data;
}
