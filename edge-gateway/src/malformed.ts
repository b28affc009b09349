// Frames, payloads and rows a driver could not use: counted, the last reason kept for the gateway's
// status (DeviceHealth.malformed), and logged at most once a minute with how many were not logged.
import type { DeviceHealth } from '@plantwatch/shared';
import { type LogFields, type Logger, throttle } from './log.ts';

export class MalformedCounter {
  readonly #log: Logger;
  readonly #logDue: ReturnType<typeof throttle>;
  #count = 0;
  #lastError = '';
  #lastTs = 0;
  #unlogged = 0;

  constructor(log: Logger, logIntervalMs = 60_000, now: () => number = Date.now) {
    this.#log = log;
    this.#logDue = throttle(logIntervalMs, now);
  }

  /** One bad item; never throws. */
  record(reason: string, fields: LogFields = {}): void {
    this.#count += 1;
    this.#lastError = reason.slice(0, 1000);
    this.#lastTs = Date.now();
    if (this.#logDue()) {
      this.#log.warn('malformed input ignored', {
        reason: this.#lastError,
        malformedTotal: this.#count,
        notLoggedSinceLast: this.#unlogged,
        ...fields,
      });
      this.#unlogged = 0;
    } else this.#unlogged += 1;
  }

  get count(): number {
    return this.#count;
  }

  /** The part of DeviceHealth it fills (nothing until the first bad item). */
  snapshot(): Pick<DeviceHealth, 'malformed'> {
    if (this.#count === 0) return {};
    return { malformed: { count: this.#count, lastError: this.#lastError, lastTs: this.#lastTs } };
  }
}
