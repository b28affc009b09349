// A Sparkplug B edge node that publishes births, data and deaths to a broker, as a test publisher and
// for the demo plant: NBIRTH with a bdSeq and the node's metrics, a DBIRTH per device, DATA by alias
// only (as real edge nodes do once born), an NDEATH Last Will, and a rebirth on NCMD
// "Node Control/Rebirth". Tests also make it misbehave: raw bytes, an alias nobody announced.
import { type MqttClient, connect as mqttConnect } from 'mqtt';
import { decodeSparkplug, encodeSparkplug } from '../src/sparkplug/payload.ts';

export type SparkplugValue = number | boolean | string;

export interface SimMetric {
  name: string;
  type: 'Int32' | 'Int64' | 'UInt32' | 'UInt64' | 'Float' | 'Double' | 'Boolean' | 'String';
  value: SparkplugValue;
}

export interface SparkplugSimOptions {
  brokerUrl: string;
  groupId?: string;
  edgeNodeId?: string;
  /** Metrics of the node itself and of each device. */
  nodeMetrics?: SimMetric[];
  devices?: Record<string, SimMetric[]>;
  username?: string;
  password?: string;
  ca?: Buffer;
  /** Answer rebirth requests (default true). */
  answerRebirth?: boolean;
}

interface Entry {
  alias: number;
  device: string;
  metric: SimMetric;
}

export class SparkplugNodeSimulator {
  readonly groupId: string;
  readonly edgeNodeId: string;
  readonly #options: SparkplugSimOptions;
  readonly #entries: Entry[] = [];
  #client: MqttClient | null = null;
  #bdSeq = 0;
  #seq = 0;
  /** Rebirth requests received. */
  rebirthRequests = 0;

  constructor(options: SparkplugSimOptions) {
    this.#options = options;
    this.groupId = options.groupId ?? 'Plantwatch';
    this.edgeNodeId = options.edgeNodeId ?? 'edge-1';
    let alias = 1;
    for (const metric of options.nodeMetrics ?? [])
      this.#entries.push({ alias: alias++, device: '', metric });
    for (const [device, metrics] of Object.entries(options.devices ?? {}))
      for (const metric of metrics) this.#entries.push({ alias: alias++, device, metric: { ...metric } });
  }

