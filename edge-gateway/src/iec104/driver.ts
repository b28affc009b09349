// The IEC 60870-5-104 driver (controlling station): connects (t0), starts data transfer, asks for a
// general interrogation at once, after the outstation's end of initialisation and every
// interrogationMs, and turns spontaneous and interrogated information objects into points: floats,
// scaled and normalized values, single and double points, with the quality descriptor as quality and
// the CP56Time2a time tag (read in the device's zone) as the point's time. Lost links come back with
// the gateway's backoff, cut short by a TCP probe while the port refuses.
import { connect, type Socket } from 'node:net';
import type { Iec104ConfigDevice, Quality, TelemetryPoint, TelemetryValue } from '@plantwatch/shared';
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
import { MalformedCounter } from '../malformed.ts';
import { scaledValue } from '../opcua/convert.ts';
import { COT, decodeAsdu, encodeInterrogation, type InformationObject, TYPE } from './asdu.ts';
import { instantOf } from './cp56.ts';
import { Iec104Link } from './link.ts';

export interface Iec104DriverOptions {
  backoff?: Partial<BackoffOptions>;
  /** While the outstation's port refuses connections, it is probed this often (default 1 s). */
  probeMs?: number;
}

type Tag = Iec104ConfigDevice['tags'][number];

const MIN_TS = 946_684_800_000;
const MAX_TS = 4_102_444_800_000;

/** The quality descriptor as a point's quality: invalid or overflow bad; not topical, substituted or blocked uncertain. */
export function qualityOfObject(object: InformationObject): Quality {
  const q = object.quality;
  if (q.invalid || q.overflow) return 'bad';
  if (q.notTopical || q.substituted || q.blocked || object.time?.invalid) return 'uncertain';
  return 'good';
}

function connectSocket(host: string, port: number, timeoutMs: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host, port });
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`t0 expired: no connection to ${host}:${port} within ${timeoutMs} ms`));
    }, timeoutMs);
    socket.once('connect', () => {
      clearTimeout(timer);
      socket.setNoDelay(true);
      resolve(socket);
    });
    socket.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
  });
}

export class Iec104Driver implements DeviceDriver {
  readonly deviceId: string;
  readonly #device: Iec104ConfigDevice;
  readonly #log: Logger;
  readonly #backoff: Backoff;
  readonly #health: HealthTracker;
  readonly #malformed: MalformedCounter;
  readonly #tags: Map<number, Tag>;
  readonly #lastValues = new Map<string, TelemetryValue>();
  readonly #abort = new AbortController();
  readonly #probeWorld: ReconnectWorld;
  readonly #warnDue = throttle(60_000);
  #link: Iec104Link | null = null;
  #loop: Promise<void> | null = null;
  /** General interrogations asked for (for tests and logs). */
  interrogations = 0;

  constructor(device: Iec104ConfigDevice, log: Logger, options: Iec104DriverOptions = {}) {
    this.deviceId = device.id;
    this.#device = device;
    this.#log = log.child({ device: device.id });
    this.#backoff = new Backoff(options.backoff);
    this.#health = new HealthTracker(device.id, this.#backoff);
    this.#malformed = new MalformedCounter(this.#log);
    this.#tags = new Map(device.tags.map((tag) => [tag.ioa, tag]));
    this.#probeWorld = tcpProbeWorld(device.host, device.port, options.probeMs ?? 1000);
  }

