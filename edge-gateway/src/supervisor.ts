// Runs the drivers in worker threads and keeps them running. By default one worker runs every device,
// whatever its protocol (a worker thread costs ~30 MB; each device polls in its own loop, so a slow or
// dead PLC delays nobody). A worker that crashes or hangs is restarted after a backoff; if it ran
// several devices, it is first split in two, and so on, until the device at fault runs alone and the
// others run undisturbed. With isolation "protocol" each protocol family (Modbus and its kin, OPC UA)
// starts in a worker of its own (ADR 0057); with "device", every device does.
import { Worker } from 'node:worker_threads';
import type { ConfigDevice, DeviceHealth, TelemetryPoint } from '@plantwatch/shared';
import { Backoff, type BackoffOptions } from './backoff.ts';
import { type ConnectionUnit, connectionUnits } from './drivers.ts';
import type { Logger, LogLevel } from './log.ts';
import type { DriverWorkerData, SupervisorMessage, WorkerMessage } from './worker/messages.ts';

export const driverWorkerUrl = new URL('./worker/driver-worker.ts', import.meta.url);

export interface SupervisorOptions {
  onPoints: (points: TelemetryPoint[]) => void;
  log: Logger;
  pkiDir: string;
  logLevel?: LogLevel;
  /** A worker that sends nothing for this long is hung and is replaced (default 15 s). */
  hangTimeoutMs?: number;
  /**
   * "shared" (default): one worker for every device, split on failure; "protocol": one per protocol
   * family, split on failure; "device": one per device.
   */
  isolation?: 'shared' | 'protocol' | 'device';
  /** At most this many workers (default 16). */
  maxWorkers?: number;
  /** The worker script (tests swap in one with misbehaving drivers). */
  workerUrl?: URL;
  /** Driver reconnect backoff and probe interval, passed to the workers. */
  backoff?: Partial<BackoffOptions>;
  probeMs?: number;
  /** Worker restart backoff (default 1 s doubling to 1 min). */
  restartBackoff?: Partial<BackoffOptions>;
}

interface SlotEvents {
  onHealth(devices: DeviceHealth[]): void;
  onFailed(slot: WorkerSlot, reason: string): void;
}

class WorkerSlot {
  readonly id: string;
  units: ConnectionUnit[];
  readonly restartBackoff: Backoff;
  readonly #options: SupervisorOptions;
  readonly #events: SlotEvents;
  #worker: Worker | null = null;
  #signature = '';
  #lastMessageAt = 0;
  /** False until the worker's first message: starting takes a while, more so with many at once. */
  #booted = false;
  /** Resolves at the worker's first message (or exit), so workers can be started a few at a time. */
  booted: Promise<void> = Promise.resolve();
  #stopping = false;
  #restartTimer: NodeJS.Timeout | null = null;

  constructor(id: string, units: ConnectionUnit[], options: SupervisorOptions, events: SlotEvents) {
    this.id = id;
    this.units = units;
    this.#options = options;
    this.#events = events;
    this.restartBackoff = new Backoff({
      initialMs: 1000,
      maxMs: 60_000,
      factor: 2,
      ...options.restartBackoff,
    });
  }

  devices(): ConfigDevice[] {
    return this.units.flatMap((unit) => unit.devices);
  }

  get running(): boolean {
    return this.#worker !== null || this.#restartTimer !== null;
  }

