// Ingest of one telemetry message: validate it, check the gateway and its points against the plant
// model, drop replays, store the points, hand them to the alarm evaluator. A message that can never
// succeed goes to the dead-letter store with its reason; a failure that may pass (the store is down)
// is thrown, so the caller redelivers the message later.
import { createHash } from 'node:crypto';
import {
  DEAD_LETTER_PAYLOAD_CHARS,
  type DeadLetterReason,
  gatewayCommandResponsePartSchema,
  gatewayStatusSchema,
  idSchema,
  MAX_TELEMETRY_BYTES,
  parseTopic,
  type TelemetryMessage,
  toTelemetryPointRecords,
} from '@plantwatch/shared';
import type { z } from 'zod';
import type { AlarmEvaluator, AlarmPoint } from '../alarms/ports.ts';
import type { DerivedTagCalculator } from '../derived-tags/calculator.ts';
import { droppedAt } from '../gateway-health/health.ts';
import type { GatewayTelemetryModel, PlantRepositories } from '../plant/ports.ts';
import type { Clock } from '../platform/clock.ts';
import { withCorrelationId } from '../platform/correlation.ts';
import type { TenantStore } from '../platform/database/tenant-store.ts';
import type { IdGenerator } from '../platform/id-generator.ts';
import type { Metrics } from '../platform/metrics.ts';
import { logger } from '../platform/observability.ts';
import { annotateTrace, traced } from '../platform/tracing.ts';
import type { TelemetryStore } from '../telemetry/ports.ts';
import type { PointsQuota } from '../usage/points-meter.ts';
import { coalesceAlarmEvaluations } from './coalesce-evaluations.ts';
import type { DeadLetterRepositories, GatewayReports } from './ports.ts';
import { checkTimes, DeadLetterError, readTelemetryMessage } from './telemetry-message.ts';

export interface IngestDeps {
  store: TenantStore<Pick<PlantRepositories, 'gateways'> & DeadLetterRepositories>;
  telemetry: TelemetryStore;
  alarms: AlarmEvaluator;
  clock: Clock;
  ids: IdGenerator;
  /** Where gateway health and command answers go; none: they are only validated. */
  gatewayReports?: GatewayReports;
  /** The tenant's plan's points a day: over it, messages are dead-lettered (quota); none: no limit. */
  points?: PointsQuota;
  /** Points stored, dead letters by reason, ingest latency and store write time. */
  metrics?: Metrics;
  /** Computes the site's derived tags a batch feeds (ADR 0039); none: no derived tags. */
  derived?: DerivedTagCalculator;
}

/** One message as the broker received it. */
export interface IncomingTelemetry {
  topic: string;
  payload: Buffer;
  /** When the broker received it, epoch ms: the reference for "too far in the future". */
  receivedAt: number;
  /** Set by a caller that has one (an HTTP request id); otherwise `<gatewayId>:<seq>` of the message. */
  correlationId?: string;
}

/**
 * The correlation id of a message: `<gatewayId>:<seq>` (a replay of the batch gets the same), read
 * from the topic and the head of the payload without parsing it (the gateway writes `seq` near the
 * start); `<gatewayId>:@<receivedAt>` when there is no seq (status messages, command answers).
 */
export function correlationIdOf(incoming: IncomingTelemetry): string {
  if (incoming.correlationId) return incoming.correlationId;
  const gatewayId = parseTopic(incoming.topic)?.gatewayId ?? 'unknown';
  const seq = /"seq"\s*:\s*(\d+)/.exec(incoming.payload.subarray(0, 512).toString('utf8'))?.[1];
  return seq === undefined ? `${gatewayId}:@${incoming.receivedAt}` : `${gatewayId}:${seq}`;
}

export type IngestOutcome =
  | { status: 'stored'; written: number; duplicates: number }
  | { status: 'replay' }
  /** A gateway status message (online/offline), handed to the alarm evaluator; an empty one clears the retained status. */
  | { status: 'gateway-status'; online: boolean | null }
  /** One part of a gateway's answer to a command, stored for the waiting request. */
  | { status: 'command-response'; part: number; parts: number }
  | { status: 'dead-lettered'; reason: DeadLetterReason; detail: string; kept: boolean };

