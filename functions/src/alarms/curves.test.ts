// Operating-curve rules (ADR 0048), table-driven through the engine: Y judged against the curve at the
// latest X, the band absolute or in percent, the ends of the curve, deadband and delays, and the
// curve schema's refusals.
import {
  type AlarmRule,
  alarmRuleSchema,
  assertCurvePoints,
  createAlarmCurveSchema,
  createAlarmRuleSchema,
  curveAt,
  InvalidInputError,
  type Quality,
  type TelemetryValue,
} from '@plantwatch/shared';
import { describe, expect, it } from 'vitest';
import { type AlarmSample, evaluateSamples, initialAlarmRuleState, normalAlarmInstance } from './engine.ts';

const X = '00000000-0000-4000-8000-000000000031';
const Y = '00000000-0000-4000-8000-000000000032';
const T0 = Date.UTC(2026, 5, 1, 12, 0, 0);
const s = (seconds: number) => T0 + seconds * 1000;

/** A pump's head (m) against its flow (m³/h): 40 m at shut-off down to 20 m at 100 m³/h. */
const PUMP: [number, number][] = [
  [0, 40],
  [50, 35],
  [100, 20],
];

function rule(spec: Record<string, unknown> = {}): AlarmRule {
  return alarmRuleSchema.parse({
    id: '00000000-0000-4000-8000-000000000101',
    tenantId: '00000000-0000-4000-8000-000000000001',
    siteId: '00000000-0000-4000-8000-000000000002',
    kind: 'curve',
    tagId: Y,
    xTagId: X,
    name: 'Pump 1 off its curve',
    description: '',
    deadband: 0,
    onDelayMs: 0,
    offDelayMs: 0,
    enabled: true,
    escalationPolicyId: null,
    severity: 'medium',
    curveId: null,
    points: PUMP,
    tolerance: 2,
    toleranceMode: 'absolute',
    side: 'either',
    createdAt: '2026-06-01T00:00:00.000Z',
    updatedAt: '2026-06-01T00:00:00.000Z',
    ...spec,
  });
}

const x = (ts: number, value: TelemetryValue, quality: Quality = 'good'): AlarmSample => ({
  ts,
  value,
  quality,
  tagId: X,
});
const y = (ts: number, value: TelemetryValue, quality: Quality = 'good'): AlarmSample => ({
  ts,
  value,
  quality,
  tagId: Y,
});

/**
 * What the samples make of the alarm's condition: true if they raise it from normal; else false if
 * they put an alarm already in its condition out of it; else undefined (not judged).
 */
function conditionAfter(r: AlarmRule, samples: AlarmSample[]): boolean | undefined {
  const fresh = initialAlarmRuleState(r);
  if (evaluateSamples(r, fresh, samples).transitions.some((t) => t.kind === 'raised')) return true;
  const inAlarm = structuredClone(fresh);
  inAlarm.alarms.alarm = {
    ...normalAlarmInstance(),
    state: 'active-unacked',
    condition: true,
    conditionSince: s(-100),
    activeSince: s(-100),
  };
  const after = evaluateSamples(r, inAlarm, samples).state.alarms.alarm;
  return after?.condition === false ? false : undefined;
}

describe('curveAt', () => {
  it.each([
    [0, 40],
    [25, 37.5],
    [50, 35],
    [75, 27.5],
    [100, 20],
    [-0.001, undefined],
    [100.5, undefined],
  ])('at x %s is %s', (at, expected) => {
    expect(curveAt(PUMP, at)).toBe(expected);
  });
});

