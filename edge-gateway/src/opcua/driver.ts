// The OPC UA driver: one session per device and one subscription per publishing rate (never one per
// tag), or polling reads. After a server restart or a network loss it throws the whole client away
// and builds session, subscription and monitored items again, so nothing is left half-alive and
// nothing is monitored twice.
import type { OpcuaConfigDevice, TelemetryPoint } from '@plantwatch/shared';
import { OPCUACertificateManager } from 'node-opcua-certificate-manager';
import {
  AttributeIds,
  type ClientMonitoredItemBase,
  ClientMonitoredItemGroup,
  type ClientSession,
  type ClientSubscription,
  type DataValue,
  MessageSecurityMode,
  OPCUAClient,
  SecurityPolicy,
  TimestampsToReturn,
} from 'node-opcua-client';
import {
  Backoff,
  type BackoffOptions,
  type ReconnectWorld,
  sleep,
  tcpProbeWorld,
  waitToReconnect,
} from '../backoff.ts';
import { badQualityPoints, type DeviceDriver, HealthTracker, type PointSink } from '../driver.ts';
import { errorMessage, type Logger, throttle } from '../log.ts';
import { qualityOf, scaledValue, telemetryValue } from './convert.ts';
import { routeOpcuaLogs } from './logs.ts';

const securityModes = {
  None: MessageSecurityMode.None,
  Sign: MessageSecurityMode.Sign,
  SignAndEncrypt: MessageSecurityMode.SignAndEncrypt,
} as const;

