// The Modbus driver: polls one device at its own rate in coalesced block reads, keeps the socket
// across a single timeout, and reconnects with a capped backoff when the device is gone (a TCP device
// whose port refuses is probed, so it is polled again within a probe interval of coming back).
import type { ModbusConfigDevice, TelemetryPoint } from '@plantwatch/shared';
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
import { decodeBit, decodeRegisters, tagWidth } from './decode.ts';
import { type ModbusLine, ModbusTimeoutError } from './line.ts';
import { planBlocks, type ReadBlock } from './plan.ts';

/** The Modbus protocol's own error answer (illegal address and so on): the device is there. */
function isModbusException(error: unknown): boolean {
  return typeof error === 'object' && error !== null && 'modbusCode' in error;
}

type BlockResult = { ok: true; points: TelemetryPoint[] } | { ok: false; error: unknown };

export class ModbusDriver implements DeviceDriver {
  readonly deviceId: string;
  readonly #device: ModbusConfigDevice;
  readonly #line: ModbusLine;
  readonly #blocks: ReadBlock[];
  readonly #log: Logger;
  readonly #backoff: Backoff;
  readonly #health: HealthTracker;
  readonly #lastValues = new Map<string, TelemetryPoint['v']>();
  readonly #abort = new AbortController();
  readonly #probeMs: number;
  /** TCP devices are probed while their port refuses; a serial line has nothing to probe. */
  readonly #probeWorld: ReconnectWorld | null;
  /** A device that stays away is logged at warn once a minute, not at every attempt. */
  readonly #warnDue = throttle(60_000);
  #loop: Promise<void> | null = null;
  #consecutiveTimeouts = 0;
  /** After the device went silent: no new attempt (reconnect, or request on a shared RTU line) before this. */
  #silentUntil = 0;

