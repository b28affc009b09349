// OPC UA values and status codes as telemetry values and qualities.
import type { Quality, TelemetryValue } from '@plantwatch/shared';
import { MAX_STRING_VALUE_LENGTH } from '@plantwatch/shared';

/** The severity bits of a StatusCode: 00 good, 01 uncertain, 10/11 bad. */
export function qualityOf(statusCode: number): Quality {
  const severity = statusCode >>> 30;
  if (severity === 0) return 'good';
  if (severity === 1) return 'uncertain';
  return 'bad';
}

/** A Variant's value as a number, boolean or string; null for what telemetry cannot carry. */
export function telemetryValue(value: unknown): TelemetryValue | null {
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  if (typeof value === 'boolean') return value;
  if (typeof value === 'bigint') return Number(value);
  if (typeof value === 'string') return value.slice(0, MAX_STRING_VALUE_LENGTH);
  if (value instanceof Date) return value.getTime();
  // node-opcua carries Int64/UInt64 as [high, low] 32-bit halves.
  if (Array.isArray(value) && value.length === 2 && value.every((v) => typeof v === 'number')) {
    const [high, low] = value as [number, number];
    return high * 2 ** 32 + (low >>> 0);
  }
  if (typeof value === 'object' && value !== null && 'text' in value) {
    const text = (value as { text: unknown }).text;
    return typeof text === 'string' ? text.slice(0, MAX_STRING_VALUE_LENGTH) : null;
  }
  return null;
}

export function scaledValue(value: TelemetryValue, tag: { scale: number; offset: number }): TelemetryValue {
  if (typeof value !== 'number' || (tag.scale === 1 && tag.offset === 0)) return value;
  return Number((value * tag.scale + tag.offset).toPrecision(12));
}
