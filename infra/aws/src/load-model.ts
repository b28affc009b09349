// The load model the stack is sized from (ingest queue, concurrency, batches) and `npm run cost`
// prices: sites × tags polled every `pollSeconds`, a fraction of them changing per poll, each gateway
// publishing every `publishSeconds`. What a point and a message weigh on the wire is measured by the
// gateway bench (`npm run bench -- gateway`, written to measured-traffic.json), not assumed.
import measured from './measured-traffic.json' with { type: 'json' };

export interface LoadModel {
  readonly sites: number;
  readonly tagsPerSite: number;
  readonly pollSeconds: number;
  /** Fraction of the tags that change (past their deadband) at each poll. */
  readonly changeFraction: number;
  /** The gateways' publish interval (mqtt.publishIntervalMs / 1000). */
  readonly publishSeconds: number;
  /** A tag that does not change is sent again this often (the gateway's heartbeatMs, 60 s default). */
  readonly heartbeatSeconds: number;
}

export const DEFAULT_LOAD: LoadModel = {
  sites: 100,
  tagsPerSite: 200,
  pollSeconds: 1,
  changeFraction: 0.1,
  publishSeconds: 5,
  heartbeatSeconds: 60,
};

/** From the gateway bench: JSON bytes per point and per message envelope. */
export const MEASURED = {
  bytesPerPoint: measured.bytesPerPoint,
  envelopeBytes: measured.envelopeBytes,
  measuredAt: measured.measuredAt,
} as const;

/** A gateway splits a batch at 1,000 points or at the broker's 128 KB (less 2 KB of envelope room). */
const MAX_POINTS_PER_MESSAGE = 1000;
const MAX_MESSAGE_BYTES = 128 * 1024 - 2048;
/**
 * What the IoT rule adds around a message: {"payload":"<base64>","topic":"dt/<36>/<36>/<36>/telemetry",
 * "receivedAt":<13>} — base64 takes 4 bytes per 3.
 */
const RULE_ENVELOPE_BYTES = 160;

export interface Traffic {
  readonly pointsPerSecond: number;
  readonly messagesPerSecond: number;
  readonly pointsPerMessage: number;
  /** The MQTT payload. */
  readonly messageBytes: number;
  /** The record the rule puts on the queue or stream (base64 payload inside a JSON envelope). */
  readonly recordBytes: number;
}

export function trafficOf(load: LoadModel, bytesPerPoint: number = MEASURED.bytesPerPoint): Traffic {
  const changing = (load.tagsPerSite * load.changeFraction) / load.pollSeconds;
  // A tag goes out again on its heartbeat only if it did not change for a whole heartbeat (changes
  // fall on random tags, as in the bench).
  const unchangedForHeartbeat = (1 - load.changeFraction) ** (load.heartbeatSeconds / load.pollSeconds);
  const heartbeats = (load.tagsPerSite * unchangedForHeartbeat) / load.heartbeatSeconds;
  const sitePointsPerSecond = changing + heartbeats;
  const perInterval = sitePointsPerSecond * load.publishSeconds;
  const pointsPerMessageCap = Math.min(
    MAX_POINTS_PER_MESSAGE,
    Math.floor((MAX_MESSAGE_BYTES - MEASURED.envelopeBytes) / bytesPerPoint),
  );
  const messagesPerInterval = Math.max(1, Math.ceil(perInterval / pointsPerMessageCap));
  const pointsPerMessage = perInterval / messagesPerInterval;
  const messageBytes = MEASURED.envelopeBytes + pointsPerMessage * bytesPerPoint;
  return {
    pointsPerSecond: sitePointsPerSecond * load.sites,
    messagesPerSecond: (messagesPerInterval / load.publishSeconds) * load.sites,
    pointsPerMessage,
    messageBytes,
    recordBytes: RULE_ENVELOPE_BYTES + Math.ceil(messageBytes / 3) * 4,
  };
}

/**
 * Ingest time per message on Aurora (an assumption, not a measurement: the ingest bench runs on the
 * local stores): one insert statement for the points, the alarm evaluation's transaction, and the
 * Lambda's share of the batch. Sizing multiplies it by a headroom of 3.
 */
export const INGEST_SECONDS_PER_MESSAGE = 0.03;
export const INGEST_SECONDS_PER_POINT = 0.00005;
const HEADROOM = 3;

export type IngestQueue = 'kinesis' | 'sqs';

export interface IngestSizing {
  readonly queue: IngestQueue;
  /** Kinesis shards (provisioned mode); 0 for SQS. */
  readonly shards: number;
  readonly batchSize: number;
  readonly batchingWindowSeconds: number;
  /** Concurrent batches per shard (Kinesis). */
  readonly parallelizationFactor: number;
  /** Ingest function instances at most: the connection budget and the reserved concurrency. */
  readonly concurrency: number;
  /** Busy function-seconds per second of traffic (what Lambda bills). */
  readonly busySecondsPerSecond: number;
}

/** A Kinesis shard takes 1 MB/s and 1,000 records/s; sized to 70 % of either. */
const SHARD_BYTES = 1_000_000 * 0.7;
const SHARD_RECORDS = 1000 * 0.7;
/** Lambda's invocation payload is 6 MB; records arrive base64-encoded again inside the event. */
const EVENT_BYTES = 5_500_000;

export function ingestSizing(
  traffic: Traffic,
  queue: IngestQueue,
  concurrencyOverride?: number,
): IngestSizing {
  const busy =
    traffic.messagesPerSecond * INGEST_SECONDS_PER_MESSAGE +
    traffic.pointsPerSecond * INGEST_SECONDS_PER_POINT;
  const needed = Math.max(1, Math.ceil(busy * HEADROOM));
  if (queue === 'sqs') {
    return {
      queue,
      shards: 0,
      batchSize: 10,
      batchingWindowSeconds: 1,
      parallelizationFactor: 1,
      // The SQS event source runs at least 2 concurrent batches.
      concurrency: Math.max(2, concurrencyOverride ?? needed),
      busySecondsPerSecond: busy,
    };
  }
  const shards = Math.max(
    1,
    Math.ceil((traffic.messagesPerSecond * traffic.recordBytes) / SHARD_BYTES),
    Math.ceil(traffic.messagesPerSecond / SHARD_RECORDS),
  );
  const wanted = concurrencyOverride ?? needed;
  const parallelizationFactor = Math.min(10, Math.max(1, Math.ceil(wanted / shards)));
  const perEvent = Math.floor(EVENT_BYTES / (Math.ceil(traffic.recordBytes / 3) * 4));
  return {
    queue,
    shards,
    // Batches of hundreds at scale; a small fleet still waits at most the window.
    batchSize: Math.max(1, Math.min(1000, perEvent)),
    batchingWindowSeconds: 2,
    parallelizationFactor,
    concurrency: shards * parallelizationFactor,
    busySecondsPerSecond: busy,
  };
}

/**
 * Aurora PostgreSQL Serverless v2's max_connections: set from the maximum capacity (about 189 per ACU,
 * published values: 1 ACU → 189, 16 ACU → 3,360), capped at 2,000 when the minimum is below 1 ACU and
 * at 5,000 in any case. Conservative: 189 per ACU throughout.
 */
export function auroraMaxConnections(minAcu: number, maxAcu: number): number {
  return Math.min(Math.floor(189 * maxAcu), minAcu < 1 ? 2000 : 5000);
}
