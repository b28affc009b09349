// The gateway process, composed: driver workers → report by exception → disk buffer → MQTT publisher,
// with status (retained, and a status.json file for the container health check), config pushes and
// commands from the cloud.
import { renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ConfigDevice, GatewayConfig, GatewayStatus, TelemetryPoint } from '@plantwatch/shared';
import type { BackoffOptions } from './backoff.ts';
import { DiskBuffer } from './buffer.ts';
import { CommandRunner } from './commands.ts';
import { ConfigError, describeFileError, resolveFrom } from './config.ts';
import { decodeConfigMessage, LastGoodConfig, type PushedVersion } from './config-push.ts';
import { createLogger, errorMessage, type Logger, type LogLevel, throttle } from './log.ts';
import { Publisher } from './publisher.ts';
import { ReportByException } from './rbe.ts';
import { Supervisor } from './supervisor.ts';

export const GATEWAY_VERSION = '0.1.0';

export interface GatewayOptions {
  config: GatewayConfig;
  /** Relative paths in the config are resolved against this folder. */
  baseDir: string;
  log?: Logger;
  logLevel?: LogLevel;
  /** Retained status and status.json are refreshed this often (default mqtt.statusIntervalSeconds), and on every change. */
  statusIntervalMs?: number;
  hangTimeoutMs?: number;
  workerUrl?: URL;
  /** Overrides config.reconnect's delays (tests). */
  backoff?: Partial<BackoffOptions>;
  /** Buffer write interval (default 100 ms). */
  flushMs?: number;
}

type ConfigRefusal = NonNullable<Extract<GatewayStatus, { state: 'online' }>['rejected']>;

export class Gateway {
  readonly buffer: DiskBuffer;
  readonly supervisor: Supervisor;
  readonly publisher: Publisher | null;
  readonly #config: GatewayConfig;
  readonly #log: Logger;
  readonly #rbe: ReportByException;
  readonly #statusFile: string;
  readonly #lastGood: LastGoodConfig;
  readonly #timers: NodeJS.Timeout[] = [];
  #devices: ConfigDevice[];
  #configVersion: number | undefined;
  #configError: ConfigRefusal | undefined;
  #connectedSignature = '';
  /** Points dropped since the last warning about it (one a minute at most). */
  #droppedSinceWarning = 0;
  readonly #dropWarnDue = throttle(60_000);
  /** Points that passed report by exception into the buffer since start. */
  bufferedPoints = 0;
  /** Points the drivers delivered since start, before report by exception. */
  polledPoints = 0;

