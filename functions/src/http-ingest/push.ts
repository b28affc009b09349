// POST /v1/ingest/http: a device's readings as one telemetry message of its gateway, handed to the
// same ingest as MQTT (the ingest use-case locally, the ingest queue on AWS), so the checks, replay
// detection and dead letters are the same. Each device is rate-limited on its own.
import {
  ForbiddenError,
  type HttpIngestBody,
  type HttpIngestResult,
  RateLimitedError,
  type TelemetryMessage,
  telemetryTopic,
} from '@plantwatch/shared';
import { HttpRequestError } from '../platform/http/errors.ts';
import type { InboundLimiter } from '../platform/http/inbound-limits.ts';
import type { AuthenticatedDevice } from './device-keys.ts';
import type { TelemetrySubmitter } from './ports.ts';

export interface HttpIngestDeps {
  telemetrySubmitter: TelemetrySubmitter;
  inboundLimits: { httpIngestPerDevice: InboundLimiter };
}

/** The message a gateway would have sent for these readings (the same bytes for the same body). */
export function telemetryMessageOf(
  device: AuthenticatedDevice['device'],
  body: HttpIngestBody,
  receivedAt: number,
): TelemetryMessage {
  return {
    v: 1,
    gw: device.gatewayId,
    seq: body.seq,
    points: body.readings.map((r) => ({ d: device.key, t: r.tag, ts: r.ts ?? receivedAt, v: r.v, q: r.q })),
  };
}

export async function pushReadings(
  deps: HttpIngestDeps,
  auth: AuthenticatedDevice,
  body: HttpIngestBody,
  receivedAt: number,
): Promise<HttpIngestResult> {
  const { device } = auth;
  const verdict = await deps.inboundLimits.httpIngestPerDevice.consume(`${auth.tenantId}/${device.id}`);
  if (!verdict.allowed) {
    throw new RateLimitedError(
      `too many requests from device ${device.key}; try again in ${verdict.retryAfterSeconds} s`,
      verdict.retryAfterSeconds,
    );
  }
  if (!device.enabled) throw new ForbiddenError(`device ${device.key} is switched off in Plantwatch`);
  const topic = telemetryTopic({
    tenantId: auth.tenantId,
    siteId: device.siteId,
    gatewayId: device.gatewayId,
  });
  const payload = Buffer.from(JSON.stringify(telemetryMessageOf(device, body, receivedAt)));
  const outcome = await deps.telemetrySubmitter.submit({ topic, payload, receivedAt });
  switch (outcome.status) {
    case 'stored':
      return { status: 'stored', written: outcome.written, duplicates: outcome.duplicates };
    case 'replay':
      return { status: 'replay' };
    case 'queued':
      return { status: 'queued' };
    case 'dead-lettered':
      // Kept with the reason (GET /v1/ingest/dead-letters), as a gateway's bad message is.
      throw new HttpRequestError(422, outcome.reason, outcome.detail);
    default:
      throw new Error(`ingest answered ${outcome.status} for telemetry`);
  }
}