describe('curve rule conditions', () => {
  it.each([
    // [what, rule spec, samples, condition]
    ['on the curve', {}, [x(s(0), 75), y(s(1), 27.5)], false],
    ['inside the band, above', {}, [x(s(0), 75), y(s(1), 29.4)], false],
    ['just outside the band, above', {}, [x(s(0), 75), y(s(1), 29.6)], true],
    ['outside the band, below', {}, [x(s(0), 25), y(s(1), 35.4)], true],
    ['at an end of the curve (x = 0)', {}, [x(s(0), 0), y(s(1), 43)], true],
    ['at the other end (x = 100)', {}, [x(s(0), 100), y(s(1), 17)], true],
    ['X below the curve: not judged as in alarm', {}, [x(s(0), -1), y(s(1), 0)], false],
    ['X beyond the curve: not judged as in alarm', {}, [x(s(0), 120), y(s(1), 0)], false],
    [
      'percent band: 10 % of 27.5 holds 30',
      { toleranceMode: 'percent', tolerance: 10 },
      [x(s(0), 75), y(s(1), 30)],
      false,
    ],
    [
      'percent band: 10 % of 27.5 refuses 30.3',
      { toleranceMode: 'percent', tolerance: 10 },
      [x(s(0), 75), y(s(1), 30.3)],
      true,
    ],
    ['side below: above the band is no alarm', { side: 'below' }, [x(s(0), 75), y(s(1), 35)], false],
    ['side below: under the band alarms', { side: 'below' }, [x(s(0), 75), y(s(1), 20)], true],
    ['side above: under the band is no alarm', { side: 'above' }, [x(s(0), 75), y(s(1), 20)], false],
    ['the latest X at the Y sample counts', {}, [x(s(0), 0), x(s(5), 100), y(s(6), 20)], false],
    [
      'a Y off the curve at its X stays so at a later X off it too',
      {},
      [x(s(0), 0), y(s(3), 20), x(s(5), 100)],
      true,
    ],
    [
      'a later X judges the held Y again: off the curve there',
      {},
      [x(s(0), 75), y(s(1), 27.5), x(s(5), 25)],
      true,
    ],
    [
      'a held bad Y is not judged again by a later X',
      {},
      [x(s(0), 75), y(s(1), 0, 'bad'), x(s(5), 25)],
      undefined,
    ],
    ['X and Y of the same instant: the X is used', {}, [y(s(5), 20), x(s(5), 100)], false],
    ['no X yet: not judged', {}, [y(s(1), 20)], undefined],
    ['a bad X: Y not judged', {}, [x(s(0), 100, 'bad'), y(s(1), 0)], undefined],
    ['a bad Y: not judged', {}, [x(s(0), 100), y(s(1), 0, 'bad')], undefined],
    ['a text Y: not judged', {}, [x(s(0), 100), y(s(1), 'off')], undefined],
  ] as const)('%s', (_what, spec, samples, expected) => {
    expect(conditionAfter(rule(spec), [...samples])).toBe(expected);
  });

  it('raises and clears with the deadband, carrying the Y value', () => {
    const r = rule({ deadband: 0.5 });
    const raised = evaluateSamples(r, initialAlarmRuleState(r), [x(s(0), 50), y(s(1), 32)]);
    expect(raised.transitions.map((t) => [t.kind, t.at, t.value])).toEqual([['raised', s(1), 32]]);
    // 33.2 is inside the 2 m band (35 ± 2) but not by the deadband: stays raised
    const held = evaluateSamples(r, raised.state, [y(s(2), 33.2)]);
    expect(held.transitions).toEqual([]);
    const cleared = evaluateSamples(r, held.state, [y(s(3), 33.6)]);
    expect(cleared.transitions.map((t) => t.kind)).toEqual(['cleared']);
  });

  it('holds X across batches (gateways report by exception) and skips a redelivered X', () => {
    const r = rule({ onDelayMs: 10_000 });
    const first = evaluateSamples(r, initialAlarmRuleState(r), [x(s(0), 100)]);
    expect(first.state.curveX).toEqual({ ts: s(0), value: 100 });
    expect(first.state.lastSampleTs).toBeNull();
    const stale = evaluateSamples(r, first.state, [x(s(0), 0)]);
    expect(stale.state.curveX).toEqual({ ts: s(0), value: 100 });
    const y1 = evaluateSamples(r, stale.state, [y(s(1), 30)]);
    expect(y1.transitions).toEqual([]);
    const y2 = evaluateSamples(r, y1.state, [y(s(12), 30)]);
    expect(y2.transitions.map((t) => [t.kind, t.at])).toEqual([['raised', s(11)]]);
  });
});