  private constructor(options: GatewayOptions) {
    const { config, baseDir } = options;
    this.#config = config;
    this.#log = options.log ?? createLogger({ level: options.logLevel ?? 'info' });
    const bufferDir = resolveFrom(baseDir, config.buffer.dir);
    this.#statusFile = join(bufferDir, 'status.json');
    this.#lastGood = new LastGoodConfig(bufferDir);
    // The last version pushed and applied wins over the file's, also over a bad retained message.
    const pushed = this.#lastGood.read();
    const usePushed = pushed !== null && pushed.version > (config.version ?? -1);
    try {
      this.buffer = new DiskBuffer({
        ...config.buffer,
        ...(usePushed && pushed.config.buffer ? pushed.config.buffer : {}),
        dir: bufferDir,
        gatewayId: config.gateway.id,
        ...(options.flushMs !== undefined ? { flushMs: options.flushMs } : {}),
      });
    } catch (error) {
      throw new ConfigError(
        `buffer.dir: cannot open the buffer in ${bufferDir}: ${describeFileError(error)}`,
      );
    }
    this.buffer.onDropped = (points, which) => this.#bufferDropped(points, which);
    this.#devices = config.devices;
    this.#configVersion = config.version;
    if (usePushed) {
      this.#log.info('using the config pushed earlier', { configVersion: pushed.version });
      this.#devices = pushed.config.devices;
      this.#configVersion = pushed.version;
    }
    const commands = new CommandRunner({
      log: this.#log,
      pkiDir: join(bufferDir, 'pki'),
      respond: (payload) =>
        this.publisher ? this.publisher.publishResponse(payload) : Promise.reject(new Error('no broker')),
    });
    this.#rbe = new ReportByException(this.#devices);
    this.supervisor = new Supervisor({
      onPoints: (points) => {
        this.polledPoints += points.length;
        this.#accept(this.#rbe.filter(points));
      },
      log: this.#log,
      pkiDir: join(bufferDir, 'pki'),
      ...(options.logLevel ? { logLevel: options.logLevel } : {}),
      hangTimeoutMs: options.hangTimeoutMs ?? config.workers.hangTimeoutMs,
      isolation: config.workers.isolation,
      maxWorkers: config.workers.maxWorkers,
      ...(options.workerUrl ? { workerUrl: options.workerUrl } : {}),
      backoff: { initialMs: config.reconnect.initialMs, maxMs: config.reconnect.maxMs, ...options.backoff },
      probeMs: config.reconnect.probeMs,
    });
    const ids = {
      tenantId: config.gateway.tenantId,
      siteId: config.gateway.siteId,
      gatewayId: config.gateway.id,
    };
    let publisher: Publisher | null = null;
    try {
      publisher = config.mqtt
        ? new Publisher({
            settings: config.mqtt,
            ids,
            buffer: this.buffer,
            log: this.#log,
            baseDir,
            status: () => this.status(),
            onConfigMessage: (payload) => void this.applyConfigMessage(payload),
            onRequest: (payload) => commands.handle(payload),
          })
        : null;
    } catch (error) {
      void this.supervisor.stop();
      this.buffer.close();
      throw error;
    }
    this.publisher = publisher;
    this.#timers.push(setInterval(() => this.#accept(this.#rbe.heartbeat()), 1000));
    const statusEveryMs = options.statusIntervalMs ?? (config.mqtt?.statusIntervalSeconds ?? 10) * 1000;
    this.#timers.push(setInterval(() => this.#reportStatus(), statusEveryMs));
    this.#timers.push(
      setInterval(() => {
        const signature = this.supervisor
          .health()
          .map((h) => `${h.d}:${h.connected}`)
          .join(',');
        if (signature !== this.#connectedSignature) {
          this.#connectedSignature = signature;
          this.#reportStatus();
        }
      }, 1000),
    );
  }

  static async start(options: GatewayOptions): Promise<Gateway> {
    const gateway = new Gateway(options);
    await gateway.supervisor.setDevices(gateway.#devices);
    gateway.#log.info('gateway started', {
      gatewayId: options.config.gateway.id,
      devices: gateway.#devices.length,
      configVersion: gateway.#configVersion ?? null,
      buffered: gateway.buffer.stats().points,
    });
    gateway.#reportStatus();
    return gateway;
  }

  /** Dropped points are counted in status (for the cloud's alarm) and logged, once a minute at most. */
  #bufferDropped(points: number, which: 'oldest' | 'newest'): void {
    this.#droppedSinceWarning += points;
    if (!this.#dropWarnDue()) return;
    const stats = this.buffer.stats();
    this.#log.warn('buffer full: points dropped', {
      dropped: this.#droppedSinceWarning,
      which,
      droppedTotal: stats.droppedPoints,
      bufferBytes: stats.bytes,
      maxBytes: this.buffer.maxBytes,
    });
    this.#droppedSinceWarning = 0;
    this.#reportStatus();
  }

  #accept(points: TelemetryPoint[]): void {
    if (points.length === 0) return;
    this.bufferedPoints += points.length;
    this.buffer.append(points);
  }

  get configVersion(): number | undefined {
    return this.#configVersion;
  }

  status(): GatewayStatus {
    const stats = this.buffer.stats();
    return {
      v: 1,
      gw: this.#config.gateway.id,
      state: 'online',
      ts: Date.now(),
      version: GATEWAY_VERSION,
      ...(this.#configVersion !== undefined ? { appliedVersion: this.#configVersion } : {}),
      buffer: {
        bytes: stats.bytes,
        points: stats.points + stats.pendingPoints,
        droppedPoints: stats.droppedPoints,
        // The status contract calls rejecting new points "drop-newest".
        whenFull: this.buffer.whenFull === 'reject-new' ? 'drop-newest' : 'drop-oldest',
        maxBytes: this.buffer.maxBytes,
        ...(stats.lastDroppedTs !== null ? { lastDroppedTs: stats.lastDroppedTs } : {}),
      },
      devices: this.supervisor.health().slice(0, 1000),
      ...(this.#configError ? { rejected: this.#configError } : {}),
    };
  }

  #reportStatus(): void {
    const status = this.status();
    try {
      writeFileSync(`${this.#statusFile}.tmp`, JSON.stringify(status));
      renameSync(`${this.#statusFile}.tmp`, this.#statusFile);
    } catch (error) {
      this.#log.warn('cannot write status.json', { error });
    }
    this.publisher?.publishStatus();
  }

  /**
   * A message from the config topic: applied without a restart (drivers of unchanged devices keep
   * running), or refused with the reason in status while the last good version keeps running.
   */
  async applyConfigMessage(payload: Buffer): Promise<boolean> {
    if (payload.length === 0) return false; // a cleared retained message
    const decision = decodeConfigMessage(payload);
    if (!decision.ok) return this.#refuseConfig(decision.version, decision.reason);
    if (this.#configVersion !== undefined && decision.pushed.version <= this.#configVersion) return false;
    return this.#apply(decision.pushed);
  }

  #refuseConfig(version: number | undefined, reason: string): boolean {
    this.#log.warn('config refused; keeping the current one', { configVersion: version ?? null, reason });
    this.#configError = {
      ...(version !== undefined ? { version } : {}),
      reason: reason.slice(0, 1000),
      ts: Date.now(),
    };
    this.#reportStatus();
    return false;
  }

  async #apply(pushed: PushedVersion): Promise<boolean> {
    const previous = this.#devices;
    try {
      this.#rbe.configure(pushed.config.devices);
      await this.supervisor.setDevices(pushed.config.devices);
    } catch (error) {
      // Back to what ran; the status says why the new one did not.
      this.#rbe.configure(previous);
      await this.supervisor.setDevices(previous).catch(() => {});
      return this.#refuseConfig(pushed.version, `could not apply it: ${errorMessage(error)}`);
    }
    if (pushed.config.buffer) this.buffer.setLimits(pushed.config.buffer);
    this.#devices = pushed.config.devices;
    this.#configVersion = pushed.version;
    this.#configError = undefined;
    try {
      this.#lastGood.write(pushed);
    } catch (error) {
      this.#log.warn('cannot keep the pushed config on disk; a restart would run the previous one', {
        error,
      });
    }
    this.#log.info('config applied', {
      configVersion: pushed.version,
      devices: pushed.config.devices.length,
    });
    this.#reportStatus();
    return true;
  }

  async stop(): Promise<void> {
    for (const timer of this.#timers) clearInterval(timer);
    await this.supervisor.stop();
    this.buffer.flush();
    const offline: GatewayStatus = { v: 1, gw: this.#config.gateway.id, state: 'offline', ts: Date.now() };
    try {
      writeFileSync(this.#statusFile, JSON.stringify(offline));
    } catch (error) {
      this.#log.warn('cannot write status.json', { error });
    }
    await this.publisher?.stop(offline);
    this.buffer.close();
    this.#log.info('gateway stopped');
  }
}
