// Publishes the buffer's batches over MQTT (mqtt.js, mutual TLS), QoS 1, oldest first, at most
// maxPublishesPerSecond, and deletes a batch only when the broker has acknowledged it. Also keeps
// the retained status (with the Last Will for "offline") and listens to the config topic.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import {
  configTopic,
  type GatewayStatus,
  type GatewayTopicIds,
  type MqttSettings,
  statusTopic,
  telemetryTopic,
} from '@plantwatch/shared';
import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';
import type { DiskBuffer } from './buffer.ts';
import type { Logger } from './log.ts';

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
  /** Batches published and not yet acknowledged, at most. */
  window?: number;
}

export class Publisher {
  readonly #options: PublisherOptions;
  readonly #client: MqttClient;
  readonly #topic: string;
  readonly #inFlight = new Set<number>();
  /** Highest seq handed to the client since the last connect. */
  #lastSentSeq = 0;
  readonly #recentPublishes: number[] = [];
  #pumpTimer: NodeJS.Timeout | null = null;
  #stopped = false;
  /** Publishes acknowledged by the broker since start. */
  acknowledgedBatches = 0;
  acknowledgedPoints = 0;

  constructor(options: PublisherOptions) {
    this.#options = options;
    this.#topic = telemetryTopic(options.ids);
    const { settings, ids, baseDir } = options;
    const file = (path: string | undefined) => (path ? readFileSync(resolve(baseDir, path)) : undefined);
    const offline: GatewayStatus = { v: 1, gw: ids.gatewayId, state: 'offline', ts: Date.now() };
    const ca = file(settings.ca);
    const cert = file(settings.cert);
    const key = file(settings.key);
    const clientOptions: IClientOptions = {
      clientId: `${ids.gatewayId}`,
      clean: true,
      keepalive: settings.keepaliveSeconds,
      reconnectPeriod: 1000,
      connectTimeout: 10_000,
      // Our own queue is the buffer; nothing piles up in mqtt.js while offline.
      queueQoSZero: false,
      will: { topic: statusTopic(ids), payload: Buffer.from(JSON.stringify(offline)), qos: 1, retain: true },
      ...(ca ? { ca } : {}),
      ...(cert ? { cert } : {}),
      ...(key ? { key } : {}),
      rejectUnauthorized: true,
    };
    this.#client = mqtt.connect(settings.url, clientOptions);
    this.#client.on('connect', () => this.#onConnect());
    this.#client.on('close', () => {
      if (!this.#stopped)
        options.log.warn('broker connection closed; buffering', { inFlight: this.#inFlight.size });
    });
    this.#client.on('error', (error) => options.log.warn('broker error', { error }));
    this.#client.on('message', (topic, payload) => {
      if (topic === configTopic(ids)) options.onConfigMessage(payload);
    });
    options.buffer.onWritten = () => this.#pump();
  }

  get connected(): boolean {
    return this.#client.connected;
  }

  #onConnect(): void {
    const { log, ids } = this.#options;
    log.info('connected to broker', { url: this.#options.settings.url });
    // Everything not acknowledged goes again, in order. mqtt.js drops its own unacknowledged
    // messages on a clean reconnect, so resending from the buffer is what makes delivery certain.
    this.#inFlight.clear();
    this.#lastSentSeq = 0;
    this.publishStatus();
    this.#client.subscribe(configTopic(ids), { qos: 1 }, (error) => {
      if (error) log.warn('cannot subscribe to the config topic', { error });
    });
    this.#pump();
  }

  publishStatus(): void {
    if (!this.#client.connected) return;
    this.#recentPublishes.push(Date.now());
    this.#client.publish(statusTopic(this.#options.ids), JSON.stringify(this.#options.status()), {
      qos: 1,
      retain: true,
    });
  }

  /** Sends as many stored batches as the window and the rate limit allow. */
  #pump(): void {
    if (this.#stopped || !this.#client.connected) return;
    const window = this.#options.window ?? 16;
    const perSecond = this.#options.settings.maxPublishesPerSecond;
    while (this.#inFlight.size < window) {
      const now = Date.now();
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
      this.#inFlight.add(batch.seq);
      this.#recentPublishes.push(now);
      const client = this.#client;
      client.publish(this.#topic, batch.payload, { qos: 1 }, (error) => {
        // A callback from a connection that has since been replaced says nothing about this one.
        if (!this.#inFlight.delete(batch.seq)) return;
        if (error) return; // it is still in the buffer and goes again after the reconnect
        this.#options.buffer.ack(batch.seq);
        this.acknowledgedBatches += 1;
        this.acknowledgedPoints += batch.count;
        this.#pump();
      });
    }
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
    this.#stopped = true;
    if (this.#pumpTimer) clearTimeout(this.#pumpTimer);
    if (finalStatus && this.#client.connected) {
      await new Promise<void>((resolve) => {
        this.#client.publish(
          statusTopic(this.#options.ids),
          JSON.stringify(finalStatus),
          { qos: 1, retain: true },
          () => resolve(),
        );
        setTimeout(resolve, 2000).unref();
      });
    }
    // A clean disconnect (no Last Will) when the broker answers; never hang a shutdown on it.
    const ended = this.#client.endAsync(false).catch(() => {});
    const timedOut = new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), 3000).unref());
    if ((await Promise.race([ended, timedOut])) === 'timeout')
      await this.#client.endAsync(true).catch(() => {});
  }
}