const securityPolicies = {
  None: SecurityPolicy.None,
  Basic256Sha256: SecurityPolicy.Basic256Sha256,
  Aes128_Sha256_RsaOaep: SecurityPolicy.Aes128_Sha256_RsaOaep,
  Aes256_Sha256_RsaPss: SecurityPolicy.Aes256_Sha256_RsaPss,
} as const;

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    promise,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${what} timed out after ${ms} ms`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

interface Connection {
  client: OPCUAClient;
  session: ClientSession;
  subscription: ClientSubscription | null;
  group: ClientMonitoredItemGroup | null;
  /** Resolves when the connection is lost (or closed by us). */
  lost: Promise<string>;
}

export interface OpcuaDriverOptions {
  /** Client certificate store; Sign and SignAndEncrypt trust only servers in its trusted/ folder. */
  pkiDir: string;
  backoff?: Partial<BackoffOptions>;
  /** While the endpoint's port refuses connections, it is probed this often (default 1 s). */
  probeMs?: number;
  /** Connect and request timeout, ms. */
  timeoutMs?: number;
}

export class OpcuaDriver implements DeviceDriver {
  readonly deviceId: string;
  readonly #device: OpcuaConfigDevice;
  readonly #options: OpcuaDriverOptions;
  readonly #log: Logger;
  readonly #backoff: Backoff;
  readonly #health: HealthTracker;
  readonly #lastValues = new Map<string, TelemetryPoint['v']>();
  readonly #abort = new AbortController();
  readonly #probeWorld: ReconnectWorld | null;
  /** A server that stays away is logged at warn once a minute, not at every attempt. */
  readonly #warnDue = throttle(60_000);
  #connection: Connection | null = null;
  #loop: Promise<void> | null = null;
  /** Sessions created so far (1 + reconnections), for tests and logs. */
  sessionsCreated = 0;

  constructor(device: OpcuaConfigDevice, log: Logger, options: OpcuaDriverOptions) {
    this.deviceId = device.id;
    this.#device = device;
    this.#options = options;
    this.#log = log.child({ device: device.id });
    this.#backoff = new Backoff(options.backoff);
    this.#health = new HealthTracker(device.id, this.#backoff);
    this.#probeWorld = probeWorldFor(device.endpoint, options.probeMs ?? 1000);
    routeOpcuaLogs(this.#log);
  }

  health() {
    return this.#health.snapshot();
  }

  /** Monitored items on the current subscription (0 while disconnected or polling). */
  get monitoredItemCount(): number {
    return this.#connection?.group?.monitoredItems.length ?? 0;
  }

  start(sink: PointSink): void {
    if (this.#loop) return;
    this.#loop = this.#supervised(sink);
  }

  /** A bug that escapes the loop restarts this driver alone, not the worker it shares. */
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

  async stop(): Promise<void> {
    this.#abort.abort();
    await this.#disconnect();
    await this.#loop;
  }

  async readOnce(): Promise<TelemetryPoint[]> {
    const connection = this.#connection ?? (await this.#connect(null));
    return this.#read(connection);
  }

  async #run(sink: PointSink): Promise<void> {
    const signal = this.#abort.signal;
    while (!signal.aborted) {
      let connection: Connection;
      try {
        connection = await this.#connect(sink);
      } catch (error) {
        await this.#disconnect();
        this.#failed(sink, error);
        const delay = this.#backoff.next();
        const fields = { error, retryInMs: delay, errorCount: this.#health.snapshot().errorCount };
        if (this.#warnDue()) this.#log.warn('cannot connect; retrying', fields);
        else this.#log.debug('cannot connect; retrying', fields);
        await this.#waitToReconnect(delay);
        continue;
      }
      this.#backoff.reset();
      this.#warnDue.reset();
      this.#health.success(Date.now());
      this.#log.info('connected', { mode: this.#device.mode, monitoredItems: this.monitoredItemCount });
      const reason =
        this.#device.mode === 'poll' ? await this.#pollUntilLost(connection, sink) : await connection.lost;
      if (signal.aborted) break;
      this.#log.warn('connection lost; reconnecting', { reason });
      await this.#disconnect();
      this.#failed(sink, new Error(reason));
      // A restarted server usually answers at once: the first retry comes after the initial delay.
      await this.#waitToReconnect(this.#backoff.next());
    }
  }

  /** The backoff delay, cut short when a probe finds the endpoint's port accepting again. */
  async #waitToReconnect(delayMs: number): Promise<void> {
    const outcome = await waitToReconnect(this.#probeWorld, {
      delayMs,
      probeMs: this.#options.probeMs ?? 1000,
      signal: this.#abort.signal,
    });
    if (outcome === 'reachable') this.#log.info('the endpoint accepts connections again; reconnecting');
  }

  #failed(sink: PointSink, error: unknown): void {
    this.#health.failure(errorMessage(error));
    if (this.#health.isConnected) {
      const bad = badQualityPoints(this.deviceId, this.#lastValues, Date.now());
      if (bad.length > 0) sink(bad);
    }
    this.#health.connected(false);
  }

  async #connect(sink: PointSink | null): Promise<Connection> {
    const device = this.#device;
    const timeoutMs = this.#options.timeoutMs ?? 10_000;
    const certificateManager = new OPCUACertificateManager({
      rootFolder: this.#options.pkiDir,
      automaticallyAcceptUnknownCertificate: device.securityMode === 'None',
    });
    const client = OPCUAClient.create({
      applicationName: 'Plantwatch edge gateway',
      endpointMustExist: false,
      securityMode: securityModes[device.securityMode],
      securityPolicy: securityPolicies[device.securityPolicy],
      clientCertificateManager: certificateManager,
      // Reconnection is ours (see the file comment), so the client never retries by itself.
      connectionStrategy: { maxRetry: 0, initialDelay: 1000, maxDelay: 1000 },
      requestedSessionTimeout: 60_000,
      keepSessionAlive: device.mode === 'poll',
      transportTimeout: timeoutMs,
    });
    let markLost: (reason: string) => void = () => {};
    const lost = new Promise<string>((resolve) => {
      markLost = resolve;
    });
    client.on('connection_lost', () => markLost('connection lost'));
    client.on('close', () => markLost('connection closed'));
    const connection: Connection = {
      client,
      session: null as unknown as ClientSession,
      subscription: null,
      group: null,
      lost,
    };
    this.#connection = connection;
    await withTimeout(client.connect(device.endpoint), timeoutMs, 'connect');
    connection.session = await withTimeout(client.createSession(), timeoutMs, 'create session');
    this.sessionsCreated += 1;
    connection.session.on('session_closed', () => markLost('session closed'));
    connection.session.on('keepalive_failure', () => markLost('keep-alive failed'));
    if (device.mode === 'subscribe' && sink !== null) {
      await this.#subscribe(connection, sink, markLost, timeoutMs);
    }
    return connection;
  }

  async #subscribe(
    connection: Connection,
    sink: PointSink,
    markLost: (reason: string) => void,
    timeoutMs: number,
  ): Promise<void> {
    const device = this.#device;
    const subscription = await withTimeout(
      connection.session.createSubscription2({
        requestedPublishingInterval: device.publishMs,
        requestedLifetimeCount: 60,
        requestedMaxKeepAliveCount: 10,
        maxNotificationsPerPublish: 0,
        publishingEnabled: true,
        priority: 1,
      }),
      timeoutMs,
      'create subscription',
    );
    connection.subscription = subscription;
    subscription.on('terminated', () => markLost('subscription terminated'));
    const group = ClientMonitoredItemGroup.create(
      subscription,
      device.tags.map((tag) => ({ nodeId: tag.nodeId, attributeId: AttributeIds.Value })),
      { samplingInterval: Math.min(device.publishMs, 1000), discardOldest: true, queueSize: 10 },
      TimestampsToReturn.Both,
    );
    connection.group = group;
    group.on('changed', (_item: ClientMonitoredItemBase, dataValue: DataValue, index: number) => {
      const tag = device.tags[index];
      if (!tag) return;
      const point = this.#point(tag, dataValue);
      if (point) sink([point]);
    });
    await withTimeout(
      new Promise<void>((resolve, reject) => {
        group.once('initialized', () => resolve());
        group.once('err', (message: string) => reject(new Error(message)));
      }),
      timeoutMs,
      'create monitored items',
    );
  }

  async #pollUntilLost(connection: Connection, sink: PointSink): Promise<string> {
    const signal = this.#abort.signal;
    let lostReason: string | null = null;
    void connection.lost.then((reason) => {
      lostReason = reason;
    });
    while (!signal.aborted && lostReason === null) {
      const started = Date.now();
      try {
        const points = await this.#read(connection);
        this.#health.success(started);
        if (points.length > 0) sink(points);
      } catch (error) {
        return errorMessage(error);
      }
      await sleep(Math.max(0, started + this.#device.pollMs - Date.now()), signal);
    }
    return lostReason ?? 'stopped';
  }

  async #read(connection: Connection): Promise<TelemetryPoint[]> {
    const tags = this.#device.tags;
    const values = await withTimeout(
      connection.session.read(
        tags.map((tag) => ({ nodeId: tag.nodeId, attributeId: AttributeIds.Value })),
        0,
      ),
      this.#options.timeoutMs ?? 10_000,
      'read',
    );
    return tags.flatMap((tag, i) => {
      const dataValue = values[i];
      const point = dataValue ? this.#point(tag, dataValue) : null;
      return point ? [point] : [];
    });
  }

  #point(tag: OpcuaConfigDevice['tags'][number], dataValue: DataValue): TelemetryPoint | null {
    const quality = qualityOf(dataValue.statusCode.value);
    const raw = telemetryValue(dataValue.value?.value);
    const value = raw === null ? this.#lastValues.get(tag.id) : scaledValue(raw, tag);
    if (value === undefined) return null;
    const ts = (dataValue.sourceTimestamp ?? dataValue.serverTimestamp)?.getTime() ?? Date.now();
    const q = raw === null && quality === 'good' ? 'bad' : quality;
    if (q === 'good') this.#lastValues.set(tag.id, value);
    return { d: this.deviceId, t: tag.id, ts: ts > 946_684_800_000 ? ts : Date.now(), v: value, q };
  }

  async #disconnect(): Promise<void> {
    const connection = this.#connection;
    this.#connection = null;
    if (!connection) return;
    connection.group?.removeAllListeners('changed');
    try {
      await withTimeout(connection.client.disconnect(), 3000, 'disconnect');
    } catch (error) {
      this.#log.debug('disconnect did not finish cleanly', { error });
    }
  }
}

/** The endpoint's host and port (4840 when none is given), probed while it refuses connections. */
function probeWorldFor(endpoint: string, probeMs: number): ReconnectWorld | null {
  try {
    const url = new URL(endpoint);
    const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
    if (!host) return null;
    return tcpProbeWorld(host, url.port ? Number(url.port) : 4840, probeMs);
  } catch {
    return null;
  }
}
