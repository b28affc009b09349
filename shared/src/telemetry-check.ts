// A plain-code check of a parsed telemetry message: the schema's fast path (ADR 0059). zod copies
// every point into a new object and runs its checks through closures, ~1.2–1.7 µs a point; this
// loop reads the parsed JSON once and hands it on unchanged. It never decides a refusal: whatever it
// does not accept goes to `telemetryMessageSchema`, which accepts or names the problem. Its tests
// (telemetry-check.test.ts) run both over generated messages and fail if it accepts anything the
// schema does not, accepts it differently, or refuses an ordinary message the schema accepts.
import { keyPattern, MAX_KEY_LENGTH } from './ids.ts';
import {
  MAX_POINTS_PER_MESSAGE,
  MAX_STRING_VALUE_LENGTH,
  qualities,
  type TelemetryMessage,
  year2000Ms,
  year2100Ms,
} from './telemetry.ts';
import { topicIdPattern } from './topics.ts';

/** The schema's keys, in the check's order; the test compares them with the schema's shapes. */
export const checkedMessageKeys = ['v', 'gw', 'seq', 'points'] as const;
export const checkedPointKeys = ['d', 't', 'ts', 'v', 'q'] as const;

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Exactly `count` own keys, each of them one of `keys` (JSON.parse leaves no other kind). */
function hasOnlyKeys(value: Record<string, unknown>, keys: readonly string[]): boolean {
  let count = 0;
  for (const key in value) {
    if (!Object.hasOwn(value, key)) return false;
    count += 1;
  }
  if (count !== keys.length) return false;
  for (const key of keys) if (!Object.hasOwn(value, key)) return false;
  return true;
}

const isKey = (value: unknown): boolean =>
  typeof value === 'string' && value.length >= 1 && value.length <= MAX_KEY_LENGTH && keyPattern.test(value);

/** A point the schema accepts as it is. A long string value is left to the schema, which counts code points. */
function isPoint(point: unknown): boolean {
  if (!isRecord(point) || !hasOnlyKeys(point, checkedPointKeys)) return false;
  const { d, t, ts, v, q } = point;
  if (!isKey(d) || !isKey(t)) return false;
  if (typeof ts !== 'number' || !Number.isSafeInteger(ts) || ts < year2000Ms || ts > year2100Ms) return false;
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) return false;
  } else if (typeof v === 'string') {
    if (v.length > MAX_STRING_VALUE_LENGTH) return false;
  } else if (typeof v !== 'boolean') return false;
  return q === qualities[0] || q === qualities[1] || q === qualities[2];
}

/**
 * The message itself, typed, when `telemetryMessageSchema` would accept it as it is; null when it
 * might not, and the schema must decide and say why. For values from `JSON.parse` (plain objects and
 * arrays): the check reads own keys only.
 */
export function checkTelemetryMessage(parsed: unknown): TelemetryMessage | null {
  if (!isRecord(parsed) || !hasOnlyKeys(parsed, checkedMessageKeys)) return null;
  const { v, gw, seq, points } = parsed;
  if (v !== 1) return null;
  if (typeof gw !== 'string' || !topicIdPattern.test(gw)) return null;
  if (typeof seq !== 'number' || !Number.isSafeInteger(seq) || seq < 0) return null;
  if (!Array.isArray(points) || points.length < 1 || points.length > MAX_POINTS_PER_MESSAGE) return null;
  for (let i = 0; i < points.length; i += 1) if (!isPoint(points[i])) return null;
  return parsed as unknown as TelemetryMessage;
}
