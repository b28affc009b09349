// The alarm engine: pure ISA-18.2 state machines driven by samples, time and operators. No I/O and no
// clock: every time comes in as an argument, and every result is a new state plus its transitions.
import type { AlarmRule, AlarmState, LimitLevel } from '@plantwatch/shared';
import { type AlarmSample, conditionsForSample, heldY, holdX } from './conditions.ts';
import { delaysOf, isActive } from './engine-views.ts';
import {
  type AlarmActor,
  type AlarmChannel,
  type AlarmEngineResult,
  type AlarmInstanceState,
  type AlarmKey,
  type AlarmRuleState,
  type AlarmTransition,
  alarmKeys,
  cloneAlarmRuleState,
  normalAlarmInstance,
} from './state.ts';
import {
  addToWindow,
  isWindowRule,
  nextWindowExpiry,
  pruneWindow,
  windowCondition,
  windowValue,
} from './windows.ts';

export type { AlarmSample } from './conditions.ts';
export { isActive, mostSevereActiveLevel, toAlarmEvent } from './engine-views.ts';

export * from './state.ts';

export const engineActor: AlarmActor = { type: 'system', name: 'alarm engine' };

/** An operator's (or an integration's) request, with who and through which channel. */
export interface OperatorAction {
  at: number;
  by: AlarmActor;
  channel: AlarmChannel;
  comment?: string;
  /** For a limit stack: the one level to act on; all levels when left out. */
  level?: LimitLevel;
}

export class AlarmOperationError extends Error {
  override name = 'AlarmOperationError';
}

interface Work {
  rule: AlarmRule;
  state: AlarmRuleState;
  transitions: AlarmTransition[];
  /** The latest time already processed; a catch-up transition is never dated before it. */
  clock: number;
  /** Each alarm's on- and off-delays (a level's own or the rule's), looked up once per call. */
  delays: Map<AlarmKey, { onDelayMs: number; offDelayMs: number }>;
}

function begin(rule: AlarmRule, state: AlarmRuleState): Work {
  if (state.ruleId !== rule.id) {
    throw new AlarmOperationError(`state belongs to rule ${state.ruleId}, not ${rule.id}`);
  }
  // Late data (a gateway's buffer replayed after the periodic check acted) must not date a catch-up
  // transition before the rule's last one: the journal stays in time order.
  const clock = state.lastTransitionTs ?? Number.NEGATIVE_INFINITY;
  const delays = new Map(alarmKeys(rule).map((key) => [key, delaysOf(rule, key)]));
  return { rule, state: cloneAlarmRuleState(state), transitions: [], clock, delays };
}

function done(work: Work): AlarmEngineResult {
  for (const transition of work.transitions) {
    work.state.lastTransitionTs = Math.max(work.state.lastTransitionTs ?? transition.at, transition.at);
  }
  return { state: work.state, transitions: work.transitions };
}

/** Shelved, out of service or suppressed: the condition is still followed, its transitions wait. */
function isHeld(alarm: AlarmInstanceState): boolean {
  return alarm.shelvedUntil !== null || alarm.outOfService || alarm.suppressed;
}

function instance(work: Work, key: AlarmKey): AlarmInstanceState {
  const existing = work.state.alarms[key];
  if (existing !== undefined) return existing;
  // A level added to the rule after the state was saved starts normal.
  const fresh = normalAlarmInstance();
  work.state.alarms[key] = fresh;
  return fresh;
}

function record(
  work: Work,
  key: AlarmKey,
  kind: AlarmTransition['kind'],
  from: AlarmState,
  at: number,
  how: { by: AlarmActor; channel: AlarmChannel; comment?: string | undefined },
): void {
  const alarm = instance(work, key);
  const transition: AlarmTransition = {
    ruleId: work.rule.id,
    key,
    level: key === 'alarm' ? null : key,
    kind,
    from,
    to: alarm.state,
    at,
    by: how.by,
    channel: how.channel,
  };
  if (alarm.value !== null) transition.value = alarm.value;
  if (how.comment !== undefined) transition.comment = how.comment;
  work.transitions.push(transition);
}

const bySystem = { by: engineActor, channel: 'system' } as const;

function setCondition(work: Work, key: AlarmKey, condition: boolean, at: number): void {
  const alarm = instance(work, key);
  if (alarm.condition !== condition) {
    alarm.condition = condition;
    alarm.conditionSince = at;
  }
}

interface Due {
  at: number;
  apply: (at: number) => void;
}

