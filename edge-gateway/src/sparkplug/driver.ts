// The Sparkplug B driver: subscribes to one edge node (and its devices) on the customer's broker, as a
// Sparkplug host application that stores data but is not the primary host. Births set up the alias
// table, data maps onto tags, deaths make the node's tags bad, and an unknown alias, data before a
// birth or a sequence gap asks the node for a rebirth (NCMD "Node Control/Rebirth"), at most every
// rebirthMinIntervalMs. The broker connection is ours to rebuild, with the gateway's backoff.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { SparkplugConfigDevice, TelemetryPoint } from '@plantwatch/shared';
import { type IClientOptions, type MqttClient, connect as mqttConnect } from 'mqtt';
import { Backoff, type BackoffOptions, sleep } from '../backoff.ts';
import { type DeviceDriver, HealthTracker, type PointSink } from '../driver.ts';
import { errorMessage, type Logger, throttle } from '../log.ts';
import { MalformedCounter } from '../malformed.ts';
import { type DiscoveredMetric, nodeTopics, parseTopic, SparkplugNodeState } from './node-state.ts';
import { decodeSparkplug, encodeSparkplug, payloadProblem } from './payload.ts';

export interface SparkplugDriverOptions {
  backoff?: Partial<BackoffOptions>;
  /** Connect timeout, and how long readOnce waits for a birth (default 10 s). */
  timeoutMs?: number;
}

/** The broker's client options for a device's connection settings (files read now, named on error). */
export function clientOptions(device: SparkplugConfigDevice, clientId: string): IClientOptions {
  const read = (field: string, path: string | undefined) => {
    if (path === undefined) return undefined;
    const file = resolve(path);
    try {
      return readFileSync(file);
    } catch (error) {
      throw new Error(`${field}: cannot read ${file}: ${errorMessage(error)}`);
    }
  };
  const password = read('passwordFile', device.passwordFile)?.toString('utf8').split(/\r?\n/)[0];
  const ca = read('caFile', device.caFile);
  const cert = read('certFile', device.certFile);
  const key = read('keyFile', device.keyFile);
  return {
    clientId,
    clean: true,
    keepalive: 30,
    reconnectPeriod: 0,
    connectTimeout: 10_000,
    queueQoSZero: false,
    ...(device.username !== undefined ? { username: device.username } : {}),
    ...(password !== undefined ? { password } : {}),
    ...(ca ? { ca } : {}),
    ...(cert ? { cert } : {}),
    ...(key ? { key } : {}),
    rejectUnauthorized: true,
  };
}

function rebirthPayload(): Uint8Array {
  return encodeSparkplug({
    timestamp: Date.now(),
    metrics: [{ name: 'Node Control/Rebirth', type: 'Boolean', value: true }],
  });
}

interface Session {
  client: MqttClient;
  lost: Promise<string>;
}

export class SparkplugDriver implements DeviceDriver {
  readonly deviceId: string;
  readonly #device: SparkplugConfigDevice;
  readonly #log: Logger;
  readonly #backoff: Backoff;
  readonly #health: HealthTracker;
  readonly #malformed: MalformedCounter;
  readonly #state: SparkplugNodeState;
  readonly #abort = new AbortController();
  readonly #warnDue = throttle(60_000);
  readonly #timeoutMs: number;
  #session: Session | null = null;
  #loop: Promise<void> | null = null;
  #lastRebirthAt = Number.NEGATIVE_INFINITY;
  /** A rebirth held back by rebirthMinIntervalMs, sent when the interval is up. */
  #rebirthTimer: NodeJS.Timeout | null = null;
  /** Called after each message while readOnce or discover waits for the births. */
  #afterMessage: (() => void) | null = null;
  /** Rebirth requests sent (for tests and logs). */
  rebirthsRequested = 0;

  constructor(device: SparkplugConfigDevice, log: Logger, options: SparkplugDriverOptions = {}) {
    this.deviceId = device.id;
    this.#device = device;
    this.#log = log.child({ device: device.id });
    this.#backoff = new Backoff(options.backoff);
    this.#health = new HealthTracker(device.id, this.#backoff);
    this.#malformed = new MalformedCounter(this.#log);
    this.#state = new SparkplugNodeState(device);
    this.#timeoutMs = options.timeoutMs ?? 10_000;
  }

