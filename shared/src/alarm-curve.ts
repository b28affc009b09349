// Operating curves (issue 17 item 2, ADR 0048): a named X-vs-Y curve a tenant's curve rules share (a
// pump's head against its flow, a chiller's power against its load), points joined by straight lines.
import { z } from 'zod';
import { InvalidInputError } from './errors.ts';
import {
  descriptionSchema,
  EMPTY_PATCH_MESSAGE,
  hasAnyField,
  idSchema,
  isoDateTimeSchema,
  nameSchema,
} from './ids.ts';

export const MIN_CURVE_POINTS = 2;
export const MAX_CURVE_POINTS = 100;

const curvePointSchema = z.tuple(
  [z.number({ error: 'must be a finite number (x)' }), z.number({ error: 'must be a finite number (y)' })],
  {
    error: 'must be a point [x, y] of two finite numbers',
  },
);

/**
 * Points [x, y]: their shape is checked here (a malformed body, 400); that X strictly increases is a
 * rule of curves, checked by the use-cases with assertCurvePoints (422 naming the point).
 */
export const curvePointsSchema = z
  .array(curvePointSchema, { error: 'must be a list of points [x, y]' })
  .min(MIN_CURVE_POINTS, `must have at least ${MIN_CURVE_POINTS} points`)
  .max(MAX_CURVE_POINTS, `must have at most ${MAX_CURVE_POINTS} points`);
export type CurvePoints = z.infer<typeof curvePointsSchema>;

const unitSchema = z.string().trim().max(32, 'must be at most 32 characters').default('');

export const createAlarmCurveSchema = z
  .strictObject({
    name: nameSchema,
    description: descriptionSchema.default(''),
    /** What X and Y are in, for people (the tags' own units decide nothing). */
    xUnit: unitSchema,
    yUnit: unitSchema,
    points: curvePointsSchema,
  })
  .meta({ id: 'CreateAlarmCurve' });
export type CreateAlarmCurve = z.infer<typeof createAlarmCurveSchema>;

export const updateAlarmCurveSchema = z
  .strictObject({
    name: nameSchema.optional(),
    description: descriptionSchema.optional(),
    xUnit: z.string().trim().max(32, 'must be at most 32 characters').optional(),
    yUnit: z.string().trim().max(32, 'must be at most 32 characters').optional(),
    points: curvePointsSchema.optional(),
  })
  .refine(hasAnyField, EMPTY_PATCH_MESSAGE)
  .meta({ id: 'UpdateAlarmCurve' });
export type UpdateAlarmCurve = z.infer<typeof updateAlarmCurveSchema>;

export const alarmCurveSchema = z
  .object({
    id: idSchema,
    tenantId: idSchema,
    name: z.string(),
    description: z.string(),
    xUnit: z.string(),
    yUnit: z.string(),
    points: z.array(z.tuple([z.number(), z.number()])),
    createdAt: isoDateTimeSchema,
    updatedAt: isoDateTimeSchema,
  })
  .meta({ id: 'AlarmCurve' });
export type AlarmCurve = z.infer<typeof alarmCurveSchema>;

/**
 * The curve's y at x by linear interpolation between its neighbours; undefined outside the curve's X
 * range (ADR 0048: a curve says nothing beyond its ends, so nothing is judged there).
 */
export function curveAt(points: readonly (readonly [number, number])[], x: number): number | undefined {
  const first = points[0];
  const last = points[points.length - 1];
  if (first === undefined || last === undefined || x < first[0] || x > last[0]) return undefined;
  // binary search for the segment holding x
  let lo = 0;
  let hi = points.length - 1;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if ((points[mid] as readonly [number, number])[0] <= x) lo = mid;
    else hi = mid;
  }
  const [x0, y0] = points[lo] as readonly [number, number];
  const [x1, y1] = points[hi] as readonly [number, number];
  if (x1 === x0) return y0;
  return y0 + ((y1 - y0) * (x - x0)) / (x1 - x0);
}

/**
 * Refuses points whose X does not strictly increase (ADR 0048): an InvalidInputError (422) naming the
 * first point out of order, e.g. `points.2.0`, under `field`.
 */
export function assertCurvePoints(points: readonly (readonly [number, number])[], field = 'points'): void {
  for (let i = 1; i < points.length; i++) {
    const before = points[i - 1] as readonly [number, number];
    const point = points[i] as readonly [number, number];
    if (point[0] > before[0]) continue;
    const path = `${field}.${i}.0`;
    const message =
      point[0] === before[0]
        ? `x ${point[0]} repeats the previous point's x; each x must appear once`
        : `x ${point[0]} must be greater than the previous point's x (${before[0]}); list points by increasing x`;
    throw new InvalidInputError(`${path}: ${message}`, { details: { field: path } });
  }
}
