// Whether one sample puts a rule's alarms in their alarm condition, with the deadband applied.
import { type AlarmRule, curveAt, type TelemetryPointRecord, type TelemetryValue } from '@plantwatch/shared';
import type { AlarmKey, AlarmRuleState } from './state.ts';
import { windowCondition } from './windows.ts';

export type AlarmSample = Pick<TelemetryPointRecord, 'ts' | 'value' | 'quality'> & {
  /** Set only for an operating-curve rule, whose samples come from two tags (ADR 0048). */
  tagId?: string;
};

/**
 * A key missing from the answer means the sample cannot judge that alarm (bad quality, a text where a
 * number was expected, no previous sample yet), so its condition stays as it was.
 */
export type Conditions = Partial<Record<AlarmKey, boolean>>;

/** `active` says which alarms are in alarm now: they clear only once back past the deadband. */
export function conditionsForSample(
  rule: AlarmRule,
  state: AlarmRuleState,
  sample: AlarmSample,
  active: (key: AlarmKey) => boolean,
): Conditions {
  if (rule.kind === 'badQuality') return { alarm: sample.quality === 'bad' };
  if (rule.kind === 'commLoss') {
    const held = state.gatewayOffline || (state.dropUntil !== null && sample.ts < state.dropUntil);
    return rule.scope === 'gateway' && held ? {} : { alarm: false };
  }
  // A bad value says nothing about the process; the badQuality rule is there for it.
  if (sample.quality === 'bad') return {};
  const deadband = rule.deadband;
  switch (rule.kind) {
    case 'limit': {
      if (typeof sample.value !== 'number') return {};
      const value = sample.value;
      // A plain loop: this runs for every sample, and a backtest runs it millions of times (ADR 0039).
      const conditions: Conditions = {};
      for (const entry of rule.levels) {
        // A level's own deadband (ADR 0045), else the rule's.
        const margin = active(entry.level) ? (entry.deadband ?? deadband) : 0;
        const high = entry.level === 'hihi' || entry.level === 'hi';
        conditions[entry.level] = high ? value > entry.threshold - margin : value < entry.threshold + margin;
      }
      return conditions;
    }
    case 'comparison': {
      const holds = compare(rule.op, sample.value, rule.value, active('alarm') ? deadband : 0);
      return holds === undefined ? {} : { alarm: holds };
    }
    case 'digital': {
      const now = asDigital(sample.value);
      if (now === undefined) return {};
      if (rule.trigger === 'true') return { alarm: now };
      if (rule.trigger === 'false') return { alarm: !now };
      const before = state.previousSample === null ? undefined : asDigital(state.previousSample.value);
      if (before === undefined) return { alarm: false };
      return { alarm: rule.trigger === 'rising' ? !before && now : before && !now };
    }
    case 'totalizer':
    case 'counter':
      // the engine has added the sample to the window already
      return { alarm: windowCondition(rule, state, active('alarm')) };
    case 'curve': {
      // the sample is the Y tag's; the engine holds the latest X
      const x = state.curveX?.value;
      if (typeof sample.value !== 'number' || x === null || x === undefined) return {};
      const expected = curveAt(rule.points, x);
      // Outside the curve's X range (a stopped pump at zero flow) the curve says nothing: not in alarm.
      if (expected === undefined) return { alarm: false };
      const band =
        rule.toleranceMode === 'percent' ? (Math.abs(expected) * rule.tolerance) / 100 : rule.tolerance;
      // An active alarm clears only once back inside the band by the deadband.
      const limit = band - (active('alarm') ? deadband : 0);
      const off = sample.value - expected;
      const above = off > limit;
      const below = -off > limit;
      return { alarm: rule.side === 'above' ? above : rule.side === 'below' ? below : above || below };
    }
    case 'rateOfChange': {
      const previous = state.previousSample;
      if (typeof sample.value !== 'number' || previous === null || typeof previous.value !== 'number')
        return {};
      if (sample.ts <= previous.ts) return {};
      const perMinute = ((sample.value - previous.value) * 60_000) / (sample.ts - previous.ts);
      const rate =
        rule.direction === 'up' ? perMinute : rule.direction === 'down' ? -perMinute : Math.abs(perMinute);
      return { alarm: rate > rule.perMinute - (active('alarm') ? deadband : 0) };
    }
  }
}

/** Ordering applies to numbers only (the rule schema enforces it); a sample of another type cannot judge. */
function compare(
  op: '>' | '>=' | '<' | '<=' | '==' | '!=',
  value: TelemetryValue,
  limit: TelemetryValue,
  margin: number,
): boolean | undefined {
  if (typeof value !== typeof limit) return undefined;
  if (op === '==') return value === limit;
  if (op === '!=') return value !== limit;
  if (typeof value !== 'number' || typeof limit !== 'number') return undefined;
  switch (op) {
    case '>':
      return value > limit - margin;
    case '>=':
      return value >= limit - margin;
    case '<':
      return value < limit + margin;
    case '<=':
      return value <= limit + margin;
  }
}

/** PLCs report coils as booleans and sometimes as 0/1 registers. */
function asDigital(value: TelemetryValue): boolean | undefined {
  if (typeof value === 'boolean') return value;
  if (typeof value === 'number') return value !== 0;
  return undefined;
}

/**
 * An operating-curve rule's X sample: held until the next, if newer than the one held (ADR 0048).
 * Says whether it was taken.
 */
export function holdX(state: AlarmRuleState, sample: AlarmSample): boolean {
  if (state.curveX !== null && sample.ts <= state.curveX.ts) return false;
  const value = sample.quality !== 'bad' && typeof sample.value === 'number' ? sample.value : null;
  state.curveX = { ts: sample.ts, value };
  return true;
}

/**
 * The Y an operating-curve rule holds, as a sample at `ts` (a newer X's time): the last Y sample,
 * when it was usable (not bad) and older than `ts`; otherwise null (nothing to judge again).
 */
export function heldY(state: AlarmRuleState, ts: number): AlarmSample | null {
  const { previousSample, lastSampleTs } = state;
  if (previousSample === null || previousSample.ts !== lastSampleTs || ts <= previousSample.ts) return null;
  return { ts, value: previousSample.value, quality: previousSample.quality };
}
