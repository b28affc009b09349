// The alarm engine's persisted state for one rule: plain JSON, so a restart or a second instance continues.
import {
  type AlarmEvent,
  type AlarmRule,
  alarmStateSchema,
  type LimitLevel,
  limitLevelSchema,
  qualitySchema,
  type TelemetryValue,
  telemetryValueSchema,
} from '@plantwatch/shared';
import { z } from 'zod';

const epochMs = z.number().int();

/** A limit stack keeps one alarm per level (HiHi and Hi are separate alarms); other kinds have one. */
export const alarmKeySchema = z.union([limitLevelSchema, z.literal('alarm')]);
export type AlarmKey = z.infer<typeof alarmKeySchema>;

export const alarmInstanceStateSchema = z.strictObject({
  state: alarmStateSchema,
  /** Whether the process is in the alarm condition now, delays aside: the truth under shelving. */
  condition: z.boolean(),
  /** When `condition` last changed, by the data's timestamps; on- and off-delays count from here. */
  conditionSince: epochMs.nullable(),
  activeSince: epochMs.nullable(),
  /** The latest value seen, carried on the next transition. */
  value: telemetryValueSchema.nullable(),
  /** Set while shelved; the shelving ends by itself at this time. */
  shelvedUntil: epochMs.nullable(),
  outOfService: z.boolean(),
  /** Set while the device's gateway is offline (comm-loss alarms only). */
  suppressed: z.boolean(),
});
export type AlarmInstanceState = z.infer<typeof alarmInstanceStateSchema>;

export const windowStateSchema = z.strictObject({
  /**
   * Totalizer: [bucket index, amount] pairs, oldest first; bucket i covers [i × b, (i + 1) × b) with
   * b = window / WINDOW_BUCKETS, and leaves the window once its end is a whole window old.
   */
  buckets: z.array(z.tuple([z.number().int(), z.number()])),
  /** The bucket length the indexes were made with: a rule whose window is edited re-buckets them. */
  bucketMs: z.number().int().positive().optional(),
  /** Counter: the times of the latest transitions into the counted state (at most threshold + 1). */
  events: z.array(epochMs),
  /** Totalizer: the last good sample, which the next one's increase (or rate × time) is measured from. */
  anchor: z.strictObject({ ts: epochMs, value: z.number() }).nullable(),
});
export type WindowState = z.infer<typeof windowStateSchema>;

export const alarmRuleStateSchema = z.strictObject({
  ruleId: z.string(),
  /** Samples at or before this time were already evaluated: a redelivered batch changes nothing. */
  lastSampleTs: epochMs.nullable(),
  /** The last sample of usable quality, for transitions (digital) and rate of change. */
  previousSample: z
    .strictObject({ ts: epochMs, value: telemetryValueSchema, quality: qualitySchema })
    .nullable(),
  /** The newest data timestamp from the watched device or gateway (comm-loss rules). */
  lastDataTs: epochMs.nullable(),
  /** The gateway's status topic said offline (gateway-scope comm-loss rules). */
  gatewayOffline: z.boolean(),
  /**
   * While the gateway's buffer drops points (gateway-scope comm-loss rules): the alarm condition holds
   * until this time, five minutes after the last drop its status reported. Data keeps arriving
   * meanwhile, so samples do not end it; time does.
   */
  dropUntil: epochMs.nullable().default(null),
  /** When the newest status applied arrived: a redelivered older one changes nothing. */
  statusTs: epochMs.nullable().default(null),
  /** The time of the rule's latest transition: no catch-up transition is dated before it. */
  lastTransitionTs: epochMs.nullable().default(null),
  /**
   * Totalizer and counter rules (ADR 0045): what their sliding window holds, kept with the alarm
   * state so a restart or a second instance goes on with the same window.
   */
  window: windowStateSchema.nullable().default(null),
  /**
   * Operating-curve rules (ADR 0048): the latest sample of the X tag, held until the next (gateways
   * report by exception); value null after a bad or non-numeric X, which leaves Y unjudged.
   */
  curveX: z.strictObject({ ts: epochMs, value: z.number().nullable() }).nullable().default(null),
  alarms: z.partialRecord(alarmKeySchema, alarmInstanceStateSchema),
});
export type AlarmRuleState = z.infer<typeof alarmRuleStateSchema>;

export type AlarmActor = AlarmEvent['by'];
export type AlarmChannel = AlarmEvent['channel'];

/**
 * One transition of one alarm. The caller turns it into an AlarmEvent by adding ids, tenant and site
 * (the engine makes no ids and reads no clock); `at` is epoch ms.
 */
export interface AlarmTransition {
  ruleId: string;
  key: AlarmKey;
  /** The limit-stack level; null for other kinds. */
  level: LimitLevel | null;
  kind: AlarmEvent['kind'];
  from: AlarmEvent['from'];
  to: AlarmEvent['to'];
  at: number;
  by: AlarmActor;
  channel: AlarmChannel;
  value?: TelemetryValue;
  comment?: string;
}

export interface AlarmEngineResult {
  state: AlarmRuleState;
  transitions: AlarmTransition[];
}

export function alarmKeys(rule: AlarmRule): AlarmKey[] {
  return rule.kind === 'limit' ? rule.levels.map((entry) => entry.level) : ['alarm'];
}

export function normalAlarmInstance(): AlarmInstanceState {
  return {
    state: 'normal',
    condition: false,
    conditionSince: null,
    activeSince: null,
    value: null,
    shelvedUntil: null,
    outOfService: false,
    suppressed: false,
  };
}

export function initialAlarmRuleState(rule: AlarmRule): AlarmRuleState {
  return {
    ruleId: rule.id,
    lastSampleTs: null,
    previousSample: null,
    lastDataTs: null,
    gatewayOffline: false,
    dropUntil: null,
    statusTs: null,
    lastTransitionTs: null,
    window: null,
    curveX: null,
    alarms: Object.fromEntries(alarmKeys(rule).map((key) => [key, normalAlarmInstance()])),
  };
}

/**
 * A copy of a rule's state the engine may change freely: what `structuredClone` makes, at a
 * fraction of its cost (the engine copies one state per rule per batch; structuredClone was 6% of
 * the main thread at 20-point messages with a rule per tag, ADR 0055). A field holding an object
 * must be copied here: state.test.ts lists the fields and fails when one is added.
 */
export function cloneAlarmRuleState(state: AlarmRuleState): AlarmRuleState {
  const alarms: AlarmRuleState['alarms'] = {};
  for (const key of Object.keys(state.alarms) as AlarmKey[]) {
    const alarm = state.alarms[key];
    alarms[key] = alarm && { ...alarm };
  }
  const { window, previousSample, curveX } = state;
  return {
    ...state,
    previousSample: previousSample && { ...previousSample },
    window: window && {
      ...window,
      buckets: window.buckets.map(([index, amount]) => [index, amount]),
      events: [...window.events],
      anchor: window.anchor && { ...window.anchor },
    },
    curveX: curveX && { ...curveX },
    alarms,
  };
}
