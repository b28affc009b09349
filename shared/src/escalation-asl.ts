// The escalation chain as one Amazon States Language definition: Step Functions runs it on AWS and
// aws-local-stepfunctions runs it in the local runtime, so both page people the same way. The Task
// resources are placeholders that each environment substitutes (Lambda ARNs in CDK, local handlers
// in process); the zod schemas below are the contract between the definition and the task handlers.
import { z } from 'zod';
import { contactChannelTypeSchema } from './contact.ts';
import { escalationTargetSchema } from './escalation.ts';
import { idSchema } from './ids.ts';

/** The four task handlers; each is one Lambda on AWS and one in-process function locally. */
export const escalationTasks = ['prepare', 'check', 'notify', 'record'] as const;
export type EscalationTask = (typeof escalationTasks)[number];

/** `${Name}`, the form of Step Functions' definition substitutions. */
const substitution = (name: string) => `\${${name}}`;

/** What each environment replaces with a real resource (CDK: the Lambda's ARN). */
export const escalationTaskPlaceholders: Readonly<Record<EscalationTask, string>> = {
  prepare: substitution('EscalationPrepareFunctionArn'),
  check: substitution('EscalationCheckFunctionArn'),
  notify: substitution('EscalationNotifyFunctionArn'),
  record: substitution('EscalationRecordFunctionArn'),
};

/** State names the local runtime overrides (tasks by state name, waits in tests). */
export const escalationStateNames = {
  prepare: 'Prepare',
  check: 'CheckAlarm',
  notify: 'NotifyLevel',
  levelFailed: 'RecordLevelFailure',
  finish: 'RecordFinished',
  stopped: 'RecordStopped',
  failed: 'RecordFailure',
  wait: 'WaitForLevel',
  /** People a provider failure left unreached are paged again, with backoff (notify's retry mode). */
  retryWait: 'WaitToRetryUnreached',
  retry: 'RetryUnreached',
  retryFailed: 'RecordRetryFailure',
  stoppedWhileRetrying: 'RecordStoppedWhileRetrying',
} as const;

/** Which task runs in each Task state (the local runtime maps state names to handlers with this). */
export const escalationTaskOfState: Readonly<Record<string, EscalationTask>> = {
  [escalationStateNames.prepare]: 'prepare',
  [escalationStateNames.check]: 'check',
  [escalationStateNames.notify]: 'notify',
  [escalationStateNames.levelFailed]: 'record',
  [escalationStateNames.finish]: 'record',
  [escalationStateNames.stopped]: 'record',
  [escalationStateNames.failed]: 'record',
  [escalationStateNames.retry]: 'notify',
  [escalationStateNames.retryFailed]: 'record',
  [escalationStateNames.stoppedWhileRetrying]: 'record',
};

// --- the data the chain carries ---

/** Step Functions execution names: at most 80 of these characters. */
export const executionNameSchema = z
  .string()
  .regex(/^[A-Za-z0-9_-]{1,80}$/, 'must be 1-80 letters, digits, "-" or "_"');

/** One chain per alarm event: the name makes a redelivered start find the running chain. */
export function escalationExecutionName(alarmEventId: string): string {
  return `alarm-event-${alarmEventId}`;
}

export const escalationChainInputSchema = z.object({
  tenantId: idSchema,
  executionName: executionNameSchema,
  alarmEventId: idSchema,
  alarmId: idSchema,
  policyId: idSchema,
  /** The telemetry batch that raised the alarm (`<gatewayId>:<seq>`): every step's log lines carry it. */
  correlationId: z.string().max(200).optional(),
});
export type EscalationChainInput = z.infer<typeof escalationChainInputSchema>;

/** The policy as it was when the chain started: an edit during an incident does not reshuffle it. */
export const policySnapshotSchema = z.object({
  name: z.string(),
  repeat: z.number().int().min(0),
  /** Exponential spacing of repeat rounds (escalation.ts repeatBackoffSchema); absent: none. */
  repeatBackoff: z.object({ factor: z.number(), maxDelayMinutes: z.number() }).optional(),
  levels: z
    .array(
      z.object({
        delaySeconds: z.number().int().min(0),
        targets: z.array(escalationTargetSchema),
        channels: z.array(contactChannelTypeSchema).optional(),
      }),
    )
    .min(1),
});
export type PolicySnapshot = z.infer<typeof policySnapshotSchema>;

