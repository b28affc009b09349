// Publishes the buffer's batches over MQTT (mqtt.js, mutual TLS), QoS 1, oldest first, at most
// maxPublishesPerSecond, and deletes a batch as soon as the broker acknowledges it. Also keeps the
// retained status (with the Last Will for "offline") and listens to the config topic.
//
// This class alone owns what is in flight. Every connection is a fresh mqtt.js client that never
// reconnects or re-sends by itself: when a connection ends, whatever it had not acknowledged goes again
// on the next one, from the buffer, oldest first, each batch once. A connection is given up when a
// publish stays unacknowledged for publishTimeoutSeconds or the keep-alive goes unanswered (a frozen
// broker keeps the TCP connection open and answers nothing). While the oldest publish waits far longer
// than acknowledgements usually take, no more are sent into the connection, so a freeze leaves as few
// batches in doubt as possible (ADR 0023).
//
// Every device's changes go out together, at most once per publishIntervalMs: until the interval is
// up, fresh batches wait (a full one, or a backlog, goes at once), then everything this process wrote
// and never sent is merged into as few batches as fit, and published (ADR 0026).
import {
  configTopic,
  type GatewayStatus,
  type GatewayTopicIds,
  type MqttSettings,
  requestTopic,
  responseTopic,
  statusTopic,
  telemetryTopic,
} from '@plantwatch/shared';
import { type IClientOptions, type MqttClient, connect as mqttConnect } from 'mqtt';
import { Backoff } from './backoff.ts';
import type { DiskBuffer } from './buffer.ts';
import { type Credentials, readCredentials } from './credentials.ts';
import { type Logger, throttle } from './log.ts';

export interface PublisherOptions {
  settings: MqttSettings;
  ids: GatewayTopicIds;
  buffer: DiskBuffer;
  log: Logger;
  /** Relative certificate paths are resolved against this folder (the config file's). */
  baseDir: string;
  /** The current status (online); published retained on connect and by publishStatus(). */
  status: () => GatewayStatus;
  onConfigMessage: (payload: Buffer) => void;
  /** A command from the cloud (cmd/.../request): browse, read-once. */
  onRequest?: (payload: Buffer) => void;
  /** Batches published and not yet acknowledged, at most. */
  window?: number;
}

interface InFlight {
  sentAt: number;
  count: number;
}

/** No new batch goes into a connection whose oldest publish has waited this many smoothed round trips. */
const STALL_ROUND_TRIPS = 4;
const STALL_FLOOR_MS = 250;

export class Publisher {
  readonly #options: PublisherOptions;
  readonly #topic: string;
  readonly #credentials: Credentials;
  readonly #reconnectBackoff: Backoff;
  readonly #inFlight = new Map<number, InFlight>();
  /** Status publishes not yet acknowledged on the current connection: their send times. */
  readonly #statusInFlight = new Set<{ sentAt: number }>();
  readonly #recentPublishes: number[] = [];
  readonly #closedWarnDue = throttle(60_000);
  readonly #watchdog: NodeJS.Timeout;
  #client: MqttClient | null = null;
  /** Highest seq handed to the current connection. */
  #lastSentSeq = 0;
  /** Highest seq handed to any connection since start: batches up to it must go again unchanged. */
  #everSentSeq = 0;
  /** When the last telemetry publish went out (the publish interval counts from it). */
  #lastTelemetryAt = 0;
  /** Batches up to this seq were due when the interval was last up: they all go without waiting. */
  #releasedSeq = 0;
  #smoothedAckMs = 0;
  #pumpTimer: NodeJS.Timeout | null = null;
  #pumpQueued = false;
  #reconnectTimer: NodeJS.Timeout | null = null;
  #stopped = false;
  /** Publishes acknowledged by the broker since start. */
  acknowledgedBatches = 0;
  acknowledgedPoints = 0;
  /** Connections made since start. */
  connections = 0;
  /** Batches that were in flight on a connection that ended: sent again, and perhaps received twice. */
  readonly inDoubt = new Set<number>();

