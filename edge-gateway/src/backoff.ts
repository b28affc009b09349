// Reconnect delays and the reachability probe that cuts them short.
//
// A delay doubles from initialMs up to a cap (10 s by default), with jitter so a site's PLCs do not
// retry in step. The cap bounds how late a PLC that came back is noticed by the delay alone; the
// probe does better: while the device's TCP port does not accept connections, a bare TCP connect
// (reset at once, so it never holds one of the PLC's few connection slots) every probeMs notices it
// accepting again, and the driver reconnects then. A device whose port accepts but which does not
// answer (a stopped CPU behind a live network card) is not probed: the capped delay paces it.
import { connect } from 'node:net';

export interface BackoffOptions {
  initialMs: number;
  maxMs: number;
  factor: number;
  /** Each delay is drawn from [delay * (1 - jitter), delay]. */
  jitter: number;
}

export const defaultBackoff: BackoffOptions = { initialMs: 1000, maxMs: 10_000, factor: 2, jitter: 0.2 };

export class Backoff {
  readonly #options: BackoffOptions;
  readonly #random: () => number;
  #attempt = 0;
  #current = 0;

  constructor(options: Partial<BackoffOptions> = {}, random: () => number = Math.random) {
    this.#options = { ...defaultBackoff, ...options };
    this.#random = random;
  }

  /** The delay before the next attempt; each call makes the following one longer, up to maxMs. */
  next(): number {
    const { initialMs, maxMs, factor, jitter } = this.#options;
    // Capped before the power grows without bound (an outage of days is thousands of attempts).
    const ceiling = Math.min(maxMs, initialMs * factor ** Math.min(this.#attempt, 64));
    if (ceiling < maxMs) this.#attempt += 1;
    this.#current = Math.max(Math.min(initialMs, maxMs), Math.round(ceiling * (1 - jitter * this.#random())));
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

/** A sleep that `abort()` cuts short (so stop() does not wait out a backoff). */
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

/**
 * True when something accepts a TCP connection on host:port within timeoutMs. The socket is reset at
 * once (RST, not FIN): the PLC frees the connection slot immediately and sees no request.
 */
export function tcpReachable(host: string, port: number, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    const finish = (reachable: boolean) => {
      clearTimeout(timer);
      socket.removeAllListeners();
      socket.on('error', () => {});
      if (reachable) socket.resetAndDestroy();
      else socket.destroy();
      resolve(reachable);
    };
    const timer = setTimeout(() => finish(false), timeoutMs);
    socket.once('connect', () => finish(true));
    socket.once('error', () => finish(false));
  });
}

/** What the reconnect wait needs from the world; tests pass a simulated clock and device. */
export interface ReconnectWorld {
  now(): number;
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
  /** One probe; resolves true when the device's port accepts (takes up to the probe's timeout). */
  probe(): Promise<boolean>;
}

export interface ReconnectWait {
  /** How long to wait at most (the backoff delay). */
  delayMs: number;
  probeMs: number;
  signal?: AbortSignal;
}

/**
 * Waits before the next reconnect attempt. Without a probe (a serial line), it is the delay. With one:
 * if the port accepts now, the device is there but not answering, and the whole delay is waited;
 * otherwise it probes every probeMs and returns as soon as the port accepts, or when the delay is up.
 * Resolves 'reachable' when a probe cut the wait short, 'elapsed' otherwise.
 */
export async function waitToReconnect(
  world: ReconnectWorld | null,
  wait: ReconnectWait,
): Promise<'reachable' | 'elapsed'> {
  const { delayMs, probeMs, signal } = wait;
  if (!world) {
    await sleep(delayMs, signal);
    return 'elapsed';
  }
  const deadline = world.now() + delayMs;
  if (await world.probe()) {
    await world.sleep(Math.max(0, deadline - world.now()), signal);
    return 'elapsed';
  }
  let nextProbeAt = world.now() + probeMs;
  for (;;) {
    const now = world.now();
    if (signal?.aborted || now >= deadline) return 'elapsed';
    if (now < nextProbeAt) {
      await world.sleep(Math.min(nextProbeAt, deadline) - now, signal);
      continue;
    }
    nextProbeAt = now + probeMs;
    if (await world.probe()) return 'reachable';
  }
}

/** The real world: TCP probes of host:port, each given at most min(probeMs, 2 s) to connect. */
export function tcpProbeWorld(host: string, port: number, probeMs: number): ReconnectWorld {
  return {
    now: () => Date.now(),
    sleep,
    probe: () => tcpReachable(host, port, Math.max(100, Math.min(probeMs, 2000))),
  };
}