/** Where the chain is: the level about to be notified, in which round, after how long a wait. */
export const chainCursorSchema = z.object({
  round: z.number().int().min(0),
  level: z.number().int().min(0),
  waitSeconds: z.number().int().min(0),
  done: z.boolean(),
});
export type ChainCursor = z.infer<typeof chainCursorSchema>;

export const escalationChainStateSchema = escalationChainInputSchema.extend({
  policy: policySnapshotSchema,
  cursor: chainCursorSchema,
});
export type EscalationChainState = z.infer<typeof escalationChainStateSchema>;

// --- task inputs and outputs ---

export const prepareInputSchema = escalationChainInputSchema;
export const prepareOutputSchema = escalationChainStateSchema;

export const checkInputSchema = escalationChainStateSchema;
export const checkOutputSchema = z.object({
  stop: z.boolean(),
  /** Why the chain stops (acknowledged, back to normal, shelved, stopped by the starter…). */
  reason: z.string().nullable(),
  next: chainCursorSchema,
});
export type CheckOutput = z.infer<typeof checkOutputSchema>;

/**
 * People a provider failure left unreached (every channel failed, at least one worth trying again):
 * the levels they belong to, paged again after `waitSeconds` (backoff), until they are reached, the
 * alarm is acknowledged, or the retry window closes. The chain's next level is never delayed by it:
 * retries run inside the wait before it (and after the last level).
 */
export const unreachedRetrySchema = z.object({
  /** Retries made so far. */
  attempt: z.number().int().min(0),
  waitSeconds: z.number().int().min(1),
  firstFailedAt: z.string(),
  owed: z.array(z.object({ round: z.number().int().min(0), level: z.number().int().min(0) })).min(1),
  /** The level last paged, and when: what the chain's record keeps while it retries. */
  last: chainCursorSchema,
  lastNotifiedAt: z.string(),
  /** When the next level is due (the retries stop short of it); null after the last level. */
  nextDueAt: z.string().nullable(),
});
export type UnreachedRetry = z.infer<typeof unreachedRetrySchema>;

const recipientOutcomeSchema = z.object({
  contactId: z.string(),
  delivered: z.boolean(),
  channel: contactChannelTypeSchema.nullable(),
  errors: z.array(z.string()),
});

/** The chain's state as the notify task sees it: with the last notify's retry plan, if any. */
export const notifyInputSchema = escalationChainStateSchema.extend({
  notified: z.object({ retry: unreachedRetrySchema.nullable().optional() }).optional(),
});
/** The notify task in retry mode (state RetryUnreached): only the unreached people are paged. */
export const retryUnreachedInputSchema = z.object({
  mode: z.literal('retry-unreached'),
  state: notifyInputSchema,
});
export const notifyOutputSchema = z.object({
  /** One entry per recipient: the channel that took the message, or every channel's failure. */
  recipients: z.array(recipientOutcomeSchema),
  /** Someone is still unreached: page them again after `retry.waitSeconds`. */
  retry: unreachedRetrySchema.nullable().optional(),
  /** Retry mode: the cursor with what is left of the wait for the next level. */
  cursor: chainCursorSchema.optional(),
  /** Retry mode: the chain is not wanted any more (acknowledged, rule deleted…), and why. */
  stop: z.boolean().optional(),
  stopReason: z.string().nullable().optional(),
});
export type NotifyOutput = z.infer<typeof notifyOutputSchema>;

/** A Catch's ResultPath: Step Functions' own error shape. */
export const stepErrorSchema = z.object({ Error: z.string(), Cause: z.string().optional() });

export const recordInputSchema = z.discriminatedUnion('outcome', [
  z.object({ outcome: z.literal('finished'), tenantId: idSchema, executionName: executionNameSchema }),
  z.object({
    outcome: z.literal('stopped'),
    tenantId: idSchema,
    executionName: executionNameSchema,
    reason: z.string().nullable(),
  }),
  z.object({
    outcome: z.literal('failed'),
    tenantId: idSchema,
    executionName: executionNameSchema,
    error: stepErrorSchema,
  }),
  z.object({
    outcome: z.literal('level-failed'),
    tenantId: idSchema,
    executionName: executionNameSchema,
    cursor: chainCursorSchema,
    error: stepErrorSchema,
  }),
]);
export type RecordInput = z.infer<typeof recordInputSchema>;
export const recordOutputSchema = z.object({ recorded: z.boolean() });