describe('a new X judges the held Y again (gateways report by exception)', () => {
  it("raises at the X sample's time, in a later batch, carrying the held Y", () => {
    const r = rule();
    const onCurve = evaluateSamples(r, initialAlarmRuleState(r), [x(s(0), 75), y(s(1), 27.5)]);
    expect(onCurve.transitions).toEqual([]);
    const moved = evaluateSamples(r, onCurve.state, [x(s(9), 25)]);
    expect(moved.transitions.map((t) => [t.kind, t.at, t.value])).toEqual([['raised', s(9), 27.5]]);
    expect(moved.state.lastSampleTs).toBe(s(9));
    // A Y older than the X's time came late: like any late sample of the tag, it is not judged.
    expect(evaluateSamples(r, moved.state, [y(s(5), 27.5)]).state).toStrictEqual(moved.state);
  });

  it('clears when a later X puts the held Y back on the curve', () => {
    const r = rule();
    const off = evaluateSamples(r, initialAlarmRuleState(r), [x(s(0), 25), y(s(1), 27.5)]);
    expect(off.transitions.map((t) => t.kind)).toEqual(['raised']);
    const back = evaluateSamples(r, off.state, [x(s(7), 75)]);
    expect(back.transitions.map((t) => [t.kind, t.at])).toEqual([['cleared', s(7)]]);
  });

  it('judges a Y of the same instant as the X once, at that X', () => {
    const r = rule();
    const first = evaluateSamples(r, initialAlarmRuleState(r), [x(s(0), 75), y(s(1), 27.5)]);
    const both = evaluateSamples(r, first.state, [x(s(5), 25), y(s(5), 38)]);
    expect(both.transitions).toEqual([]);
    expect(both.state.previousSample).toEqual({ ts: s(5), value: 38, quality: 'good' });
  });

  it('does not judge again for an X at or before the held Y, or a redelivered X', () => {
    const r = rule();
    const first = evaluateSamples(r, initialAlarmRuleState(r), [x(s(0), 75), y(s(4), 27.5)]);
    expect(evaluateSamples(r, first.state, [x(s(3), 25)]).transitions).toEqual([]);
    expect(evaluateSamples(r, first.state, [x(s(4), 25)]).transitions).toEqual([]);
    expect(evaluateSamples(r, first.state, [x(s(0), 25)]).transitions).toEqual([]);
  });
});

describe('curve schemas', () => {
  const body = {
    kind: 'curve',
    tagId: Y,
    xTagId: X,
    name: 'Pump 1 curve',
    severity: 'low',
    tolerance: 5,
  };
  it.each([
    ['one point', { points: [[0, 1]] }, 'points'],
    ['neither curveId nor points', {}, 'curveId'],
    ['both curveId and points', { points: PUMP, curveId: '00000000-0000-4000-8000-000000000077' }, 'points'],
    ['a zero tolerance', { points: PUMP, tolerance: 0 }, 'tolerance'],
    ['an unknown mode', { points: PUMP, toleranceMode: 'relative' }, 'toleranceMode'],
  ])('a rule with %s is refused naming $2', (_what, spec, field) => {
    const parsed = createAlarmRuleSchema.safeParse({ ...body, ...spec });
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues.map((issue) => issue.path.join('.'))).toContain(field);
  });

  it('a rule with points takes the defaults', () => {
    const parsed = createAlarmRuleSchema.parse({ ...body, points: PUMP });
    expect(parsed).toMatchObject({ toleranceMode: 'absolute', side: 'either', points: PUMP });
  });

  it.each([
    ['101 points', Array.from({ length: 101 }, (_, i) => [i, i]), 'points'],
    [
      'a non-finite y',
      [
        [0, 1],
        [1, Number.POSITIVE_INFINITY],
      ],
      'points.1.1',
    ],
  ])('a curve template with %s is refused naming $2', (_what, points, field) => {
    const parsed = createAlarmCurveSchema.safeParse({ name: 'Pump curve', points });
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues.map((issue) => issue.path.join('.'))).toContain(field);
  });

  it.each([
    [
      'unsorted X',
      [
        [0, 1],
        [3, 1],
        [2, 1],
      ],
      'points.2.0',
      'x 2 must be greater than the previous point',
    ],
    [
      'duplicate X',
      [
        [0, 1],
        [0, 2],
      ],
      'points.1.0',
      "x 0 repeats the previous point's x",
    ],
  ] as const)('points with %s break a rule of curves (422) naming $2', (_what, points, field, message) => {
    const thrown = (() => {
      try {
        assertCurvePoints(points);
      } catch (error) {
        return error;
      }
    })();
    expect(thrown).toBeInstanceOf(InvalidInputError);
    expect((thrown as InvalidInputError).details).toEqual({ field });
    expect((thrown as Error).message).toContain(`${field}: ${message}`);
  });

  it('accepts points by increasing x', () => {
    expect(() => assertCurvePoints(PUMP)).not.toThrow();
  });
});
