import { alarmRuleSchema } from '@plantwatch/shared';
import { describe, expect, it } from 'vitest';
import { type CurveRule, curveScatter, judge } from './curve-scatter.ts';

const rule = (spec: Record<string, unknown> = {}) =>
  alarmRuleSchema.parse({
    id: '00000000-0000-4000-8000-000000000101',
    tenantId: '00000000-0000-4000-8000-000000000001',
    siteId: '00000000-0000-4000-8000-000000000002',
    kind: 'curve',
    tagId: '00000000-0000-4000-8000-000000000032',
    xTagId: '00000000-0000-4000-8000-000000000031',
    name: 'Pump 1 off its curve',
    description: '',
    deadband: 0,
    onDelayMs: 0,
    offDelayMs: 0,
    enabled: true,
    escalationPolicyId: null,
    severity: 'medium',
    curveId: null,
    points: [
      [0, 40],
      [100, 20],
    ],
    tolerance: 2,
    toleranceMode: 'absolute',
    side: 'either',
    createdAt: '2026-06-01T00:00:00.000Z',
    updatedAt: '2026-06-01T00:00:00.000Z',
    ...spec,
  }) as CurveRule;

describe('the curve scatter', () => {
  it.each([
    [{}, 50, 31.9, 'inside'],
    [{}, 50, 27.9, 'outside'],
    [{}, 150, 0, 'beyond'],
    [{ side: 'above' }, 50, 20, 'inside'],
    [{ toleranceMode: 'percent', tolerance: 10 }, 50, 32.9, 'inside'],
    [{ toleranceMode: 'percent', tolerance: 10 }, 50, 33.1, 'outside'],
  ])('judges %o at (%s, %s) %s', (spec, x, y, expected) => {
    expect(judge(rule(spec), x, y)).toBe(expected);
  });

  it('pairs the buckets of both tags by time and leaves out a bucket without both', () => {
    const scatter = curveScatter(
      rule(),
      [
        { ts: 0, avg: 50 },
        { ts: 1, avg: 60 },
        { ts: 2, avg: null },
      ],
      [
        { ts: 0, avg: 30 },
        { ts: 2, avg: 25 },
        { ts: 3, avg: 25 },
      ],
    );
    expect(scatter.points).toEqual([{ x: 50, y: 30, judged: 'inside' }]);
    expect(scatter.curve[0]).toEqual([0, 40]);
    expect(scatter.upper[0]).toEqual([0, 42]);
    expect(scatter.lower.at(-1)).toEqual([100, 18]);
    expect(scatter.xRange[0]).toBeLessThan(0);
    expect(scatter.yRange[1]).toBeGreaterThan(42);
  });
});