// --- the definition ---

/** Errors a retry cannot fix (bad input, a deleted policy): they go straight to the Catch. */
export const NON_RETRYABLE_ESCALATION_ERRORS = ['EscalationInputError'] as const;

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type AslState = { [key: string]: Json };
export interface EscalationStateMachineDefinition {
  Comment: string;
  StartAt: string;
  States: Record<string, AslState>;
}

function task(
  resource: string,
  options: {
    next: string;
    timeoutSeconds: number;
    parameters?: { [key: string]: Json };
    resultPath?: string | null;
    catchNext?: string;
    catchResultPath?: string;
  },
): AslState {
  const state: AslState = {
    Type: 'Task',
    Resource: resource,
    TimeoutSeconds: options.timeoutSeconds,
    Retry: [
      { ErrorEquals: [...NON_RETRYABLE_ESCALATION_ERRORS], MaxAttempts: 0 },
      {
        ErrorEquals: ['States.ALL'],
        IntervalSeconds: 1,
        BackoffRate: 2,
        MaxAttempts: 4,
        MaxDelaySeconds: 20,
        JitterStrategy: 'FULL',
      },
    ],
    Next: options.next,
  };
  if (options.parameters) state.Parameters = options.parameters;
  if (options.resultPath !== undefined) state.ResultPath = options.resultPath;
  if (options.catchNext) {
    state.Catch = [
      {
        ErrorEquals: ['States.ALL'],
        ResultPath: options.catchResultPath ?? '$.error',
        Next: options.catchNext,
      },
    ];
  }
  return state;
}

const recordParameters = (outcome: RecordInput['outcome'], extra: { [key: string]: Json } = {}) => ({
  outcome,
  'tenantId.$': '$.tenantId',
  'executionName.$': '$.executionName',
  ...extra,
});

/**
 * Per level: (wait its delay) → check the alarm is still unacknowledged → notify each recipient →
 * advance; after the last level the chain runs again `repeat` times. Every Task has a timeout,
 * retries with backoff and a Catch that records the failure in the escalations table, so a chain
 * never dies silently. People a provider failure left unreached are paged again with backoff
 * (RetryUnreached) inside the wait before the next level and after the last one, until reached,
 * acknowledged or the retry window closes; the next level is never delayed by it. A level whose
 * notify task itself fails after every retry is recorded and the chain moves on.
 */
