// Reconnect delays: exponential from 1 s to 5 min, with jitter so a site's PLCs do not retry in step.
//
// The factor is 1.08, not the textbook 2: a PLC that was off for 30 s must be polled again within
// 5 s of coming back, and with doubling the retry after a 30 s outage would wait up to 32 s. With
// 1.08 the delay is under 4 s after 30 s down, ~30 s after 10 min, and reaches 5 min after ~1 h.

export interface BackoffOptions {
  initialMs: number;
  maxMs: number;
  factor: number;
  /** Each delay is drawn from [delay * (1 - jitter), delay]. */
  jitter: number;
}

export const defaultBackoff: BackoffOptions = { initialMs: 1000, maxMs: 300_000, factor: 1.08, jitter: 0.1 };

export class Backoff {
  readonly #options: BackoffOptions;
  readonly #random: () => number;
  #attempt = 0;
  #current = 0;

  constructor(options: Partial<BackoffOptions> = {}, random: () => number = Math.random) {
    this.#options = { ...defaultBackoff, ...options };
    this.#random = random;
  }

  /** The delay before the next attempt; each call makes the following one longer. */
  next(): number {
    const { initialMs, maxMs, factor, jitter } = this.#options;
    const ceiling = Math.min(maxMs, initialMs * factor ** this.#attempt);
    this.#attempt += 1;
    this.#current = Math.max(initialMs, Math.round(ceiling * (1 - jitter * this.#random())));
    return this.#current;
  }

  /** After a success: the next failure starts again at the initial delay. */
  reset(): void {
    this.#attempt = 0;
    this.#current = 0;
  }

  /** The delay currently being waited (0 when not backing off), for status. */
  get currentMs(): number {
    return this.#current;
  }
}

/** A sleep that `abort()` cuts short (used so stop() does not wait out a 5-minute backoff). */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}