  health() {
    return { ...this.#health.snapshot(), ...this.#malformed.snapshot() };
  }

  start(sink: PointSink): void {
    if (this.#loop) return;
    this.#loop = this.#supervised(sink);
  }

  async stop(): Promise<void> {
    this.#abort.abort();
    this.#link?.close('stopped');
    await this.#loop;
  }

  /** Connects, interrogates the station once and returns what it sent until the interrogation ended. */
  async readOnce(): Promise<TelemetryPoint[]> {
    const latest = new Map<string, TelemetryPoint>();
    let finished: () => void = () => {};
    const done = new Promise<void>((resolve) => {
      finished = resolve;
    });
    const link = await this.#open((points) => {
      for (const point of points) latest.set(point.t, point);
    }, finished);
    try {
      const timeout = sleep(this.#device.t1Ms * 2, this.#abort.signal).then(() => 'timeout' as const);
      const outcome = await Promise.race([done.then(() => 'done' as const), link.closed, timeout]);
      if (outcome !== 'done' && latest.size === 0) {
        throw new Error(outcome === 'timeout' ? 'the general interrogation did not finish' : outcome);
      }
    } finally {
      link.close('read once finished');
    }
    return [...latest.values()];
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
      let link: Iec104Link;
      try {
        link = await this.#open(sink, () => {});
      } catch (error) {
        this.#failed(sink, error);
        const delay = this.#backoff.next();
        const fields = { error, retryInMs: delay, errorCount: this.#health.snapshot().errorCount };
        if (this.#warnDue()) this.#log.warn('cannot connect to the outstation; retrying', fields);
        else this.#log.debug('cannot connect to the outstation; retrying', fields);
        await this.#waitToReconnect(delay);
        continue;
      }
      this.#backoff.reset();
      this.#warnDue.reset();
      this.#health.success(Date.now());
      this.#log.info('data transfer started', { host: this.#device.host, port: this.#device.port });
      const every = this.#device.interrogationMs;
      const timer = every > 0 ? setInterval(() => this.#interrogate(link), every) : null;
      const reason = await link.closed;
      if (timer) clearInterval(timer);
      this.#link = null;
      if (signal.aborted) break;
      this.#log.warn('link lost; reconnecting', { reason });
      this.#failed(sink, new Error(reason));
      await this.#waitToReconnect(this.#backoff.next());
    }
  }

  async #waitToReconnect(delayMs: number): Promise<void> {
    await waitToReconnect(this.#probeWorld, { delayMs, probeMs: 1000, signal: this.#abort.signal });
  }

  #failed(sink: PointSink, error: unknown): void {
    this.#health.failure(errorMessage(error));
    if (this.#health.isConnected) {
      const bad = badQualityPoints(this.deviceId, this.#lastValues, Date.now());
      if (bad.length > 0) sink(bad);
    }
    this.#health.connected(false);
  }

  /** TCP (t0), STARTDT (t1), then the first general interrogation. */
  async #open(sink: PointSink, onInterrogationEnd: () => void): Promise<Iec104Link> {
    const device = this.#device;
    const socket = await connectSocket(device.host, device.port, device.t0Ms);
    const link = new Iec104Link(socket, device, {
      onAsdu: (asdu) => this.#asdu(link, asdu, sink, onInterrogationEnd),
    });
    this.#link = link;
    const started = await Promise.race([link.startDataTransfer().then(() => null), link.closed]);
    if (started !== null) throw new Error(started);
    this.#interrogate(link);
    return link;
  }

  #interrogate(link: Iec104Link): void {
    this.interrogations += 1;
    const { commonAddress, originatorAddress } = this.#device;
    link.send(encodeInterrogation({ cause: COT.activation, commonAddress, originator: originatorAddress }));
  }

  #asdu(link: Iec104Link, bytes: Buffer, sink: PointSink, onInterrogationEnd: () => void): void {
    try {
      const receivedAt = Date.now();
      let asdu: ReturnType<typeof decodeAsdu>;
      try {
        asdu = decodeAsdu(bytes);
      } catch (error) {
        this.#malformed.record(errorMessage(error), { asdu: bytes.subarray(0, 32).toString('hex') });
        return;
      }
      if (asdu.commonAddress !== this.#device.commonAddress) return;
      this.#health.success(receivedAt);
      if (asdu.typeId === TYPE.C_IC_NA_1) {
        if (asdu.negative) {
          this.#health.failure(`the outstation refused the general interrogation (cause ${asdu.cause})`);
        }
        if (asdu.cause === COT.activationTerm || asdu.negative) onInterrogationEnd();
        return;
      }
      if (asdu.typeId === TYPE.M_EI_NA_1) {
        this.#log.info('the outstation (re)initialised; interrogating it');
        this.#interrogate(link);
        return;
      }
      const points: TelemetryPoint[] = [];
      for (const object of asdu.objects) {
        const point = this.#point(object, receivedAt);
        if (point) points.push(point);
      }
      if (points.length > 0) sink(points);
    } catch (error) {
      this.#malformed.record(`cannot handle the ASDU: ${errorMessage(error)}`);
    }
  }

  #point(object: InformationObject, receivedAt: number): TelemetryPoint | null {
    const tag = this.#tags.get(object.ioa);
    if (!tag) return null;
    let quality = qualityOfObject(object);
    let value: TelemetryValue;
    if (object.kind === 'single') value = object.value === 1;
    else if (object.kind === 'double') {
      // 1 off, 2 on; 0 is in between (the breaker is moving), 3 cannot be determined.
      if (object.value === 1 || object.value === 2) value = object.value === 2;
      else {
        const last = this.#lastValues.get(tag.id);
        value = typeof last === 'boolean' ? last : false;
        quality = object.value === 0 && quality === 'good' ? 'uncertain' : 'bad';
      }
    } else {
      if (!Number.isFinite(object.value)) {
        this.#malformed.record(`object ${object.ioa}: a float that is not a finite number`);
        return null;
      }
      value = scaledValue(object.value, tag);
    }
    let ts = receivedAt;
    if (object.time && !object.time.invalid) {
      const instant = instantOf(object.time, this.#device.timeZone);
      if (instant >= MIN_TS && instant < MAX_TS) ts = instant;
    }
    if (quality === 'good') this.#lastValues.set(tag.id, value);
    return { d: this.deviceId, t: tag.id, ts, v: value, q: quality };
  }
}
