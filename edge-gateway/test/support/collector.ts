// An MQTT subscriber that records what a gateway publishes: telemetry batches (deduplicated by seq,
// as ingest does) and status messages.
import {
  type GatewayStatus,
  type GatewayTopicIds,
  gatewayStatusSchema,
  statusTopic,
  type TelemetryMessage,
  type TelemetryPoint,
  telemetryMessageSchema,
  telemetryTopic,
} from '@plantwatch/shared';
import mqtt, { type MqttClient } from 'mqtt';
import { onTestFinished } from 'vitest';

export class Collector {
  readonly client: MqttClient;
  /** Every telemetry message as it arrived, replays included. */
  readonly arrivals: { seq: number; payload: string }[] = [];
  readonly batches = new Map<number, TelemetryMessage>();
  readonly statuses: GatewayStatus[] = [];
  /** Replayed batches whose bytes differed from the first delivery (must stay 0). */
  changedReplays = 0;

  private constructor(client: MqttClient) {
    this.client = client;
  }

  static async start(
    url: string,
    ids: GatewayTopicIds,
    options: { clientId?: string; clean?: boolean } = {},
  ): Promise<Collector> {
    const client = mqtt.connect(url, {
      clientId: options.clientId ?? `collector-${Math.random().toString(36).slice(2)}`,
      clean: options.clean ?? true,
      reconnectPeriod: 300,
    });
    const collector = new Collector(client);
    onTestFinished(() => collector.close());
    client.on('error', () => {});
    client.on('message', (topic, payload) => {
      const text = payload.toString('utf8');
      if (topic === telemetryTopic(ids)) {
        const message = telemetryMessageSchema.parse(JSON.parse(text));
        const first = collector.arrivals.find((a) => a.seq === message.seq);
        if (first && first.payload !== text) collector.changedReplays += 1;
        collector.arrivals.push({ seq: message.seq, payload: text });
        if (!collector.batches.has(message.seq)) collector.batches.set(message.seq, message);
      } else if (topic === statusTopic(ids) && payload.length > 0) {
        collector.statuses.push(gatewayStatusSchema.parse(JSON.parse(text)));
      }
    });
    await new Promise<void>((resolve, reject) => {
      client.once('connect', () => resolve());
      client.once('error', reject);
    });
    await client.subscribeAsync([telemetryTopic(ids), statusTopic(ids)], { qos: 1 });
    return collector;
  }

  /** Points after dropping replayed batches (same seq), in seq order. */
  points(): TelemetryPoint[] {
    return [...this.batches.entries()].sort(([a], [b]) => a - b).flatMap(([, batch]) => batch.points);
  }

  lastStatus(): GatewayStatus | undefined {
    return this.statuses.at(-1);
  }

  async close(): Promise<void> {
    await this.client.endAsync(true).catch(() => {});
  }
}

/** The Mosquitto broker the test machine runs (CI installs and starts it). */
export const publicBrokerUrl = 'mqtt://127.0.0.1:1883';