  health() {
    return { ...this.#health.snapshot(), ...this.#malformed.snapshot() };
  }

  /** Whether the broker connection is up (the node itself may still be offline). */
  get brokerConnected(): boolean {
    return this.#session?.client.connected === true;
  }

  start(sink: PointSink): void {
    if (this.#loop) return;
    this.#loop = this.#supervised(sink);
  }

  async stop(): Promise<void> {
    this.#abort.abort();
    this.#end();
    await this.#loop;
  }

  /** Asks the node for a rebirth and reads what its births say. */
  async readOnce(): Promise<TelemetryPoint[]> {
    const latest = new Map<string, TelemetryPoint>();
    await this.#probe((points) => {
      for (const point of points) latest.set(point.t, point);
    });
    return [...latest.values()];
  }

  /** What the node's births announce: its own metrics ('') and each device's. */
  async discover(): Promise<Map<string, DiscoveredMetric[]>> {
    await this.#probe(() => {});
    return this.#state.discovered();
  }

  async #supervised(sink: PointSink): Promise<void> {
    while (!this.#abort.signal.aborted) {
      try {
        await this.#run(sink);
      } catch (error) {
        this.#health.failure(errorMessage(error));
        this.#log.error('driver failed; restarting it', {
          error: error instanceof Error ? error.stack : error,
        });
        await sleep(1000, this.#abort.signal);
      }
    }
  }

  async #run(sink: PointSink): Promise<void> {
    const signal = this.#abort.signal;
    while (!signal.aborted) {
      let session: Session;
      try {
        session = await this.#connect(sink);
      } catch (error) {
        this.#end();
        this.#health.failure(errorMessage(error));
        this.#health.connected(false);
        const delay = this.#backoff.next();
        const fields = { error, retryInMs: delay, errorCount: this.#health.snapshot().errorCount };
        if (this.#warnDue()) this.#log.warn('cannot connect to the broker; retrying', fields);
        else this.#log.debug('cannot connect to the broker; retrying', fields);
        await sleep(delay, signal);
        continue;
      }
      this.#backoff.reset();
      this.#warnDue.reset();
      this.#log.info('subscribed to the edge node', {
        groupId: this.#device.groupId,
        edgeNodeId: this.#device.edgeNodeId,
      });
      this.#rebirth(session.client, 'connected');
      const reason = await session.lost;
      if (signal.aborted) break;
      this.#log.warn('broker connection lost; reconnecting', { reason });
      this.#end();
      const bad = this.#state.lost(Date.now());
      if (bad.length > 0) sink(bad);
      this.#health.failure(`broker connection lost: ${reason}`);
      this.#health.connected(false);
      await sleep(this.#backoff.next(), signal);
    }
  }

  /** Connects and subscribes; messages go through the node state to `sink`. */
  async #connect(sink: PointSink): Promise<Session> {
    const device = this.#device;
    const clientId = `plantwatch-${device.id}-${Math.random().toString(36).slice(2, 10)}`.slice(0, 64);
    const client = mqttConnect(device.brokerUrl, clientOptions(device, clientId));
    let markLost: (reason: string) => void = () => {};
    const lost = new Promise<string>((resolveLost) => {
      markLost = resolveLost;
    });
    const session: Session = { client, lost };
    this.#session = session;
    client.on('close', () => markLost('connection closed'));
    client.on('error', (error) => markLost(errorMessage(error)));
    client.on('message', (topic, payload) => this.#message(client, topic, payload, sink));
    await new Promise<void>((resolveConnect, reject) => {
      const timer = setTimeout(() => reject(new Error('no answer from the broker')), this.#timeoutMs);
      client.once('connect', () => {
        clearTimeout(timer);
        resolveConnect();
      });
      void lost.then((reason) => {
        clearTimeout(timer);
        reject(new Error(reason));
      });
    });
    await client.subscribeAsync(nodeTopics(device.groupId, device.edgeNodeId), { qos: 0 });
    return session;
  }

  #message(client: MqttClient, topic: string, bytes: Buffer, sink: PointSink): void {
    try {
      const parsed = parseTopic(topic);
      if (!parsed || parsed.edgeNodeId !== this.#device.edgeNodeId) return;
      let payload: ReturnType<typeof decodeSparkplug>;
      try {
        payload = decodeSparkplug(bytes);
      } catch (error) {
        this.#malformed.record(errorMessage(error), { topic, bytes: bytes.length });
        return;
      }
      const problem = payloadProblem(parsed.type, payload);
      if (problem) {
        this.#malformed.record(problem, { topic });
        return;
      }
      const now = Date.now();
      const outcome = this.#state.handle(parsed, payload, now);
      if (outcome.points.length > 0) sink(outcome.points);
      if (outcome.malformed) this.#malformed.record(outcome.malformed, { topic });
      if (outcome.event === 'node-dead') {
        this.#health.failure('the edge node is offline (NDEATH)');
        this.#health.connected(false);
        this.#log.warn('edge node offline (NDEATH); its tags are bad');
      } else if (this.#state.online) this.#health.success(now);
      if (outcome.event === 'node-born') this.#log.info('edge node born (NBIRTH)');
      if (outcome.rebirth) this.#rebirth(client, outcome.rebirth);
      this.#afterMessage?.();
    } catch (error) {
      // Whatever a message does, it never takes the driver (or its worker) down.
      this.#malformed.record(`cannot handle the message: ${errorMessage(error)}`, { topic });
    }
  }

  #rebirth(client: MqttClient, reason: string): void {
    if (!this.#device.requestRebirth) return;
    const now = Date.now();
    const wait = this.#lastRebirthAt + this.#device.rebirthMinIntervalMs - now;
    if (wait > 0) {
      // Held back, not forgotten: the node is still out of step when the interval is up.
      this.#rebirthTimer ??= setTimeout(() => {
        this.#rebirthTimer = null;
        if (this.#session?.client === client && client.connected) this.#rebirth(client, reason);
      }, wait);
      return;
    }
    this.#lastRebirthAt = now;
    this.rebirthsRequested += 1;
    this.#log.info('asking the edge node for a rebirth', { reason });
    const topic = `spBv1.0/${this.#device.groupId}/NCMD/${this.#device.edgeNodeId}`;
    client.publish(topic, Buffer.from(rebirthPayload()), { qos: 0 }, (error) => {
      if (error) this.#log.warn('cannot send the rebirth request', { error });
    });
  }

  /** A short session of its own: connect, ask for a rebirth, wait for the births. */
  async #probe(onPoints: PointSink): Promise<void> {
    const born = new Promise<void>((resolveBorn, reject) => {
      const timer = setTimeout(
        () =>
          reject(
            new Error(
              `the edge node ${this.#device.groupId}/${this.#device.edgeNodeId} sent no NBIRTH within ${this.#timeoutMs / 1000} s of a rebirth request`,
            ),
          ),
        this.#timeoutMs,
      );
      this.#afterMessage = () => {
        if (!this.#state.online) return;
        this.#afterMessage = null;
        clearTimeout(timer);
        resolveBorn();
      };
      this.#connect(onPoints).then(
        (session) => {
          this.#lastRebirthAt = Number.NEGATIVE_INFINITY;
          this.#rebirth(session.client, 'read once');
        },
        (error: unknown) => {
          clearTimeout(timer);
          reject(error);
        },
      );
    });
    try {
      await born;
      // Device births follow the node's within moments.
      await sleep(Math.min(1000, this.#timeoutMs), this.#abort.signal);
    } finally {
      this.#afterMessage = null;
      this.#end();
    }
  }

  #end(): void {
    if (this.#rebirthTimer) clearTimeout(this.#rebirthTimer);
    this.#rebirthTimer = null;
    const session = this.#session;
    this.#session = null;
    if (!session) return;
    session.client.removeAllListeners('message');
    session.client.end(true);
  }
}