  #topic(type: string, device = ''): string {
    return `spBv1.0/${this.groupId}/${type}/${this.edgeNodeId}${device ? `/${device}` : ''}`;
  }

  #nextSeq(): number {
    const seq = this.#seq;
    this.#seq = (this.#seq + 1) % 256;
    return seq;
  }

  async start(): Promise<void> {
    const death = encodeSparkplug({
      timestamp: Date.now(),
      metrics: [{ name: 'bdSeq', type: 'UInt64', value: this.#bdSeq }],
    });
    const client = mqttConnect(this.#options.brokerUrl, {
      clientId: `sim-${this.edgeNodeId}-${Math.random().toString(36).slice(2, 8)}`,
      reconnectPeriod: 0,
      clean: true,
      will: { topic: this.#topic('NDEATH'), payload: Buffer.from(death), qos: 1, retain: false },
      ...(this.#options.username ? { username: this.#options.username } : {}),
      ...(this.#options.password ? { password: this.#options.password } : {}),
      ...(this.#options.ca ? { ca: this.#options.ca } : {}),
    });
    this.#client = client;
    await new Promise<void>((resolve, reject) => {
      client.once('connect', () => resolve());
      client.once('error', reject);
    });
    client.on('error', () => {});
    client.on('message', (_topic, payload) => {
      try {
        const command = decodeSparkplug(payload);
        const rebirth = command.metrics?.some((m) => m.name === 'Node Control/Rebirth' && m.value === true);
        if (!rebirth) return;
        this.rebirthRequests += 1;
        if (this.#options.answerRebirth !== false) this.publishBirths();
      } catch {
        // not a command we know
      }
    });
    await client.subscribeAsync(this.#topic('NCMD'), { qos: 0 });
    this.publishBirths();
  }

  /** NBIRTH then one DBIRTH per device, with the current values; seq starts again at 0. */
  publishBirths(): void {
    const client = this.#required();
    this.#seq = 0;
    const now = Date.now();
    const metricOf = (e: Entry) => ({
      name: e.metric.name,
      alias: e.alias,
      type: e.metric.type,
      value: e.metric.value,
      timestamp: now,
    });
    const node = this.#entries.filter((e) => e.device === '');
    client.publish(
      this.#topic('NBIRTH'),
      Buffer.from(
        encodeSparkplug({
          timestamp: now,
          seq: this.#nextSeq(),
          metrics: [
            { name: 'bdSeq', type: 'UInt64', value: this.#bdSeq },
            { name: 'Node Control/Rebirth', type: 'Boolean', value: false },
            ...node.map(metricOf),
          ],
        }),
      ),
    );
    for (const device of new Set(this.#entries.filter((e) => e.device !== '').map((e) => e.device))) {
      const metrics = this.#entries.filter((e) => e.device === device).map(metricOf);
      client.publish(
        this.#topic('DBIRTH', device),
        Buffer.from(encodeSparkplug({ timestamp: now, seq: this.#nextSeq(), metrics })),
      );
    }
  }

  /** A new value, published as NDATA or DDATA by alias alone; `timestamp` as the metric's own time. */
  set(name: string, value: SparkplugValue, options: { device?: string; timestamp?: number } = {}): void {
    const device = options.device ?? '';
    const entry = this.#entries.find((e) => e.device === device && e.metric.name === name);
    if (!entry) throw new Error(`no metric ${name} on ${device || 'the node'}`);
    entry.metric.value = value;
    const now = Date.now();
    const payload = encodeSparkplug({
      timestamp: now,
      seq: this.#nextSeq(),
      metrics: [{ alias: entry.alias, type: entry.metric.type, value, timestamp: options.timestamp ?? now }],
    });
    this.#required().publish(this.#topic(device ? 'DDATA' : 'NDATA', device), Buffer.from(payload));
  }

  /** DATA carrying an alias no birth announced. */
  publishUnknownAlias(alias = 9999): void {
    const payload = encodeSparkplug({
      timestamp: Date.now(),
      seq: this.#nextSeq(),
      metrics: [{ alias, type: 'Double', value: 1 }],
    });
    this.#required().publish(this.#topic('NDATA'), Buffer.from(payload));
  }

  /** Any bytes on one of the node's topics. */
  publishRaw(type: string, bytes: Buffer, device = ''): void {
    this.#required().publish(this.#topic(type, device), bytes);
  }

  /** DDEATH for one device. */
  deviceDeath(device: string): void {
    const payload = encodeSparkplug({ timestamp: Date.now(), seq: this.#nextSeq(), metrics: [] });
    this.#required().publish(this.#topic('DDEATH', device), Buffer.from(payload));
  }

  /** The node goes away without a word: the broker publishes its Last Will (NDEATH). */
  async crash(): Promise<void> {
    const client = this.#required();
    this.#client = null;
    client.stream.destroy();
    await new Promise((resolve) => setTimeout(resolve, 50));
    client.end(true);
  }

  /** A clean stop: NDEATH with this session's bdSeq, then disconnect; the next start has a new bdSeq. */
  async stop(): Promise<void> {
    const client = this.#client;
    if (!client) return;
    this.#client = null;
    const death = encodeSparkplug({
      timestamp: Date.now(),
      metrics: [{ name: 'bdSeq', type: 'UInt64', value: this.#bdSeq }],
    });
    await client.publishAsync(this.#topic('NDEATH'), Buffer.from(death), { qos: 1 }).catch(() => {});
    await client.endAsync().catch(() => {});
    this.#bdSeq = (this.#bdSeq + 1) % 256;
  }

  #required(): MqttClient {
    if (!this.#client) throw new Error('the edge node simulator is not connected');
    return this.#client;
  }
}
