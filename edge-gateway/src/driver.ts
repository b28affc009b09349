// The contract every protocol driver keeps (house style #15): start polling or subscribing, read
// once, stop, and say how it is doing. Errors stay inside the driver, which reports them in health.
import type { ConfigDevice, DeviceHealth, TelemetryPoint } from '@plantwatch/shared';
import type { Backoff } from './backoff.ts';

export type PointSink = (points: TelemetryPoint[]) => void;

export interface DeviceDriver {
  readonly deviceId: string;
  /** Poll or subscribe until stop(); points go to `sink`, communication errors into health(). */
  start(sink: PointSink): void;
  /** Connect if needed and read every tag once; rejects when the device cannot be reached. */
  readOnce(): Promise<TelemetryPoint[]>;
  stop(): Promise<void>;
  health(): DeviceHealth;
}

/** The health counters every driver keeps the same way. */
export class HealthTracker {
  readonly #deviceId: string;
  #connected = false;
  #lastSuccessTs: number | null = null;
  #errorCount = 0;
  #lastError: string | undefined;
  readonly #backoff: Backoff;

  constructor(deviceId: string, backoff: Backoff) {
    this.#deviceId = deviceId;
    this.#backoff = backoff;
  }

  success(ts: number): void {
    this.#connected = true;
    this.#lastSuccessTs = ts;
  }

  connected(value: boolean): void {
    this.#connected = value;
  }

  failure(message: string): void {
    this.#errorCount += 1;
    this.#lastError = message.slice(0, 1000);
  }

  get isConnected(): boolean {
    return this.#connected;
  }

  snapshot(): DeviceHealth {
    return {
      d: this.#deviceId,
      connected: this.#connected,
      lastSuccessTs: this.#lastSuccessTs,
      errorCount: this.#errorCount,
      backoffMs: this.#connected ? 0 : this.#backoff.currentMs,
      ...(this.#lastError !== undefined ? { lastError: this.#lastError } : {}),
    };
  }
}

/** Points of bad quality for every tag that has had a value, when a device stops answering. */
export function badQualityPoints(
  deviceId: string,
  lastValues: ReadonlyMap<string, TelemetryPoint['v']>,
  ts: number,
): TelemetryPoint[] {
  return [...lastValues].map(([tag, v]) => ({ d: deviceId, t: tag, ts, v, q: 'bad' as const }));
}

export type { ConfigDevice };