const PLANT_CACHE_MS = 10_000;
/** A gateway's "last data" time is written at most this often. */
const SAW_DATA_EVERY_MS = 5_000;
const RECENT_BATCHES = 50_000;

/** What ingest knows of one gateway: its site and what its telemetry may name, read once and cached. */
interface GatewayPlant {
  siteId: string;
  model: GatewayTelemetryModel;
  loadedAt: number;
}

/** The telemetry store's write, timed into telemetry_write_seconds and traced as a span. */
async function timed<T>(metrics: Metrics | undefined, write: () => Promise<T>): Promise<T> {
  const started = performance.now();
  try {
    return await traced('store write', {}, write);
  } finally {
    metrics?.observe('telemetry_write_seconds', (performance.now() - started) / 1000);
  }
}

/** A stateful ingestor: it caches each gateway's devices and tags briefly and remembers recent batches. */
export function createTelemetryIngestor(deps: IngestDeps) {
  const plants = new Map<string, GatewayPlant>();
  const recentBatches = new Set<string>();
  const inFlight = new Map<string, Promise<IngestOutcome>>();
  const alarms = coalesceAlarmEvaluations(deps.alarms);
  const dataMarkedAt = new Map<string, number>();
  /** When this process last stored a telemetry batch (/v1/health's last-ingest check). */
  let lastStoredAt: Date | null = null;

  async function loadPlant(tenantId: string, gatewayId: string): Promise<GatewayPlant | null> {
    const plant = await deps.store.inTenant(tenantId, async (repos) => {
      const gateway = await repos.gateways.get(gatewayId);
      if (!gateway) return null;
      return { siteId: gateway.siteId, model: await repos.gateways.telemetryModel(gatewayId) };
    });
    const key = `${tenantId}/${gatewayId}`;
    if (!plant) {
      plants.delete(key);
      return null;
    }
    const loaded = { ...plant, loadedAt: Date.now() };
    plants.set(key, loaded);
    return loaded;
  }

  /**
   * Resolves every point to its tag and device from the gateway's plant model (read once, cached).
   * Unknown names are looked up again before refusing: a tag created a moment ago must not be lost.
   */
  async function resolvePoints(
    ids: { tenantId: string; siteId: string; gatewayId: string },
    message: TelemetryMessage,
  ): Promise<AlarmPoint[]> {
    if (![ids.tenantId, ids.siteId, ids.gatewayId].every((id) => idSchema.safeParse(id).success)) {
      throw new DeadLetterError('unknown_gateway', 'the topic does not name a gateway of this tenant');
    }
    const cached = plants.get(`${ids.tenantId}/${ids.gatewayId}`);
    const fresh = cached && Date.now() - cached.loadedAt < PLANT_CACHE_MS ? cached : null;
    const problem = (plant: GatewayPlant | null): [DeadLetterReason, string] | null => {
      if (!plant || plant.siteId !== ids.siteId) {
        return ['unknown_gateway', `gateway ${ids.gatewayId} is not a gateway of site ${ids.siteId}`];
      }
      for (const point of message.points) {
        const device = plant.model.get(point.d);
        if (!device) return ['unknown_device', `device "${point.d}" is not configured on this gateway`];
        if (!device.tags.has(point.t))
          return ['unknown_tag', `tag "${point.t}" is not configured on device "${point.d}"`];
      }
      return null;
    };
    let plant = fresh && problem(fresh) === null ? fresh : null;
    if (!plant) {
      const loaded = await loadPlant(ids.tenantId, ids.gatewayId);
      const found = problem(loaded);
      if (found || !loaded) throw new DeadLetterError(...(found ?? ['unknown_gateway', 'no such gateway']));
      plant = loaded;
    }
    const model = plant.model;
    return message.points.map((point) => {
      const device = model.get(point.d);
      const tagId = device?.tags.get(point.t);
      // problem() above made sure every name resolves
      if (!device || tagId === undefined) throw new Error(`unresolved point ${point.d}/${point.t}`);
      return { tagId, deviceId: device.deviceId, ts: point.ts, value: point.v, quality: point.q };
    });
  }

  async function deadLetter(incoming: IncomingTelemetry, error: DeadLetterError): Promise<IngestOutcome> {
    // Read the ids leniently: a topic with one level too many still says whose it is.
    const [, tenantPart, sitePart, gatewayPart] = incoming.topic.split('/');
    const topic = { tenantId: tenantPart, siteId: sitePart, gatewayId: gatewayPart };
    const uuid = (id: string | undefined) => (id && idSchema.safeParse(id).success ? id : null);
    const tenantId = uuid(topic.tenantId);
    const context = { tenantId, siteId: topic.siteId, gatewayId: topic.gatewayId, reason: error.reason };
    logger.warn('telemetry dead-lettered', { ...context, topic: incoming.topic, detail: error.message });
    deps.metrics?.increment('telemetry_dead_letters', { reason: error.reason });
    if (!tenantId) {
      // No tenant to file it under: the log line above is its record.
      return { status: 'dead-lettered', reason: error.reason, detail: error.message, kept: false };
    }
    const known =
      error.reason === 'unknown_gateway'
        ? null
        : { siteId: uuid(topic.siteId), gatewayId: uuid(topic.gatewayId) };
    try {
      await deps.store.inTenant(tenantId, (repos) =>
        repos.deadLetters.insert({
          id: deps.ids.newId(),
          siteId: known?.siteId ?? null,
          gatewayId: known?.gatewayId ?? null,
          topic: incoming.topic,
          reason: error.reason,
          detail: error.message,
          payload: incoming.payload.toString('utf8').slice(0, DEAD_LETTER_PAYLOAD_CHARS),
          payloadBytes: incoming.payload.length,
          receivedAt: new Date(incoming.receivedAt),
        }),
      );
    } catch (insertError) {
      // 23503: the topic's tenant does not exist, so there is nobody to show it to.
      if (
        (insertError as { code?: string; cause?: { code?: string } }).cause?.code === '23503' ||
        (insertError as { code?: string }).code === '23503'
      ) {
        logger.error('dead letter for an unknown tenant', context);
        return { status: 'dead-lettered', reason: error.reason, detail: error.message, kept: false };
      }
      throw insertError;
    }
    return { status: 'dead-lettered', reason: error.reason, detail: error.message, kept: true };
  }

  function remember(batchKey: string): void {
    recentBatches.add(batchKey);
    if (recentBatches.size > RECENT_BATCHES) {
      const oldest = recentBatches.values().next().value;
      if (oldest !== undefined) recentBatches.delete(oldest);
    }
  }

  /** A gateway's JSON message on one of its other topics, checked: schema, and the gateway is the site's. */
  async function gatewayMessage<S extends z.ZodType>(
    incoming: IncomingTelemetry,
    topic: { tenantId: string; siteId: string; gatewayId: string },
    schema: S,
    what: string,
  ): Promise<z.output<S>> {
    if (incoming.payload.length > MAX_TELEMETRY_BYTES) {
      throw new DeadLetterError('too_large', `the ${what} is ${incoming.payload.length} bytes`);
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(incoming.payload.toString('utf8'));
    } catch (error) {
      throw new DeadLetterError('bad_json', `the ${what} is not JSON: ${(error as Error).message}`);
    }
    const result = schema.safeParse(parsed);
    if (!result.success) {
      const issues = result.error.issues
        .slice(0, 5)
        .map((i) => `${i.path.join('.') || `(${what})`}: ${i.message}`);
      throw new DeadLetterError('schema', issues.join('; '));
    }
    const gw = (result.data as { gw?: unknown }).gw;
    if (gw !== undefined && gw !== topic.gatewayId) {
      throw new DeadLetterError('gateway_mismatch', `gw "${String(gw)}" is not the gateway in the topic`);
    }
    if (![topic.tenantId, topic.siteId, topic.gatewayId].every((id) => idSchema.safeParse(id).success)) {
      throw new DeadLetterError('unknown_gateway', 'the topic does not name a gateway of this tenant');
    }
    const cached = plants.get(`${topic.tenantId}/${topic.gatewayId}`);
    const plant = cached ?? (await loadPlant(topic.tenantId, topic.gatewayId));
    if (!plant || plant.siteId !== topic.siteId) {
      throw new DeadLetterError(
        'unknown_gateway',
        `gateway ${topic.gatewayId} is not a gateway of site ${topic.siteId}`,
      );
    }
    return result.data;
  }

  /**
   * The retained status topic: online, or offline (the Last Will, published by the broker when the
   * connection drops). It is stored as the gateway's health; the online/offline edge and the buffer's
   * drops go to the alarms, dated by the broker's receive time (a Last Will's own `ts` is the time the
   * gateway connected).
   */
  async function gatewayStatus(
    incoming: IncomingTelemetry,
    topic: { tenantId: string; siteId: string; gatewayId: string },
  ): Promise<IngestOutcome> {
    // An empty retained message is how a retained status is cleared: nothing to tell the alarms.
    if (incoming.payload.length === 0) return { status: 'gateway-status', online: null };
    const status = await gatewayMessage(incoming, topic, gatewayStatusSchema, 'status');
    const online = status.state === 'online';
    const { tenantId, siteId, gatewayId } = topic;
    await deps.gatewayReports?.status({ tenantId, gatewayId }, status, incoming.receivedAt);
    const dropped = droppedAt(status, incoming.receivedAt);
    await alarms.gatewayStatus({
      tenantId,
      siteId,
      gatewayId,
      online,
      at: incoming.receivedAt,
      ...(dropped === undefined ? {} : { droppedAt: dropped }),
    });
    return { status: 'gateway-status', online };
  }

  /** One part of a gateway's answer to a command (browse, read-once). */
  async function commandResponse(
    incoming: IncomingTelemetry,
    topic: { tenantId: string; siteId: string; gatewayId: string },
  ): Promise<IngestOutcome> {
    const part = await gatewayMessage(incoming, topic, gatewayCommandResponsePartSchema, 'response');
    const ids = { tenantId: topic.tenantId, gatewayId: topic.gatewayId };
    if (deps.gatewayReports && !(await deps.gatewayReports.commandResponse(ids, part, incoming.receivedAt))) {
      throw new DeadLetterError('unknown_command', `no command ${part.id} was sent to this gateway`);
    }
    return { status: 'command-response', part: part.part, parts: part.parts };
  }

  /** Telemetry arrived: the gateway's "last data", written every few seconds at most. */
  async function markData(topic: { tenantId: string; gatewayId: string }, at: number): Promise<void> {
    const key = `${topic.tenantId}/${topic.gatewayId}`;
    if (!deps.gatewayReports || at - (dataMarkedAt.get(key) ?? 0) < SAW_DATA_EVERY_MS) return;
    dataMarkedAt.set(key, at);
    try {
      await deps.gatewayReports.sawData(topic, at);
    } catch (error) {
      // The data itself is stored; the next batch writes the time again.
      dataMarkedAt.delete(key);
      logger.warn('could not note when the gateway last sent data', { ...topic, error });
    }
  }

  /** One message in its correlation context: every log line of its path carries the id. */
  function ingest(incoming: IncomingTelemetry): Promise<IngestOutcome> {
    return withCorrelationId(correlationIdOf(incoming), () =>
      traced('ingest', {}, () => ingestMessage(incoming)),
    );
  }

  async function ingestMessage(incoming: IncomingTelemetry): Promise<IngestOutcome> {
    let checked: ReturnType<typeof readTelemetryMessage>;
    try {
      const gatewayTopic = parseTopic(incoming.topic);
      if (gatewayTopic?.kind === 'status') return await gatewayStatus(incoming, gatewayTopic);
      if (gatewayTopic?.kind === 'response') return await commandResponse(incoming, gatewayTopic);
      checked = readTelemetryMessage(incoming.topic, incoming.payload);
      checkTimes(checked.message, {
        receivedAt: incoming.receivedAt,
        now: deps.clock.now().getTime(),
        maxPointAgeMs: deps.telemetry.maxPointAgeMs,
      });
      // A gateway replays a whole batch with the same seq and payload; a restarted one may reuse a seq.
      const batchKey = `${incoming.topic}\u0000${checked.message.seq}\u0000${createHash('sha1').update(incoming.payload).digest('base64')}`;
      if (recentBatches.has(batchKey)) return { status: 'replay' };
      // The same batch twice in one delivery: the second waits for the first and is its replay.
      const running = inFlight.get(batchKey);
      if (running) {
        await running;
        return { status: 'replay' };
      }
      const { topic, message } = checked;
      annotateTrace({ tenantId: topic.tenantId, gatewayId: topic.gatewayId });
      const work = (async (): Promise<IngestOutcome> => {
        const resolved = await resolvePoints(topic, message);
        const refusal = await deps.points?.refusal(topic.tenantId, message.points.length);
        if (refusal) {
          deps.points?.record(topic.tenantId, { refused: message.points.length });
          throw new DeadLetterError('quota', refusal);
        }
        // Admitted points count against the plan until stored or failed (PointsQuota.release).
        let admitted = true;
        try {
          // Stored and evaluated side by side (ADR 0034): the engine reads nothing of the telemetry
          // store, and either failing fails the message, which comes again; the evaluation of a batch
          // seen before changes nothing (samples at or before a rule's last are skipped).
          // Derived tags (ADR 0039) are computed first, from the inputs' stored values, and their
          // points stored and evaluated with the batch's; their site stands where a gateway would.
          const derived = deps.derived ? await deps.derived.derive(topic, resolved) : null;
          const records = toTelemetryPointRecords(topic, message);
          const [{ written, duplicates }] = await Promise.all([
            timed(deps.metrics, () =>
              deps.telemetry.write(derived?.records.length ? [...records, ...derived.records] : records),
            ),
            traced('alarm evaluation', {}, () => alarms.evaluate({ ...topic, points: resolved })),
            derived?.alarmPoints.length
              ? alarms.evaluate({ ...topic, gatewayId: topic.siteId, points: derived.alarmPoints })
              : undefined,
          ]);
          deps.points?.record(topic.tenantId, { stored: written });
          deps.points?.release(topic.tenantId, message.points.length);
          admitted = false;
          await markData(topic, incoming.receivedAt);
          remember(batchKey);
          lastStoredAt = deps.clock.now();
          logger.debug('telemetry batch stored', { ...topic, seq: message.seq, written, duplicates });
          deps.metrics?.increment('telemetry_points_stored', {}, written);
          deps.metrics?.observe(
            'ingest_latency_seconds',
            (deps.clock.now().getTime() - incoming.receivedAt) / 1000,
          );
          return { status: 'stored', written, duplicates };
        } finally {
          if (admitted) deps.points?.release(topic.tenantId, message.points.length);
        }
      })();
      inFlight.set(batchKey, work);
      try {
        return await work;
      } finally {
        inFlight.delete(batchKey);
      }
    } catch (error) {
      if (error instanceof DeadLetterError) return deadLetter(incoming, error);
      throw error;
    }
  }

  return {
    /** One message: its outcome, or a throw when it may pass later (the caller redelivers it). */
    ingest,
    /**
     * Messages handled side by side (the telemetry store commits them together); the latest value
     * stays right whatever the order, because a store only replaces it with a newer sample. One
     * message's failure never fails the others: each settles on its own.
     */
    ingestBatch: (messages: readonly IncomingTelemetry[]): Promise<PromiseSettledResult<IngestOutcome>[]> =>
      Promise.allSettled(messages.map(ingest)),
    /** When this process last stored a telemetry batch; null before the first. */
    lastStoredAt: (): Date | null => lastStoredAt,
    /** Forget what is cached of a gateway's plant: its devices or tags changed. */
    forgetGateway({ tenantId, gatewayId }: { tenantId: string; gatewayId: string }): void {
      plants.delete(`${tenantId}/${gatewayId}`);
    },
  };
}

export type TelemetryIngestor = ReturnType<typeof createTelemetryIngestor>;