/** The earliest time-based change still pending: a delay running out, a shelving expiring, data going silent. */
function nextDue(work: Work): Due | undefined {
  const { rule } = work;
  const candidates: Due[] = [];
  for (const key of alarmKeys(rule)) {
    const alarm = instance(work, key);
    if (alarm.shelvedUntil !== null) {
      candidates.push({
        at: alarm.shelvedUntil,
        apply: (at) => {
          alarm.shelvedUntil = null;
          record(work, key, 'unshelved', alarm.state, at, { ...bySystem, comment: 'shelving expired' });
        },
      });
    }
    if (isHeld(alarm) || alarm.conditionSince === null) continue;
    const delays = work.delays.get(key) ?? delaysOf(rule, key);
    if (alarm.condition && !isActive(alarm.state)) {
      candidates.push({
        at: alarm.conditionSince + delays.onDelayMs,
        apply: (at) => {
          const from = alarm.state;
          alarm.state = 'active-unacked';
          alarm.activeSince = at;
          record(work, key, 'raised', from, at, bySystem);
        },
      });
    } else if (!alarm.condition && isActive(alarm.state)) {
      candidates.push({
        at: alarm.conditionSince + delays.offDelayMs,
        apply: (at) => {
          const from = alarm.state;
          alarm.state = from === 'active-unacked' ? 'cleared-unacked' : 'normal';
          alarm.activeSince = null;
          record(work, key, 'cleared', from, at, bySystem);
        },
      });
    }
  }
  const expiry = isWindowRule(rule) ? nextWindowExpiry(rule, work.state) : undefined;
  if (isWindowRule(rule) && expiry !== undefined) {
    // The window slides on with time alone: a total or count falls back under its threshold with no
    // new sample (a counter that stopped counting reports nothing).
    candidates.push({
      at: expiry,
      apply: (at) => {
        pruneWindow(rule, work.state, at);
        const alarm = instance(work, 'alarm');
        alarm.value = windowValue(rule, work.state);
        setCondition(work, 'alarm', windowCondition(rule, work.state, isActive(alarm.state)), at);
      },
    });
  }
  if (rule.kind === 'commLoss' && work.state.dropUntil !== null) {
    const until = work.state.dropUntil;
    candidates.push({
      at: until,
      apply: (at) => {
        work.state.dropUntil = null;
        const silentSince =
          work.state.lastDataTs === null ? null : work.state.lastDataTs + rule.afterSeconds * 1000;
        setCondition(
          work,
          'alarm',
          work.state.gatewayOffline || (silentSince !== null && at >= silentSince),
          at,
        );
      },
    });
  }
  if (rule.kind === 'commLoss' && work.state.lastDataTs !== null && !instance(work, 'alarm').condition) {
    candidates.push({
      at: work.state.lastDataTs + rule.afterSeconds * 1000,
      apply: (at) => setCondition(work, 'alarm', true, at),
    });
  }
  return candidates.reduce<Due | undefined>(
    (earliest, due) => (earliest && earliest.at <= due.at ? earliest : due),
    undefined,
  );
}

/**
 * Whether `nextDue` can find anything, asked without building its candidates: advance runs twice per
 * sample, and most of the time (every alarm settled, nothing shelved) nothing is pending (ADR 0052).
 */
function mayFallDue(work: Work): boolean {
  const { rule } = work;
  if (isWindowRule(rule) || rule.kind === 'commLoss') return true;
  for (const key of work.delays.keys()) {
    const alarm = instance(work, key);
    if (alarm.shelvedUntil !== null) return true;
    if (isHeld(alarm) || alarm.conditionSince === null) continue;
    if (alarm.condition !== isActive(alarm.state)) return true;
  }
  return false;
}

/** Applies, in time order, every time-based change due at or before `until`. */
function advance(work: Work, until: number): void {
  if (!mayFallDue(work)) {
    work.clock = Math.max(work.clock, until);
    return;
  }
  for (let due = nextDue(work); due !== undefined && due.at <= until; due = nextDue(work)) {
    const at = Math.max(due.at, work.clock);
    due.apply(at);
    work.clock = at;
  }
  work.clock = Math.max(work.clock, until);
}

/**
 * Evaluates a rule against its tag's (or device's) new samples. Samples at or before the last one
 * evaluated are ignored, so a redelivered batch raises nothing twice. A disabled rule changes nothing.
 */
export function evaluateSamples(
  rule: AlarmRule,
  state: AlarmRuleState,
  samples: readonly AlarmSample[],
): AlarmEngineResult {
  const work = begin(rule, state);
  if (!rule.enabled) return done(work);
  const xTagId = rule.kind === 'curve' ? rule.xTagId : undefined;
  // A curve rule's X sample goes before its Y sample of the same instant, which is judged at it.
  const isX = (sample: AlarmSample) => xTagId !== undefined && sample.tagId === xTagId;
  const ordered = [...samples].sort((a, b) => a.ts - b.ts || Number(isX(b)) - Number(isX(a)));
  ordered.forEach((sample, index) => {
    if (isX(sample)) {
      // A new X changes the judgment of the Y held (gateways report by exception: an unchanged Y
      // still has its last value), so the held Y is judged again at the X's time (ADR 0048), unless
      // a Y of that same instant follows and is judged at the new X itself.
      const next = ordered[index + 1];
      const yFollows = next !== undefined && next.ts === sample.ts && !isX(next);
      const held = holdX(work.state, sample) && !yFollows ? heldY(work.state, sample.ts) : null;
      if (held) judge(work, held);
      return;
    }
    const last = work.state.lastSampleTs;
    if (last !== null && sample.ts <= last) return;
    judge(work, sample);
  });
  return done(work);
}