  start(): void {
    const devices = this.devices();
    this.#signature = JSON.stringify(devices);
    const data: DriverWorkerData = {
      devices,
      pkiDir: this.#options.pkiDir,
      logLevel: this.#options.logLevel ?? 'info',
      ...(this.#options.backoff ? { backoff: this.#options.backoff } : {}),
      ...(this.#options.probeMs !== undefined ? { probeMs: this.#options.probeMs } : {}),
    };
    const worker = new Worker(this.#options.workerUrl ?? driverWorkerUrl, { workerData: data });
    this.#worker = worker;
    this.#lastMessageAt = Date.now();
    this.#booted = false;
    let markBooted: () => void = () => {};
    this.booted = new Promise<void>((resolve) => {
      markBooted = resolve;
    });
    worker.once('exit', () => markBooted());
    worker.on('message', (message: WorkerMessage) => {
      this.#lastMessageAt = Date.now();
      if (!this.#booted) {
        this.#booted = true;
        markBooted();
      }
      if (message.type === 'points') this.#options.onPoints(message.points);
      else if (message.type === 'health') {
        this.#events.onHealth(message.devices);
        if (message.devices.some((h) => h.connected)) this.restartBackoff.reset();
      }
    });
    worker.on('error', (error) => {
      this.#options.log.error('driver worker failed', { worker: this.id, error });
    });
    worker.on('exit', (code) => {
      if (this.#worker !== worker) return;
      this.#worker = null;
      if (!this.#stopping) this.#events.onFailed(this, `exited with code ${code}`);
    });
  }

  /** Starts the worker after `delayMs` (a restart after a failure). */
  startAfter(delayMs: number): void {
    if (this.#restartTimer) clearTimeout(this.#restartTimer);
    this.#restartTimer = setTimeout(() => {
      this.#restartTimer = null;
      if (!this.#stopping) this.start();
    }, delayMs);
  }

  /** Tells a running worker its new device set; a worker waiting to restart picks it up when it starts. */
  update(): void {
    const devices = this.devices();
    const signature = JSON.stringify(devices);
    if (signature === this.#signature || !this.#worker) return;
    this.#signature = signature;
    this.#worker.postMessage({ type: 'set-devices', devices } satisfies SupervisorMessage);
  }

  /** Called every second by the supervisor. */
  checkAlive(hangTimeoutMs: number): void {
    const worker = this.#worker;
    const limit = this.#booted ? hangTimeoutMs : Math.max(hangTimeoutMs, 60_000);
    if (!worker || Date.now() - this.#lastMessageAt < limit) return;
    this.#options.log.error('driver worker hung; terminating it', {
      worker: this.id,
      device: this.devices()
        .map((d) => d.id)
        .join(','),
      silentForMs: Date.now() - this.#lastMessageAt,
    });
    this.#lastMessageAt = Date.now();
    void worker.terminate();
  }

  /** The supervisor's own thread was blocked for `ms`: the worker's silence is not its fault. */
  excuse(ms: number): void {
    this.#lastMessageAt += ms;
  }

  async stop(): Promise<void> {
    this.#stopping = true;
    if (this.#restartTimer) clearTimeout(this.#restartTimer);
    this.#restartTimer = null;
    const worker = this.#worker;
    if (!worker) return;
    const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
    const stopped = new Promise<void>((resolve) =>
      worker.on('message', (message: WorkerMessage) => {
        if (message.type === 'stopped') resolve();
      }),
    );
    worker.postMessage({ type: 'stop' } satisfies SupervisorMessage);
    // A polite stop first (drivers close their connections), then the hard way.
    const timer = setTimeout(() => void worker.terminate(), 2000);
    await Promise.race([stopped.then(() => worker.terminate()), exited]);
    clearTimeout(timer);
    await exited.catch(() => {});
    this.#worker = null;
  }
}

export class Supervisor {
  readonly #options: SupervisorOptions;
  readonly #slots = new Map<string, WorkerSlot>();
  readonly #health = new Map<string, DeviceHealth>();
  readonly #restarts = new Map<string, number>();
  readonly #watchdog: NodeJS.Timeout;
  readonly #events: SlotEvents;
  #lastWatchdogAt = Date.now();
  #slotNumber = 0;
  #stopped = false;

  constructor(options: SupervisorOptions) {
    this.#options = options;
    this.#events = {
      onHealth: (devices) => {
        for (const health of devices) this.#health.set(health.d, health);
      },
      onFailed: (slot, reason) => this.#failed(slot, reason),
    };
    const hangTimeoutMs = options.hangTimeoutMs ?? 15_000;
    this.#watchdog = setInterval(() => {
      // If this thread itself was stalled, every worker looks silent: excuse the stall first.
      const now = Date.now();
      const lag = now - this.#lastWatchdogAt - 1000;
      this.#lastWatchdogAt = now;
      for (const slot of this.#slots.values()) {
        if (lag > 500) slot.excuse(lag);
        slot.checkAlive(hangTimeoutMs);
      }
    }, 1000);
  }

  get #maxWorkers(): number {
    return this.#options.maxWorkers ?? 16;
  }

  /** Runs exactly these devices: drivers of unchanged devices keep running where they are. */
  async setDevices(devices: readonly ConfigDevice[]): Promise<void> {
    const wanted = new Map(connectionUnits(devices).map((unit) => [unit.key, unit]));
    const placed = new Set<string>();
    for (const slot of this.#slots.values()) {
      slot.units = slot.units.flatMap((unit) => {
        const next = wanted.get(unit.key);
        if (!next || next.family !== unit.family) return [];
        placed.add(unit.key);
        return [next];
      });
    }
    const fresh: WorkerSlot[] = [];
    for (const unit of wanted.values()) {
      if (placed.has(unit.key)) continue;
      const slot = this.#slotFor(unit);
      slot.units.push(unit);
      if (!slot.running && !fresh.includes(slot)) fresh.push(slot);
    }
    const ids = new Set([...wanted.values()].flatMap((unit) => unit.devices.map((d) => d.id)));
    for (const id of this.#health.keys()) if (!ids.has(id)) this.#health.delete(id);
    const stops: Promise<void>[] = [];
    for (const [id, slot] of this.#slots) {
      if (slot.units.length === 0) {
        this.#slots.delete(id);
        stops.push(slot.stop());
      } else if (!fresh.includes(slot)) slot.update();
    }
    await Promise.all(stops);
    // A few at a time: many workers compiling at once would starve every thread for seconds.
    const starting: Promise<void>[] = [];
    for (const slot of fresh) {
      slot.start();
      starting.push(slot.booted);
      if (starting.length >= 4) await Promise.race(starting.splice(0, 1));
    }
  }

  /** Where a new device goes: the shared worker, its protocol's, or its own; the least busy one at the limit. */
  #slotFor(unit: ConnectionUnit): WorkerSlot {
    const isolation = this.#options.isolation ?? 'shared';
    const id = isolation === 'device' ? unit.key : isolation === 'protocol' ? unit.family : 'shared';
    const existing = this.#slots.get(id);
    if (existing) return existing;
    if (this.#slots.size < this.#maxWorkers) return this.#newSlot(id, []);
    const slots = [...this.#slots.values()];
    const sameFamily = slots.filter((slot) => slot.units[0]?.family === unit.family);
    const candidates = sameFamily.length > 0 ? sameFamily : slots;
    return candidates.reduce((best, slot) => (slot.units.length < best.units.length ? slot : best));
  }

  #newSlot(id: string, units: ConnectionUnit[]): WorkerSlot {
    const slot = new WorkerSlot(id, units, this.#options, this.#events);
    this.#slots.set(id, slot);
    return slot;
  }

  /** A worker crashed or hung: split its devices when it ran several, then restart after a backoff. */
  #failed(slot: WorkerSlot, reason: string): void {
    if (this.#stopped) return;
    const devices = slot.devices();
    for (const device of devices) {
      this.#restarts.set(device.id, (this.#restarts.get(device.id) ?? 0) + 1);
      const health = this.#health.get(device.id);
      this.#health.set(device.id, {
        d: device.id,
        connected: false,
        lastSuccessTs: health?.lastSuccessTs ?? null,
        errorCount: (health?.errorCount ?? 0) + 1,
        backoffMs: 0,
        lastError: 'driver worker failed; restarting',
      });
    }
    const delay = slot.restartBackoff.next();
    const fields = {
      worker: slot.id,
      reason,
      restartInMs: delay,
      device: devices.map((d) => d.id).join(','),
    };
    if (slot.units.length > 1 && this.#slots.size < this.#maxWorkers) {
      const half = Math.ceil(slot.units.length / 2);
      const moved = slot.units.slice(half);
      slot.units = slot.units.slice(0, half);
      this.#slotNumber += 1;
      const sibling = this.#newSlot(`${slot.id}/${this.#slotNumber}`, moved);
      this.#options.log.warn('driver worker failed; splitting its devices over two workers', {
        ...fields,
        split: [slot.devices().map((d) => d.id), sibling.devices().map((d) => d.id)],
      });
      sibling.startAfter(delay);
    } else {
      this.#options.log.warn('driver worker failed; restarting it', fields);
    }
    slot.startAfter(delay);
  }

  health(): DeviceHealth[] {
    return [...this.#slots.values()].flatMap((slot) =>
      slot.devices().map(
        (device) =>
          this.#health.get(device.id) ?? {
            d: device.id,
            connected: false,
            lastSuccessTs: null,
            errorCount: 0,
            backoffMs: 0,
          },
      ),
    );
  }

  /** Restarts of the worker each device ran in (0 for a device whose worker never failed). */
  restarts(): Map<string, number> {
    const counts = new Map<string, number>();
    for (const slot of this.#slots.values())
      for (const d of slot.devices()) counts.set(d.id, this.#restarts.get(d.id) ?? 0);
    return counts;
  }

  /** The device ids of each worker (for tests and logs). */
  workers(): string[][] {
    return [...this.#slots.values()].map((slot) => slot.devices().map((d) => d.id));
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    clearInterval(this.#watchdog);
    const slots = [...this.#slots.values()];
    this.#slots.clear();
    await Promise.all(slots.map((slot) => slot.stop()));
  }
}
