// Reading one telemetry message off the wire: its size, topic, JSON, schema and gateway, then its
// sample times. Each refusal is a DeadLetterError whose reason and words the dead letter keeps.
import {
  checkTelemetryMessage,
  type DeadLetterReason,
  MAX_TELEMETRY_BYTES,
  parseTopic,
  type TelemetryMessage,
  telemetryMessageSchema,
} from '@plantwatch/shared';

/** Gateway clocks drift; beyond this a timestamp is wrong, not early. */
export const MAX_FUTURE_SKEW_MS = 15 * 60_000;

/** A message that will never pass: dead-lettered with its reason, never retried. */
export class DeadLetterError extends Error {
  readonly reason: DeadLetterReason;
  constructor(reason: DeadLetterReason, detail: string) {
    super(detail);
    this.name = 'DeadLetterError';
    this.reason = reason;
  }
}

/**
 * zod at the boundary (ADR 0059): every message the plain check did not accept as it is, so each
 * refusal carries the schema's reasons.
 */
function checkedBySchema(parsed: unknown): TelemetryMessage {
  const nonFinite = firstNonFinite(parsed);
  if (nonFinite) throw new DeadLetterError('non_finite_value', `${nonFinite}; values must be finite numbers`);
  const result = telemetryMessageSchema.safeParse(parsed);
  if (!result.success) {
    const issues = result.error.issues
      .slice(0, 5)
      .map((i) => `${i.path.join('.') || '(message)'}: ${i.message}`);
    throw new DeadLetterError('schema', issues.join('; '));
  }
  return result.data;
}

function firstNonFinite(parsed: unknown): string | null {
  const points = (parsed as { points?: unknown })?.points;
  if (!Array.isArray(points)) return null;
  for (const [index, point] of points.entries()) {
    const value = (point as { v?: unknown })?.v;
    if (typeof value === 'number' && !Number.isFinite(value)) return `points.${index}.v is ${value}`;
  }
  return null;
}

/** The topic's ids and the message, or a DeadLetterError saying why not. */
export function readTelemetryMessage(topicName: string, payload: Buffer) {
  if (payload.length > MAX_TELEMETRY_BYTES) {
    throw new DeadLetterError(
      'too_large',
      `the payload is ${payload.length} bytes; at most ${MAX_TELEMETRY_BYTES} are accepted`,
    );
  }
  const topic = parseTopic(topicName);
  if (topic?.kind !== 'telemetry') {
    throw new DeadLetterError(
      'bad_topic',
      'not a telemetry topic dt/{tenantId}/{siteId}/{gatewayId}/telemetry',
    );
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(payload.toString('utf8'));
  } catch (error) {
    throw new DeadLetterError('bad_json', `the payload is not JSON: ${(error as Error).message}`);
  }
  const message = checkTelemetryMessage(parsed) ?? checkedBySchema(parsed);
  if (message.gw !== topic.gatewayId) {
    throw new DeadLetterError('gateway_mismatch', `gw "${message.gw}" is not the gateway in the topic`);
  }
  return { topic, message };
}

/** Refuses a message with a sample too far after its arrival or older than the store keeps. */
export function checkTimes(
  message: TelemetryMessage,
  at: { receivedAt: number; now: number; maxPointAgeMs: number },
): void {
  const oldest = at.now - at.maxPointAgeMs;
  for (const [index, point] of message.points.entries()) {
    if (point.ts > at.receivedAt + MAX_FUTURE_SKEW_MS) {
      throw new DeadLetterError(
        'future_timestamp',
        `points.${index}.ts ${new Date(point.ts).toISOString()} is more than 15 min after the message arrived; check the gateway's clock`,
      );
    }
    if (point.ts < oldest) {
      throw new DeadLetterError(
        'too_old',
        `points.${index}.ts ${new Date(point.ts).toISOString()} is older than the telemetry store accepts (${Math.round(at.maxPointAgeMs / 86_400_000)} days)`,
      );
    }
  }
}