  constructor(options: PublisherOptions) {
    this.#options = options;
    this.#topic = options.settings.telemetryTopic ?? telemetryTopic(options.ids);
    this.#credentials = readCredentials(options.settings, options.baseDir);
    this.#reconnectBackoff = new Backoff({
      initialMs: 1000,
      maxMs: options.settings.reconnectMaxSeconds * 1000,
      factor: 2,
      jitter: 0.2,
    });
    options.buffer.onWritten = () => this.#pump();
    const timeoutMs = options.settings.publishTimeoutSeconds * 1000;
    this.#watchdog = setInterval(() => this.#checkAcknowledgements(), Math.min(1000, timeoutMs / 4));
    this.#connect();
  }

  get connected(): boolean {
    return this.#client?.connected === true;
  }

  /** Seqs sent on the current connection and not yet acknowledged, oldest first. */
  inFlightSeqs(): number[] {
    return [...this.#inFlight.keys()];
  }

  #connect(): void {
    if (this.#stopped) return;
    const { settings, ids, log } = this.#options;
    const offline: GatewayStatus = { v: 1, gw: ids.gatewayId, state: 'offline', ts: Date.now() };
    const clientOptions: IClientOptions = {
      clientId: ids.gatewayId,
      clean: true,
      keepalive: settings.keepaliveSeconds,
      // Reconnecting is this class's job (a fresh client each time): mqtt.js must not re-send anything.
      reconnectPeriod: 0,
      connectTimeout: Math.max(5000, settings.publishTimeoutSeconds * 1000),
      queueQoSZero: false,
      will: { topic: statusTopic(ids), payload: Buffer.from(JSON.stringify(offline)), qos: 1, retain: true },
      ...this.#credentials,
      rejectUnauthorized: true,
    };
    const client = mqttConnect(settings.url, clientOptions);
    this.#client = client;
    client.on('connect', () => {
      if (this.#client === client) this.#onConnect(client);
    });
    client.on('close', () => this.#onClose(client));
    client.on('error', (error) => {
      if (this.#client === client) log.debug('broker connection error', { error });
    });
    client.on('message', (topic, payload) => {
      if (this.#client !== client) return;
      if (topic === configTopic(ids)) this.#options.onConfigMessage(payload);
      else if (topic === requestTopic(ids)) this.#options.onRequest?.(payload);
    });
  }

  #onConnect(client: MqttClient): void {
    const { log, ids, settings } = this.#options;
    this.connections += 1;
    this.#reconnectBackoff.reset();
    this.#closedWarnDue.reset();
    log.info('connected to broker', { url: settings.url, buffered: this.#options.buffer.stats().points });
    this.#inFlight.clear();
    this.#statusInFlight.clear();
    this.#lastSentSeq = 0;
    this.publishStatus();
    const topics = this.#options.onRequest ? [configTopic(ids), requestTopic(ids)] : [configTopic(ids)];
    client.subscribe(topics, { qos: 1 }, (error) => {
      if (error && this.#client === client) log.warn('cannot subscribe to the command topics', { error });
    });
    this.#pump();
  }

  /** The connection ended (refused, lost or given up): what it had in flight goes again on the next. */
  #onClose(client: MqttClient): void {
    if (this.#client !== client) return;
    this.#client = null;
    this.#dropConnection(client, 'connection closed');
  }

  #dropConnection(client: MqttClient, reason: string, fields: Record<string, unknown> = {}): void {
    const inDoubt = [...this.#inFlight.keys()];
    for (const seq of inDoubt) this.inDoubt.add(seq);
    this.#inFlight.clear();
    this.#statusInFlight.clear();
    this.#lastSentSeq = 0;
    if (this.#client === client) this.#client = null;
    client.removeAllListeners('connect');
    client.removeAllListeners('message');
    client.end(true);
    if (this.#stopped) return;
    const delay = this.#reconnectBackoff.next();
    const line = { reason, ...fields, unacknowledged: inDoubt.length, retryInMs: delay };
    if (inDoubt.length > 0 || this.#closedWarnDue())
      this.#options.log.warn('broker connection lost; buffering', line);
    else this.#options.log.debug('broker connection lost; buffering', line);
    if (this.#reconnectTimer) clearTimeout(this.#reconnectTimer);
    this.#reconnectTimer = setTimeout(() => {
      this.#reconnectTimer = null;
      this.#connect();
    }, delay);
  }

  /** A publish unacknowledged for publishTimeoutSeconds: the broker is gone even if TCP says otherwise. */
  #checkAcknowledgements(): void {
    const client = this.#client;
    if (!client?.connected) return;
    const oldest = Math.min(
      ...[...this.#inFlight.values()].map((f) => f.sentAt),
      ...[...this.#statusInFlight].map((s) => s.sentAt),
    );
    const waitedMs = Date.now() - oldest;
    if (!(waitedMs > this.#options.settings.publishTimeoutSeconds * 1000)) return;
    this.#dropConnection(client, 'no acknowledgement from the broker', { waitedMs });
  }

  publishStatus(): void {
    const client = this.#client;
    if (!client?.connected) return;
    this.#recentPublishes.push(Date.now());
    const pending = { sentAt: Date.now() };
    this.#statusInFlight.add(pending);
    client.publish(
      statusTopic(this.#options.ids),
      JSON.stringify(this.#options.status()),
      { qos: 1, retain: true },
      () => {
        if (this.#client === client) this.#statusInFlight.delete(pending);
      },
    );
  }

  /** One message of a command's answer (dt/.../response, QoS 1); rejects when it could not go out. */
  publishResponse(payload: string): Promise<void> {
    const client = this.#client;
    if (!client?.connected) return Promise.reject(new Error('not connected to the broker'));
    this.#recentPublishes.push(Date.now());
    const pending = { sentAt: Date.now() };
    this.#statusInFlight.add(pending);
    return new Promise((resolve, reject) => {
      client.publish(responseTopic(this.#options.ids), payload, { qos: 1 }, (error) => {
        if (this.#client === client) this.#statusInFlight.delete(pending);
        if (error) reject(error);
        else resolve();
      });
    });
  }

  /** No new batch into a connection whose oldest publish waits well past the usual round trip. */
  #stalled(now: number): boolean {
    const first = this.#inFlight.values().next();
    if (first.done) return false;
    const limit = Math.max(STALL_FLOOR_MS, STALL_ROUND_TRIPS * this.#smoothedAckMs);
    return now - first.value.sentAt > limit;
  }

  /** Sends as many stored batches as the window, the rate limit and a healthy connection allow. */
  #pump(): void {
    const client = this.#client;
    // Acknowledged batches leave the disk before anything else is sent (one transaction for all).
    this.#options.buffer.commitAcks();
    if (this.#stopped || !client?.connected) return;
    const window = this.#options.window ?? 16;
    const perSecond = this.#options.settings.maxPublishesPerSecond;
    let merged = false;
    while (this.#inFlight.size < window) {
      const now = Date.now();
      if (this.#stalled(now)) return; // the acknowledgement, or the publish timeout, comes next
      const wait = this.#intervalWait(now);
      if (wait > 0) {
        this.#schedulePump(wait);
        return;
      }
      if (!merged && this.#options.settings.publishIntervalMs > 0) {
        merged = true;
        this.#options.buffer.coalesce(Math.max(this.#lastSentSeq, this.#everSentSeq));
        this.#releasedSeq = Math.max(this.#releasedSeq, this.#options.buffer.newestSeq());
      }
      while (this.#recentPublishes.length > 0 && (this.#recentPublishes[0] ?? 0) <= now - 1000) {
        this.#recentPublishes.shift();
      }
      if (this.#recentPublishes.length >= perSecond) {
        const wait = (this.#recentPublishes[0] ?? now) + 1000 - now;
        this.#schedulePump(Math.max(1, wait));
        return;
      }
      const [batch] = this.#options.buffer.batchesAfter(this.#lastSentSeq, 1);
      if (!batch) return;
      this.#lastSentSeq = batch.seq;
      this.#everSentSeq = Math.max(this.#everSentSeq, batch.seq);
      this.#lastTelemetryAt = now;
      this.#inFlight.set(batch.seq, { sentAt: now, count: batch.count });
      this.#recentPublishes.push(now);
      client.publish(this.#topic, batch.payload, { qos: 1 }, (error) => {
        // A callback from a connection that has since ended says nothing about the current one.
        if (this.#client !== client || error) return;
        const sent = this.#inFlight.get(batch.seq);
        if (!sent) return;
        this.#inFlight.delete(batch.seq);
        const took = Date.now() - sent.sentAt;
        this.#smoothedAckMs = this.#smoothedAckMs === 0 ? took : 0.875 * this.#smoothedAckMs + 0.125 * took;
        this.#options.buffer.ack(batch.seq);
        this.acknowledgedBatches += 1;
        this.acknowledgedPoints += batch.count;
        this.#queuePump();
      });
    }
  }

  /**
   * How long the next batch should wait for the publish interval (0: send now). Only fresh batches
   * wait, and only while together they are less than a full one: a backlog (many batches, or batches
   * written before a restart, which may have gone out already and must go again as they are) and a
   * full batch go at once.
   */
  #intervalWait(now: number): number {
    const interval = this.#options.settings.publishIntervalMs;
    const due = this.#lastTelemetryAt + interval;
    if (interval <= 0 || now >= due) return 0;
    const lookAt = 64;
    const tail = this.#options.buffer.unsent(this.#lastSentSeq, lookAt);
    if (tail.length === 0 || tail.length === lookAt || (tail[0]?.seq ?? 0) <= this.#releasedSeq) return 0;
    if (tail.some((batch) => !batch.ours || batch.seq <= this.#everSentSeq)) return 0;
    const full = this.#options.buffer.fullBatch;
    const points = tail.reduce((sum, batch) => sum + batch.count, 0);
    const bytes = tail.reduce((sum, batch) => sum + batch.bytes, 0);
    return points >= full.points || bytes >= full.bytes ? 0 : due - now;
  }

  /** Acknowledgements read from one socket read are committed together, before the next publish. */
  #queuePump(): void {
    if (this.#pumpQueued) return;
    this.#pumpQueued = true;
    setImmediate(() => {
      this.#pumpQueued = false;
      this.#pump();
    });
  }

  #schedulePump(ms: number): void {
    if (this.#pumpTimer) return;
    this.#pumpTimer = setTimeout(() => {
      this.#pumpTimer = null;
      this.#pump();
    }, ms);
  }

  /** Publishes the final status and disconnects cleanly (so the broker does not send the Last Will). */
  async stop(finalStatus?: GatewayStatus): Promise<void> {
    // What waits for the publish interval goes now, before the final status (acknowledged after it).
    this.#releasedSeq = Math.max(this.#releasedSeq, this.#options.buffer.newestSeq());
    this.#pump();
    this.#stopped = true;
    clearInterval(this.#watchdog);
    if (this.#pumpTimer) clearTimeout(this.#pumpTimer);
    if (this.#reconnectTimer) clearTimeout(this.#reconnectTimer);
    this.#options.buffer.commitAcks();
    const client = this.#client;
    if (!client) return;
    if (finalStatus && client.connected) {
      await new Promise<void>((resolve) => {
        client.publish(
          statusTopic(this.#options.ids),
          JSON.stringify(finalStatus),
          { qos: 1, retain: true },
          () => resolve(),
        );
        setTimeout(resolve, 2000).unref();
      });
    }
    this.#options.buffer.commitAcks();
    // A clean disconnect (no Last Will) when the broker answers; never hang a shutdown on it.
    const ended = client.endAsync(false).catch(() => {});
    const timedOut = new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), 3000).unref());
    if ((await Promise.race([ended, timedOut])) === 'timeout') await client.endAsync(true).catch(() => {});
    this.#client = null;
  }
}
