// Sliding windows of totalizer and counter rules (ADR 0045): what a sample adds to the window, what
// the window holds at a time, and when its oldest content leaves. Pure; the window lives in the
// rule's alarm state, so it survives a restart with it.
import type { AlarmRule, TelemetryPointRecord, TelemetryValue } from '@plantwatch/shared';
import type { AlarmRuleState, WindowState } from './state.ts';

/** A sample as the engine sees it (conditions.ts's AlarmSample, which imports this file). */
type Sample = Pick<TelemetryPointRecord, 'ts' | 'value' | 'quality'>;

/** A totalizer's window is kept in this many buckets: it slides in steps of 1/60 of its length. */
export const WINDOW_BUCKETS = 60;

export type WindowRule = Extract<AlarmRule, { kind: 'totalizer' | 'counter' }>;

export function isWindowRule(rule: AlarmRule): rule is WindowRule {
  return rule.kind === 'totalizer' || rule.kind === 'counter';
}

const windowMsOf = (rule: WindowRule) => rule.windowSeconds * 1000;
const bucketMsOf = (rule: WindowRule) => Math.ceil(windowMsOf(rule) / WINDOW_BUCKETS);

const RATE_UNIT_MS = { ratePerSecond: 1000, ratePerMinute: 60_000, ratePerHour: 3_600_000 } as const;

function windowOf(rule: WindowRule, state: AlarmRuleState): WindowState {
  const bucketMs = bucketMsOf(rule);
  state.window ??= { buckets: [], bucketMs, events: [], anchor: null };
  const window = state.window;
  if (window.bucketMs !== undefined && window.bucketMs !== bucketMs) {
    // The rule's window was edited: each amount moves to the new bucket holding its old bucket's start.
    const from = window.bucketMs;
    const rebucketed: [number, number][] = [];
    for (const [index, amount] of window.buckets) {
      const at = Math.floor((index * from) / bucketMs);
      const last = rebucketed[rebucketed.length - 1];
      if (last !== undefined && last[0] === at) last[1] += amount;
      else rebucketed.push([at, amount]);
    }
    window.buckets = rebucketed;
  }
  window.bucketMs = bucketMs;
  return window;
}

/** Spreads `amount`, accrued evenly over [from, to), over the buckets it spans. */
function accrue(rule: WindowRule, window: WindowState, from: number, to: number, amount: number): void {
  // Only what falls in the last window can ever count: a long gap adds its last window's share.
  const start = Math.max(from, to - windowMsOf(rule));
  if (!(to > start) || amount === 0) return;
  const share = (amount * (to - start)) / (to - from);
  const bucketMs = bucketMsOf(rule);
  for (let index = Math.floor(start / bucketMs); index * bucketMs < to; index++) {
    const overlap = Math.min(to, (index + 1) * bucketMs) - Math.max(start, index * bucketMs);
    if (overlap <= 0) continue;
    const part = (share * overlap) / (to - start);
    const last = window.buckets[window.buckets.length - 1];
    if (last !== undefined && last[0] === index) last[1] += part;
    else window.buckets.push([index, part]);
  }
}

/** Counter inputs may read 0/1 registers where a boolean state is counted. */
function matches(value: TelemetryValue, state: TelemetryValue): boolean {
  if (typeof state === 'boolean' && typeof value === 'number') return (value !== 0) === state;
  return value === state;
}

/**
 * Adds what a sample brings to the rule's window, before its condition is judged. A totalizer on a
 * running total adds the increase since the last good sample (a decrease is a reset or rollover and
 * adds nothing); on a rate, the last good rate held until this sample, times the time (a bad sample
 * ends the run: time with no trusted rate adds nothing). A counter notes a transition into its state.
 */
export function addToWindow(rule: WindowRule, state: AlarmRuleState, sample: Sample): void {
  const window = windowOf(rule, state);
  if (rule.kind === 'counter') {
    const before = state.previousSample;
    if (sample.quality === 'bad' || before === null) return;
    if (matches(sample.value, rule.state) && !matches(before.value, rule.state)) {
      window.events.push(sample.ts);
      // The condition is "more than threshold in the window": the newest threshold + 1 decide it.
      // (a `while`: a threshold lowered since keeps fewer)
      while (window.events.length > rule.threshold + 1) window.events.shift();
    }
    return;
  }
  const anchor = window.anchor;
  if (rule.input !== 'counter' && anchor !== null && sample.ts > anchor.ts) {
    accrue(
      rule,
      window,
      anchor.ts,
      sample.ts,
      (anchor.value * (sample.ts - anchor.ts)) / RATE_UNIT_MS[rule.input],
    );
  }
  if (sample.quality === 'bad' || typeof sample.value !== 'number') {
    if (rule.input !== 'counter') window.anchor = null;
    return;
  }
  if (rule.input === 'counter' && anchor !== null && sample.ts > anchor.ts) {
    const increase = sample.value - anchor.value;
    if (increase > 0) accrue(rule, window, anchor.ts, sample.ts, increase);
  }
  window.anchor = { ts: sample.ts, value: sample.value };
}

/** Drops what has left the window by `at`. */
export function pruneWindow(rule: WindowRule, state: AlarmRuleState, at: number): void {
  if (state.window === null) return;
  const window = windowOf(rule, state);
  const start = at - windowMsOf(rule);
  const bucketMs = bucketMsOf(rule);
  let drop = 0;
  while (drop < window.buckets.length && ((window.buckets[drop]?.[0] ?? 0) + 1) * bucketMs <= start) drop++;
  if (drop > 0) window.buckets.splice(0, drop);
  drop = 0;
  while (drop < window.events.length && (window.events[drop] ?? 0) <= start) drop++;
  if (drop > 0) window.events.splice(0, drop);
}

/** The total (totalizer) or count (counter) in the window, as pruned; shown as the alarm's value. */
export function windowValue(rule: WindowRule, state: AlarmRuleState): number {
  const window = state.window;
  if (window === null) return 0;
  if (rule.kind === 'counter') return window.events.length;
  let total = 0;
  for (const bucket of window.buckets) total += bucket[1];
  // Spreading over buckets leaves float dust (499.99999999997): not what a meter would read.
  return Number(total.toPrecision(12));
}

/** Whether the window is over the threshold; an active alarm clears only once back past the deadband. */
export function windowCondition(rule: WindowRule, state: AlarmRuleState, active: boolean): boolean {
  return windowValue(rule, state) > rule.threshold - (active ? rule.deadband : 0);
}

/** When the window's oldest content leaves it, if it holds any. */
export function nextWindowExpiry(rule: WindowRule, state: AlarmRuleState): number | undefined {
  if (state.window === null) return undefined;
  const window = windowOf(rule, state);
  const oldestBucket = window.buckets[0];
  if (oldestBucket !== undefined) return (oldestBucket[0] + 1) * bucketMsOf(rule) + windowMsOf(rule);
  const oldestEvent = window.events[0];
  return oldestEvent === undefined ? undefined : oldestEvent + windowMsOf(rule);
}
