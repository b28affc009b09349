// The engine's copy of a rule's state (ADR 0055): equal to what structuredClone makes, and nothing of
// it shared with the original.
import { describe, expect, it } from 'vitest';
import { type AlarmRuleState, alarmRuleStateSchema, cloneAlarmRuleState } from './state.ts';

/** Every field set, every object non-empty: what a copy must carry over. */
const full: AlarmRuleState = alarmRuleStateSchema.parse({
  ruleId: 'r1',
  lastSampleTs: 1_000,
  previousSample: { ts: 900, value: 4.5, quality: 'good' },
  lastDataTs: 1_000,
  gatewayOffline: true,
  dropUntil: 2_000,
  statusTs: 950,
  lastTransitionTs: 800,
  window: { buckets: [[1, 2.5]], bucketMs: 60_000, events: [700, 750], anchor: { ts: 900, value: 3 } },
  curveX: { ts: 990, value: 12 },
  alarms: {
    hi: {
      state: 'active-unacked',
      condition: true,
      conditionSince: 500,
      activeSince: 600,
      value: 'text',
      shelvedUntil: null,
      outOfService: false,
      suppressed: false,
    },
    lo: {
      state: 'normal',
      condition: false,
      conditionSince: null,
      activeSince: null,
      value: null,
      shelvedUntil: 5_000,
      outOfService: true,
      suppressed: true,
    },
  },
});

describe('cloneAlarmRuleState', () => {
  it('knows every field of the state (a new object-valued field must be copied deeply there)', () => {
    expect(Object.keys(alarmRuleStateSchema.shape)).toEqual([
      'ruleId',
      'lastSampleTs',
      'previousSample',
      'lastDataTs',
      'gatewayOffline',
      'dropUntil',
      'statusTs',
      'lastTransitionTs',
      'window',
      'curveX',
      'alarms',
    ]);
    expect(Object.keys(full)).toEqual(Object.keys(alarmRuleStateSchema.shape));
  });

  it.each([
    ['a full state', full],
    ['an initial state', { ...full, previousSample: null, window: null, curveX: null, alarms: {} }],
  ])('copies %s as structuredClone does', (_, state) => {
    expect(cloneAlarmRuleState(state)).toStrictEqual(structuredClone(state));
  });

  it('shares nothing with the original: changing the copy leaves it as it was', () => {
    const before = structuredClone(full);
    const copy = cloneAlarmRuleState(full);
    copy.lastSampleTs = 5;
    if (copy.previousSample) copy.previousSample.value = 99;
    if (copy.window) {
      (copy.window.buckets[0] as [number, number])[1] = 99;
      copy.window.buckets.push([2, 1]);
      copy.window.events.push(99);
      if (copy.window.anchor) copy.window.anchor.value = 99;
    }
    if (copy.curveX) copy.curveX.value = 99;
    if (copy.alarms.hi) copy.alarms.hi.state = 'normal';
    delete copy.alarms.lo;
    expect(full).toStrictEqual(before);
  });
});
