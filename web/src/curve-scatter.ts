// The operating-curve scatter (issue 17, ADR 0048): a curve rule's X against Y over the last hour,
// one point per chart bucket (averages of both tags over the same bucket), with the curve, its band
// and each point judged inside or outside it as the rule judges a sample. Pure, so it is tested
// without a browser; the component only draws what this returns.
import { type AlarmRule, curveAt } from '@plantwatch/shared';

export type CurveRule = Extract<AlarmRule, { kind: 'curve' }>;
export interface Bucket {
  ts: number;
  avg?: number | null | undefined;
}
export interface ScatterPoint {
  x: number;
  y: number;
  /** 'outside' alarms by the rule; 'beyond' is outside the curve's X range, which judges nothing. */
  judged: 'inside' | 'outside' | 'beyond';
}
export interface Scatter {
  points: ScatterPoint[];
  /** The curve and the band's edges, sampled along X, in data units. */
  curve: [number, number][];
  upper: [number, number][];
  lower: [number, number][];
  xRange: [number, number];
  yRange: [number, number];
}

const bandAt = (rule: CurveRule, expected: number) =>
  rule.toleranceMode === 'percent' ? (Math.abs(expected) * rule.tolerance) / 100 : rule.tolerance;

/** Inside or outside the band at x, as the engine judges a sample (the deadband aside). */
export function judge(rule: CurveRule, x: number, y: number): ScatterPoint['judged'] {
  const expected = curveAt(rule.points, x);
  if (expected === undefined) return 'beyond';
  const off = y - expected;
  const limit = bandAt(rule, expected);
  const above = off > limit;
  const below = -off > limit;
  const out = rule.side === 'above' ? above : rule.side === 'below' ? below : above || below;
  return out ? 'outside' : 'inside';
}

export function curveScatter(rule: CurveRule, xs: readonly Bucket[], ys: readonly Bucket[]): Scatter {
  const xByTs = new Map(xs.flatMap((b) => (typeof b.avg === 'number' ? [[b.ts, b.avg] as const] : [])));
  const points = ys.flatMap((b): ScatterPoint[] => {
    const x = xByTs.get(b.ts);
    if (x === undefined || typeof b.avg !== 'number') return [];
    return [{ x, y: b.avg, judged: judge(rule, x, b.avg) }];
  });
  // the band's edges at each curve point and between, so a % band's flare is drawn
  const along = rule.points.flatMap(([x], index) => {
    const next = rule.points[index + 1];
    if (next === undefined) return [x];
    return Array.from({ length: 8 }, (_, step) => x + ((next[0] - x) * step) / 8);
  });
  const curve = along.map((x): [number, number] => [x, curveAt(rule.points, x) as number]);
  const upper = curve.map(([x, y]): [number, number] => [x, y + bandAt(rule, y)]);
  const lower = curve.map(([x, y]): [number, number] => [x, y - bandAt(rule, y)]);
  const allX = [...curve.map(([x]) => x), ...points.map((p) => p.x)];
  const allY = [...upper.map(([, y]) => y), ...lower.map(([, y]) => y), ...points.map((p) => p.y)];
  return {
    points,
    curve,
    upper,
    lower,
    xRange: padded(Math.min(...allX), Math.max(...allX)),
    yRange: padded(Math.min(...allY), Math.max(...allY)),
  };
}

function padded(min: number, max: number): [number, number] {
  const span = max - min || Math.abs(max) || 1;
  return [min - span * 0.05, max + span * 0.05];
}