export function escalationStateMachineDefinition(
  resources: Readonly<Record<EscalationTask, string>> = escalationTaskPlaceholders,
): EscalationStateMachineDefinition {
  const s = escalationStateNames;
  return {
    Comment:
      'Plantwatch escalation chain: page each level until the alarm is acknowledged, repeating the chain as the policy says',
    StartAt: s.prepare,
    States: {
      [s.prepare]: task(resources.prepare, {
        next: 'ChainDone?',
        timeoutSeconds: 30,
        catchNext: s.failed,
      }),
      'ChainDone?': {
        Type: 'Choice',
        Choices: [{ Variable: '$.cursor.done', BooleanEquals: true, Next: 'UnreachedLeft?' }],
        Default: 'NeedsWait?',
      },
      // after the last level, people still unreached are paged again until the retry window closes
      'UnreachedLeft?': {
        Type: 'Choice',
        Choices: [{ Variable: '$.notified.retry.waitSeconds', IsPresent: true, Next: s.retryWait }],
        Default: s.finish,
      },
      'NeedsWait?': {
        Type: 'Choice',
        Choices: [{ Variable: '$.cursor.waitSeconds', NumericGreaterThan: 0, Next: 'RetryBeforeLevel?' }],
        Default: s.check,
      },
      // a retry that falls due before the next level goes first; the next level is never delayed by it
      'RetryBeforeLevel?': {
        Type: 'Choice',
        Choices: [
          {
            And: [
              { Variable: '$.notified.retry.waitSeconds', IsPresent: true },
              { Variable: '$.notified.retry.waitSeconds', NumericLessThanPath: '$.cursor.waitSeconds' },
            ],
            Next: s.retryWait,
          },
        ],
        Default: s.wait,
      },
      [s.wait]: { Type: 'Wait', SecondsPath: '$.cursor.waitSeconds', Next: s.check },
      [s.retryWait]: { Type: 'Wait', SecondsPath: '$.notified.retry.waitSeconds', Next: s.retry },
      [s.retry]: task(resources.notify, {
        next: 'RetryStopped?',
        timeoutSeconds: 120,
        parameters: { mode: 'retry-unreached', 'state.$': '$' },
        resultPath: '$.notified',
        catchNext: s.retryFailed,
        catchResultPath: '$.notifyError',
      }),
      'RetryStopped?': {
        Type: 'Choice',
        Choices: [{ Variable: '$.notified.stop', BooleanEquals: true, Next: s.stoppedWhileRetrying }],
        Default: 'AfterRetry',
      },
      AfterRetry: {
        Type: 'Pass',
        InputPath: '$.notified.cursor',
        ResultPath: '$.cursor',
        Next: 'ChainDone?',
      },
      [s.retryFailed]: task(resources.record, {
        next: 'ForgetUnreached',
        timeoutSeconds: 30,
        parameters: recordParameters('level-failed', {
          'cursor.$': '$.notified.retry.last',
          'error.$': '$.notifyError',
        }),
        resultPath: null,
        catchNext: s.failed,
      }),
      ForgetUnreached: {
        Type: 'Pass',
        Result: { recipients: [], retry: null },
        ResultPath: '$.notified',
        Next: 'ChainDone?',
      },
      [s.stoppedWhileRetrying]: task(resources.record, {
        next: 'Stopped',
        timeoutSeconds: 30,
        parameters: recordParameters('stopped', { 'reason.$': '$.notified.stopReason' }),
        resultPath: null,
        catchNext: s.failed,
      }),
      [s.check]: task(resources.check, {
        next: 'StillUnacknowledged?',
        timeoutSeconds: 30,
        resultPath: '$.check',
        catchNext: s.failed,
      }),
      'StillUnacknowledged?': {
        Type: 'Choice',
        Choices: [{ Variable: '$.check.stop', BooleanEquals: true, Next: s.stopped }],
        Default: s.notify,
      },
      [s.notify]: task(resources.notify, {
        next: 'Advance',
        // several recipients, each possibly falling over through several providers
        timeoutSeconds: 120,
        resultPath: '$.notified',
        catchNext: s.levelFailed,
        catchResultPath: '$.notifyError',
      }),
      [s.levelFailed]: task(resources.record, {
        next: 'ClearNotified',
        timeoutSeconds: 30,
        parameters: recordParameters('level-failed', { 'cursor.$': '$.cursor', 'error.$': '$.notifyError' }),
        resultPath: null,
        catchNext: s.failed,
      }),
      // the level could not be paged at all: its record says so, and no earlier retry plan lingers
      ClearNotified: {
        Type: 'Pass',
        Result: { recipients: [], retry: null },
        ResultPath: '$.notified',
        Next: 'Advance',
      },
      Advance: { Type: 'Pass', InputPath: '$.check.next', ResultPath: '$.cursor', Next: 'ChainDone?' },
      [s.finish]: task(resources.record, {
        next: 'Finished',
        timeoutSeconds: 30,
        parameters: recordParameters('finished'),
        resultPath: null,
        catchNext: s.failed,
      }),
      Finished: { Type: 'Succeed' },
      [s.stopped]: task(resources.record, {
        next: 'Stopped',
        timeoutSeconds: 30,
        parameters: recordParameters('stopped', { 'reason.$': '$.check.reason' }),
        resultPath: null,
        catchNext: s.failed,
      }),
      Stopped: { Type: 'Succeed' },
      [s.failed]: task(resources.record, {
        next: 'Failed',
        timeoutSeconds: 30,
        parameters: recordParameters('failed', { 'error.$': '$.error' }),
        resultPath: null,
        catchNext: 'Failed',
      }),
      Failed: { Type: 'Fail', Error: 'EscalationFailed', Cause: 'see the escalations table for the error' },
    },
  };
}

/** The definition as JSON with the placeholders replaced (CDK's DefinitionBody.fromString). */
export function escalationDefinitionJson(resources: Readonly<Record<EscalationTask, string>>): string {
  return JSON.stringify(escalationStateMachineDefinition(resources));
}
