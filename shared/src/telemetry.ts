// The telemetry message v1 a gateway publishes on dt/{tenantId}/{siteId}/{gatewayId}/telemetry.
import { z } from 'zod';
import { keySchema } from './ids.ts';
import { topicIdSchema } from './topics.ts';

/** AWS IoT Core rejects larger payloads, so the gateway splits batches below it and ingest refuses above it. */
export const MAX_TELEMETRY_BYTES = 128 * 1024;
export const MAX_POINTS_PER_MESSAGE = 10_000;
export const MAX_STRING_VALUE_LENGTH = 1000;

/** The bounds of a sample time (`epochMsSchema`). */
export const year2000Ms = 946_684_800_000;
export const year2100Ms = 4_102_444_800_000;

/**
 * Milliseconds since 1970-01-01 UTC. The bounds catch the two mistakes seen in the field: a
 * timestamp in seconds (or a PLC clock that was never set) and one in microseconds.
 */
export const epochMsSchema = z
  .number({ error: 'must be a time in epoch milliseconds, such as 1735689600000' })
  .int('must be whole epoch milliseconds')
  .min(year2000Ms, 'must be epoch milliseconds after 2000-01-01 (a smaller number is probably seconds)')
  .max(year2100Ms, 'must be epoch milliseconds before 2100-01-01 (a larger number is probably microseconds)');

export const qualities = ['good', 'bad', 'uncertain'] as const;
export const qualitySchema = z.enum(qualities, { error: 'must be "good", "bad" or "uncertain"' });
export type Quality = z.infer<typeof qualitySchema>;

// z.number() already refuses NaN and ±Infinity (JSON cannot carry them, but in-process callers can);
// the union's own message says so, instead of three "expected …" messages.
export const telemetryValueSchema = z.union(
  [
    z.number(),
    z.boolean(),
    z.string().max(MAX_STRING_VALUE_LENGTH, `must be at most ${MAX_STRING_VALUE_LENGTH} characters`),
  ],
  { error: 'must be a finite number, a boolean or a string' },
);
export type TelemetryValue = z.infer<typeof telemetryValueSchema>;

export const telemetryPointSchema = z
  .strictObject({
    d: keySchema.meta({ description: 'Device key' }),
    t: keySchema.meta({ description: 'Tag key, unique within its device' }),
    ts: epochMsSchema.meta({ description: 'Sample time at the gateway, epoch ms' }),
    v: telemetryValueSchema,
    q: qualitySchema,
  })
  .meta({ id: 'TelemetryPoint' });
export type TelemetryPoint = z.infer<typeof telemetryPointSchema>;

export const telemetryMessageSchema = z
  .strictObject({
    v: z.literal(1, { error: 'must be 1: this is telemetry message version 1' }),
    gw: topicIdSchema.meta({ description: 'Gateway id; must equal the gateway id in the topic' }),
    seq: z
      .number({ error: 'must be a whole number' })
      .int('must be a whole number')
      .min(0, 'must not be negative')
      .meta({ description: 'Batch sequence number; with point identity it makes a replay harmless' }),
    points: z
      .array(telemetryPointSchema)
      .min(1, 'must hold at least one point')
      .max(MAX_POINTS_PER_MESSAGE, `must hold at most ${MAX_POINTS_PER_MESSAGE} points; split the batch`),
  })
  .meta({ id: 'TelemetryMessage' });
export type TelemetryMessage = z.infer<typeof telemetryMessageSchema>;

/** One point as stores keep it: the topic's ids spelled out, the wire's one-letter names expanded. */
export interface TelemetryPointRecord {
  tenantId: string;
  siteId: string;
  gatewayId: string;
  deviceKey: string;
  tagKey: string;
  ts: number;
  value: TelemetryValue;
  quality: Quality;
}

/** The ids come from the topic, which the broker authorised, never from the payload. */
export function toTelemetryPointRecords(
  ids: { tenantId: string; siteId: string; gatewayId: string },
  message: TelemetryMessage,
): TelemetryPointRecord[] {
  return message.points.map((point) => ({
    tenantId: ids.tenantId,
    siteId: ids.siteId,
    gatewayId: ids.gatewayId,
    deviceKey: point.d,
    tagKey: point.t,
    ts: point.ts,
    value: point.v,
    quality: point.q,
  }));
}