/** One sample of the rule's tag (or device) judged at its time, with what falls due before it. */
function judge(work: Work, sample: AlarmSample): void {
  const { rule } = work;
  // What falls due at the sample's own instant waits for it: a condition that is back exactly as its
  // off-delay ends has not been gone for the whole delay, so it must not clear and re-raise.
  advance(work, sample.ts - 1);
  const windowed = isWindowRule(rule);
  if (windowed) {
    addToWindow(rule, work.state, sample);
    pruneWindow(rule, work.state, sample.ts);
  }
  const conditions = conditionsForSample(rule, work.state, sample, (key) =>
    isActive(instance(work, key).state),
  );
  // A totalizer's or counter's alarm carries its total or count, not the tag's latest value.
  const value = windowed ? windowValue(rule, work.state) : sample.value;
  for (const key of work.delays.keys()) {
    instance(work, key).value = value;
    const condition = conditions[key];
    if (condition !== undefined) setCondition(work, key, condition, sample.ts);
  }
  if (sample.quality !== 'bad')
    work.state.previousSample = { ts: sample.ts, value: sample.value, quality: sample.quality };
  if (rule.kind === 'commLoss')
    work.state.lastDataTs = Math.max(work.state.lastDataTs ?? sample.ts, sample.ts);
  work.state.lastSampleTs = sample.ts;
  advance(work, sample.ts);
}

/**
 * The periodic check: applies what time alone changes up to `now` (delays running out, shelving
 * expiring, communication loss). Pass the newest data timestamp seen, or the scheduler's time.
 */
export function tick(rule: AlarmRule, state: AlarmRuleState, now: number): AlarmEngineResult {
  const work = begin(rule, state);
  if (!rule.enabled) return done(work);
  advance(work, now);
  return done(work);
}

function targetKeys(rule: AlarmRule, level: LimitLevel | undefined): AlarmKey[] {
  if (level === undefined) return alarmKeys(rule);
  if (rule.kind !== 'limit' || !rule.levels.some((entry) => entry.level === level)) {
    throw new AlarmOperationError(`rule ${rule.id} has no ${level} level`);
  }
  return [level];
}

/** Every operator action first catches up with time, then acts, then applies what the act made due. */
function operate(
  rule: AlarmRule,
  state: AlarmRuleState,
  action: OperatorAction,
  act: (work: Work, key: AlarmKey, alarm: AlarmInstanceState) => void,
): AlarmEngineResult {
  const keys = targetKeys(rule, action.level);
  const work = begin(rule, state);
  advance(work, action.at);
  for (const key of keys) act(work, key, instance(work, key));
  advance(work, action.at);
  return done(work);
}

/**
 * Acknowledges: active-unacked becomes active-acked, cleared-unacked becomes normal. Acknowledging an
 * acknowledged or normal alarm records nothing, so the same ack arriving by SMS and web is harmless.
 */
export function acknowledge(
  rule: AlarmRule,
  state: AlarmRuleState,
  action: OperatorAction,
): AlarmEngineResult {
  return operate(rule, state, action, (work, key, alarm) => {
    const from = alarm.state;
    if (from === 'active-unacked') alarm.state = 'active-acked';
    else if (from === 'cleared-unacked') alarm.state = 'normal';
    else return;
    record(work, key, 'acknowledged', from, action.at, action);
  });
}

/** ISA-18.2 shelving is always time-limited: it ends by itself at `until`. Shelving again moves the end. */
export function shelve(
  rule: AlarmRule,
  state: AlarmRuleState,
  action: OperatorAction & { until: number },
): AlarmEngineResult {
  if (!(action.until > action.at)) {
    throw new AlarmOperationError('a shelving must end after it starts');
  }
  return operate(rule, state, action, (work, key, alarm) => {
    alarm.shelvedUntil = action.until;
    record(work, key, 'shelved', alarm.state, action.at, action);
  });
}

export function unshelve(rule: AlarmRule, state: AlarmRuleState, action: OperatorAction): AlarmEngineResult {
  return operate(rule, state, action, (work, key, alarm) => {
    if (alarm.shelvedUntil === null) return;
    alarm.shelvedUntil = null;
    record(work, key, 'unshelved', alarm.state, action.at, action);
  });
}