  constructor(
    device: ModbusConfigDevice,
    line: ModbusLine,
    log: Logger,
    options: { backoff?: Partial<BackoffOptions>; probeMs?: number } = {},
  ) {
    this.deviceId = device.id;
    this.#device = device;
    this.#line = line;
    this.#blocks = planBlocks(device.tags, device.maxGap);
    this.#log = log.child({ device: device.id });
    this.#backoff = new Backoff(options.backoff);
    this.#health = new HealthTracker(device.id, this.#backoff);
    this.#probeMs = options.probeMs ?? 1000;
    this.#probeWorld =
      device.protocol === 'modbus-tcp' ? tcpProbeWorld(device.host, device.port, this.#probeMs) : null;
  }

  /** The block reads one poll makes (for tests and logs). */
  get blocks(): readonly ReadBlock[] {
    return this.#blocks;
  }

  health() {
    return this.#health.snapshot();
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
    await this.#loop;
    if (this.#device.protocol === 'modbus-tcp') this.#line.close();
  }

  async readOnce(): Promise<TelemetryPoint[]> {
    if (!this.#line.isOpen) await this.#line.open();
    const ts = Date.now();
    const points: TelemetryPoint[] = [];
    for (const block of this.#blocks) {
      const result = await this.#readBlock(block);
      if (!result.ok) throw result.error;
      points.push(...result.points);
    }
    this.#health.success(ts);
    return points;
  }

  async #run(sink: PointSink): Promise<void> {
    const signal = this.#abort.signal;
    while (!signal.aborted) {
      if (!(await this.#ensureConnected(sink))) continue;
      const started = Date.now();
      await this.#poll(sink);
      await sleep(Math.max(0, started + this.#device.pollMs - Date.now()), signal);
    }
  }

  /** False after a failed attempt (and its backoff wait): the caller loops and tries again. */
  async #ensureConnected(sink: PointSink): Promise<boolean> {
    const wait = this.#silentUntil - Date.now();
    if (wait > 0) {
      await this.#waitToReconnect(wait);
      this.#silentUntil = 0;
      return false;
    }
    if (this.#line.isOpen) return true;
    try {
      await this.#line.open();
      this.#log.info('connected', { backoffMs: this.#backoff.currentMs });
      this.#consecutiveTimeouts = 0;
      return true;
    } catch (error) {
      this.#health.failure(errorMessage(error));
      this.#lostContact(sink);
      const delay = this.#backoff.next();
      const fields = { error, retryInMs: delay, errorCount: this.#health.snapshot().errorCount };
      if (this.#warnDue()) this.#log.warn('cannot connect; retrying', fields);
      else this.#log.debug('cannot connect; retrying', fields);
      await this.#waitToReconnect(delay);
      return false;
    }
  }

  /** The backoff delay, cut short when a probe finds the port accepting again. */
  async #waitToReconnect(delayMs: number): Promise<void> {
    const outcome = await waitToReconnect(this.#probeWorld, {
      delayMs,
      probeMs: this.#probeMs,
      signal: this.#abort.signal,
    });
    if (outcome === 'reachable') this.#log.info('the port accepts connections again; reconnecting');
  }

  async #poll(sink: PointSink): Promise<void> {
    const ts = Date.now();
    const points: TelemetryPoint[] = [];
    let failure: unknown = null;
    for (const block of this.#blocks) {
      if (this.#abort.signal.aborted) return;
      const result = await this.#readBlock(block);
      if (result.ok) {
        points.push(...result.points);
        continue;
      }
      if (isModbusException(result.error)) {
        // The device answered "no" for this block: its tags are bad, the connection is fine.
        this.#health.failure(errorMessage(result.error));
        points.push(...this.#badBlock(block, ts));
        continue;
      }
      failure = result.error;
      break;
    }
    if (failure === null) {
      this.#consecutiveTimeouts = 0;
      if (!this.#health.isConnected && this.#backoff.currentMs > 0) this.#log.info('answering again');
      this.#backoff.reset();
      this.#warnDue.reset();
      this.#health.success(ts);
      if (points.length > 0) sink(points);
      return;
    }
    if (points.length > 0) sink(points);
    this.#health.failure(errorMessage(failure));
    if (failure instanceof ModbusTimeoutError) {
      this.#consecutiveTimeouts += 1;
      // One lost answer is a blip: keep the socket. Two in a row: the connection is suspect.
      if (this.#consecutiveTimeouts < 2) {
        this.#log.warn('request timed out; keeping the connection', { error: failure });
        return;
      }
    }
    this.#warnDue.reset();
    this.#log.warn('device stopped answering', { error: failure });
    this.#lostContact(sink);
    // TCP: a fresh socket after the backoff. RTU: the line is shared and stays open for the others.
    if (this.#device.protocol === 'modbus-tcp') this.#line.close();
    this.#silentUntil = Date.now() + this.#backoff.next();
  }

  /** Tags go bad once, on the change from answering to silent, not on every retry. */
  #lostContact(sink: PointSink): void {
    if (this.#health.isConnected) {
      const bad = badQualityPoints(this.deviceId, this.#lastValues, Date.now());
      if (bad.length > 0) sink(bad);
    }
    this.#health.connected(false);
  }

  #badBlock(block: ReadBlock, ts: number): TelemetryPoint[] {
    return block.tags.flatMap((tag) => {
      const last = this.#lastValues.get(tag.id);
      return last === undefined ? [] : [{ d: this.deviceId, t: tag.id, ts, v: last, q: 'bad' as const }];
    });
  }

  async #readBlock(block: ReadBlock): Promise<BlockResult> {
    const { unitId, byteOrder, wordOrder } = this.#device;
    try {
      const ts = Date.now();
      const points: TelemetryPoint[] = [];
      if (block.area === 'coil' || block.area === 'discrete') {
        const answer = await this.#line.request(unitId, (client) =>
          block.area === 'coil'
            ? client.readCoils(block.start, block.count)
            : client.readDiscreteInputs(block.start, block.count),
        );
        for (const tag of block.tags) {
          const decoded = decodeBit(answer.data[tag.address - block.start] === true);
          points.push(this.#point(tag.id, ts, decoded.value, decoded.quality));
        }
      } else {
        const answer = await this.#line.request(unitId, (client) =>
          block.area === 'holding'
            ? client.readHoldingRegisters(block.start, block.count)
            : client.readInputRegisters(block.start, block.count),
        );
        for (const tag of block.tags) {
          const offset = tag.address - block.start;
          const words = answer.data.slice(offset, offset + tagWidth(tag));
          const decoded = decodeRegisters(words, tag, byteOrder, wordOrder);
          points.push(this.#point(tag.id, ts, decoded.value, decoded.quality));
        }
      }
      return { ok: true, points };
    } catch (error) {
      return { ok: false, error };
    }
  }

  #point(tag: string, ts: number, v: TelemetryPoint['v'], q: TelemetryPoint['q']): TelemetryPoint {
    if (q === 'good') this.#lastValues.set(tag, v);
    return { d: this.deviceId, t: tag, ts, v, q };
  }
}
