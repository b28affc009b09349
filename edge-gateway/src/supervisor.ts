// Runs each driver group in its own worker thread and keeps it running: a worker that throws, exits
// or stops reporting (hung) is replaced after a backoff, alone, while the others carry on.
import { Worker } from 'node:worker_threads';
import type { ConfigDevice, DeviceHealth, TelemetryPoint } from '@plantwatch/shared';
import { Backoff, type BackoffOptions } from './backoff.ts';
import { groupDevices } from './drivers.ts';
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
  /** At most this many workers; more devices share them (default: one worker per device). */
  maxWorkers?: number;
  /** The worker script, or a choice per group (tests swap in misbehaving ones). */
  workerUrl?: URL | ((devices: readonly ConfigDevice[]) => URL);
  /** Driver reconnect backoff, passed to the workers. */
  backoff?: Partial<BackoffOptions>;
  /** Worker restart backoff (default 1 s growing to 1 min). */
  restartBackoff?: Partial<BackoffOptions>;
}

class WorkerSlot {
  readonly key: string;
  readonly devices: ConfigDevice[];
  readonly #options: SupervisorOptions;
  readonly #log: Logger;
  readonly #restartBackoff: Backoff;
  #worker: Worker | null = null;
  #lastMessageAt = 0;
  /** False until the worker's first message: starting takes a while, more so with many at once. */
  #booted = false;
  /** Resolves at the worker's first message (or exit), so the supervisor can start workers a few at a time. */
  booted: Promise<void> = Promise.resolve();
  #stopping = false;
  #restartTimer: NodeJS.Timeout | null = null;
  #health = new Map<string, DeviceHealth>();
  restarts = 0;

  constructor(key: string, devices: ConfigDevice[], options: SupervisorOptions) {
    this.key = key;
    this.devices = devices;
    this.#options = options;
    this.#log = options.log.child({ device: devices.map((d) => d.id).join(',') });
    this.#restartBackoff = new Backoff({
      initialMs: 1000,
      maxMs: 60_000,
      factor: 2,
      ...options.restartBackoff,
    });
  }

  start(): void {
    const data: DriverWorkerData = {
      devices: this.devices,
      pkiDir: this.#options.pkiDir,
      logLevel: this.#options.logLevel ?? 'info',
      ...(this.#options.backoff ? { backoff: this.#options.backoff } : {}),
    };
    const choice = this.#options.workerUrl ?? driverWorkerUrl;
    const url = typeof choice === 'function' ? choice(this.devices) : choice;
    const worker = new Worker(url, { workerData: data });
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
        for (const health of message.devices) this.#health.set(health.d, health);
        if (message.devices.some((h) => h.connected)) this.#restartBackoff.reset();
      }
    });
    worker.on('error', (error) => {
      this.#log.error('driver worker failed', { error });
    });
    worker.on('exit', (code) => {
      if (this.#worker !== worker) return;
      this.#worker = null;
      if (this.#stopping) return;
      const delay = this.#restartBackoff.next();
      this.restarts += 1;
      this.#log.warn('driver worker exited; restarting it', { exitCode: code, restartInMs: delay });
      this.#markDisconnected('driver worker exited; restarting');
      this.#restartTimer = setTimeout(() => {
        this.#restartTimer = null;
        if (!this.#stopping) this.start();
      }, delay);
    });
  }

  /** Called every second by the supervisor. */
  checkAlive(hangTimeoutMs: number): void {
    const worker = this.#worker;
    const limit = this.#booted ? hangTimeoutMs : Math.max(hangTimeoutMs, 60_000);
    if (!worker || Date.now() - this.#lastMessageAt < limit) return;
    this.#log.error('driver worker hung; terminating it', { silentForMs: Date.now() - this.#lastMessageAt });
    this.#lastMessageAt = Date.now();
    void worker.terminate();
  }

  health(): DeviceHealth[] {
    return this.devices.map(
      (device) =>
        this.#health.get(device.id) ?? {
          d: device.id,
          connected: false,
          lastSuccessTs: null,
          errorCount: 0,
          backoffMs: 0,
        },
    );
  }

  /** The supervisor's own thread was blocked for `ms`: the worker's silence is not its fault. */
  excuse(ms: number): void {
    this.#lastMessageAt += ms;
  }

  #markDisconnected(reason: string): void {
    for (const [id, health] of this.#health) {
      this.#health.set(id, {
        ...health,
        connected: false,
        errorCount: health.errorCount + 1,
        lastError: reason,
      });
    }
  }

  async stop(): Promise<void> {
    this.#stopping = true;
    if (this.#restartTimer) clearTimeout(this.#restartTimer);
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
  readonly #watchdog: NodeJS.Timeout;
  #lastWatchdogAt = Date.now();

  constructor(options: SupervisorOptions) {
    this.#options = options;
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

  /** Starts, stops or restarts workers so that exactly these devices run; unchanged ones are left alone. */
  async setDevices(devices: readonly ConfigDevice[]): Promise<void> {
    const groups = groupDevices(devices, this.#options.maxWorkers ?? Number.POSITIVE_INFINITY);
    const wanted = new Map(groups.map((group) => [JSON.stringify(group), group]));
    const stops: Promise<void>[] = [];
    for (const [key, slot] of this.#slots) {
      if (!wanted.has(key)) {
        this.#slots.delete(key);
        stops.push(slot.stop());
      }
    }
    await Promise.all(stops);
    // A few at a time: a hundred workers compiling at once would starve every thread for seconds.
    const starting: Promise<void>[] = [];
    for (const [key, group] of wanted) {
      if (this.#slots.has(key)) continue;
      const slot = new WorkerSlot(key, group, this.#options);
      this.#slots.set(key, slot);
      slot.start();
      starting.push(slot.booted);
      if (starting.length >= 4) await Promise.race(starting.splice(0, 1));
    }
  }

  health(): DeviceHealth[] {
    return [...this.#slots.values()].flatMap((slot) => slot.health());
  }

  /** Worker restarts per device id (a serial line's devices share their worker's count). */
  restarts(): Map<string, number> {
    const counts = new Map<string, number>();
    for (const slot of this.#slots.values()) for (const d of slot.devices) counts.set(d.id, slot.restarts);
    return counts;
  }

  async stop(): Promise<void> {
    clearInterval(this.#watchdog);
    const slots = [...this.#slots.values()];
    this.#slots.clear();
    await Promise.all(slots.map((slot) => slot.stop()));
  }
}