/** A note in the alarm's journal (what was found, who was sent); the state does not change. */
export function addComment(
  rule: AlarmRule,
  state: AlarmRuleState,
  action: OperatorAction & { comment: string },
): AlarmEngineResult {
  return operate(rule, state, action, (work, key, alarm) => {
    record(work, key, 'comment', alarm.state, action.at, action);
  });
}

export function removeFromService(
  rule: AlarmRule,
  state: AlarmRuleState,
  action: OperatorAction,
): AlarmEngineResult {
  return operate(rule, state, action, (work, key, alarm) => {
    if (alarm.outOfService) return;
    alarm.outOfService = true;
    record(work, key, 'out-of-service', alarm.state, action.at, action);
  });
}

export function returnToService(
  rule: AlarmRule,
  state: AlarmRuleState,
  action: OperatorAction,
): AlarmEngineResult {
  return operate(rule, state, action, (work, key, alarm) => {
    if (!alarm.outOfService) return;
    alarm.outOfService = false;
    record(work, key, 'in-service', alarm.state, action.at, action);
  });
}

export interface GatewayStatusChange {
  online: boolean;
  /** When the status arrived (the broker's receive time: an offline Last Will carries its connect time). */
  at: number;
  /** When the gateway's buffer last dropped points for want of room (on the broker's clock), if ever. */
  droppedAt?: number | undefined;
}

/** A buffer that dropped points keeps the gateway's alarm raised this long after the last drop. */
export const DROP_HOLD_MS = 5 * 60_000;

/** Feeds the gateway's status topic to a gateway-scope comm-loss rule: offline is the alarm condition. */
export function setGatewayStatus(
  rule: AlarmRule,
  state: AlarmRuleState,
  status: GatewayStatusChange,
): AlarmEngineResult {
  if (rule.kind !== 'commLoss' || rule.scope !== 'gateway') {
    throw new AlarmOperationError(`rule ${rule.id} is not a gateway communication-loss rule`);
  }
  const work = begin(rule, state);
  if (!rule.enabled) return done(work);
  // Status messages may be redelivered late: an offline older than the online already applied is stale.
  if (work.state.statusTs !== null && status.at < work.state.statusTs) return done(work);
  work.state.statusTs = status.at;
  advance(work, status.at);
  work.state.gatewayOffline = !status.online;
  if (status.online) {
    // An online status is a sign of life: the silence clock restarts instead of the alarm lingering
    // until the first data after a reconnect.
    work.state.lastDataTs = Math.max(work.state.lastDataTs ?? status.at, status.at);
  }
  const dropUntil = status.droppedAt === undefined ? null : status.droppedAt + DROP_HOLD_MS;
  if (dropUntil !== null && dropUntil > status.at && dropUntil > (work.state.dropUntil ?? 0)) {
    if (work.state.dropUntil === null) {
      // Data was lost: said once in the journal when the drops start, not at every status.
      record(work, 'alarm', 'comment', instance(work, 'alarm').state, status.at, {
        ...bySystem,
        comment: "the gateway's buffer is full: it dropped points, and they are lost",
      });
    }
    work.state.dropUntil = dropUntil;
  }
  const dropping = work.state.dropUntil !== null && status.at < work.state.dropUntil;
  setCondition(work, 'alarm', !status.online || dropping, status.at);
  advance(work, status.at);
  return done(work);
}

/**
 * Suppresses (or lets go) a device comm-loss rule while its gateway is offline: the device's silence
 * is the gateway's fault, reported once by the gateway alarm. A raise held back meanwhile happens when
 * the suppression lifts, if the device is still silent then.
 */
export function setSuppressed(
  rule: AlarmRule,
  state: AlarmRuleState,
  change: { suppressed: boolean; at: number; comment?: string },
): AlarmEngineResult {
  if (rule.kind !== 'commLoss' || rule.scope !== 'device') {
    throw new AlarmOperationError(`rule ${rule.id} is not a device communication-loss rule`);
  }
  const work = begin(rule, state);
  advance(work, change.at);
  const alarm = instance(work, 'alarm');
  if (alarm.suppressed !== change.suppressed) {
    alarm.suppressed = change.suppressed;
    if (change.suppressed) {
      record(work, 'alarm', 'suppressed', alarm.state, change.at, {
        ...bySystem,
        comment: change.comment ?? 'gateway offline',
      });
    } else if (!isActive(alarm.state)) {
      // The gateway is back: its devices get a full afterSeconds to report before any of them alarms,
      // so a reconnect is not a flood either. One already in alarm before the gateway went stays so.
      work.state.lastDataTs = Math.max(work.state.lastDataTs ?? change.at, change.at);
      setCondition(work, 'alarm', false, change.at);
    }
  }
  advance(work, change.at);
  return done(work);
}
