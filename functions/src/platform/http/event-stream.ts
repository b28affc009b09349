// Server-sent events (text/event-stream, ADR 0028): a snapshot when the stream opens, then what a
// change makes different, a heartbeat the client can watch for a dead connection, and an end after a
// while so the client reconnects and its credentials are checked again. Where the runtime cannot push
// (no change feed: a buffered Lambda), the stream is the snapshot alone and the client asks again
// after `retry` — polling through the same route.
import { logger } from '../observability.ts';

/**
 * How the live streams are paced: a client reconnects 1 s after a drop, hears a heartbeat every 15 s,
 * and every stream is read again at least every 30 s and ends after 5 minutes (the reconnect checks the
 * credentials again).
 */
export const STREAM_TIMING = {
  retryMs: 1_000,
  heartbeatMs: 15_000,
  recheckMs: 30_000,
  maxAgeMs: 5 * 60_000,
} as const;

/** Where the runtime cannot push, a snapshot stream asks the client to come back after this long. */
export const SNAPSHOT_RETRY_MS = 5_000;

export interface StreamEvent {
  /** The event's name (`event:` field): what the client listens for. */
  event: string;
  /** Sent as one line of JSON. */
  data: unknown;
}

export type StreamReadReason = 'open' | 'change' | 'recheck';

export interface EventStreamOptions {
  /**
   * The events to send now: the whole picture on open, and after a change or a recheck whatever
   * differs from what was sent (an empty list sends nothing).
   */
  read(reason: StreamReadReason): Promise<StreamEvent[]>;
  /**
   * Registers `wake` to be called on each change worth a read; returns how to stop. Absent: the
   * runtime cannot push, so the stream is the opening snapshot alone.
   */
  subscribe?: ((wake: () => void) => () => void) | undefined;
  /** How long a client waits before it reconnects (the `retry:` field). */
  retryMs: number;
  /** A `heartbeat` event this often, so a client sees a dead connection within two of them. */
  heartbeatMs: number;
  /** A read this often even without a change: a change another process made is seen at the latest then. */
  recheckMs: number;
  /** The stream ends (an `end` event) after this long; the client reconnects at once. */
  maxAgeMs: number;
  /** Epoch ms for the heartbeat's `at` (the server's clock). */
  now?: () => number;
}

/** One event in the wire format: `event:` and a single `data:` line of JSON, then a blank line. */
export function encodeEvent(event: StreamEvent): string {
  // JSON.stringify never writes a raw line break, so one data line holds the whole value.
  return `event: ${event.event}\ndata: ${JSON.stringify(event.data)}\n\n`;
}

/**
 * The stream as text chunks. Its iterator's `return()` (the server calls it when the client goes away)
 * ends it at once, also while it waits for a change, and lets go of the subscription and timers.
 */
export function eventStream(options: EventStreamOptions): AsyncIterable<string> {
  return { [Symbol.asyncIterator]: () => openStream(options) };
}

function openStream(options: EventStreamOptions): AsyncIterator<string> {
  const now = options.now ?? Date.now;
  let phase: 'new' | 'open' | 'ending' | 'closed' = 'new';
  let changed = false;
  let recheckDue = false;
  let heartbeatDue = false;
  let expired = false;
  let waiter: (() => void) | null = null;
  const timers: ReturnType<typeof setInterval>[] = [];
  let unsubscribe: (() => void) | undefined;

  const poke = () => {
    const wake = waiter;
    waiter = null;
    wake?.();
  };
  const close = () => {
    if (phase === 'closed') return;
    phase = 'closed';
    unsubscribe?.();
    for (const timer of timers) clearInterval(timer);
    poke();
  };
  const every = (ms: number, mark: () => void) => {
    const timer = setInterval(() => {
      mark();
      poke();
    }, ms);
    timer.unref?.();
    timers.push(timer);
  };
  const done = (): IteratorResult<string> => ({ done: true, value: undefined });
  const ending = (reason: string): IteratorResult<string> => {
    close();
    return { done: false, value: encodeEvent({ event: 'end', data: { reason } }) };
  };

  async function read(reason: StreamReadReason): Promise<StreamEvent[] | null> {
    try {
      return await options.read(reason);
    } catch (error) {
      logger.error('an event stream could not read; it ends and the client reconnects', { error });
      return null;
    }
  }

  return {
    async next() {
      if (phase === 'closed' || phase === 'ending') {
        close();
        return done();
      }
      if (phase === 'new') {
        phase = 'open';
        if (options.subscribe) {
          unsubscribe = options.subscribe(() => {
            changed = true;
            poke();
          });
          every(options.heartbeatMs, () => {
            heartbeatDue = true;
          });
          every(options.recheckMs, () => {
            recheckDue = true;
          });
          const maxAge = setTimeout(() => {
            expired = true;
            poke();
          }, options.maxAgeMs);
          maxAge.unref?.();
          timers.push(maxAge);
        }
        const events = await read('open');
        if (events === null) return ending('error');
        const opening = `retry: ${options.retryMs}\n\n${events.map(encodeEvent).join('')}`;
        if (options.subscribe) return { done: false, value: opening };
        // Without a change feed the snapshot is all; the end says so, and the client asks again after `retry`.
        phase = 'ending';
        return { done: false, value: opening + encodeEvent({ event: 'end', data: { reason: 'snapshot' } }) };
      }
      for (;;) {
        if (phase !== 'open') return done();
        if (expired) return ending('max-age');
        if (changed || recheckDue) {
          const reason = changed ? 'change' : 'recheck';
          changed = false;
          recheckDue = false;
          const events = await read(reason);
          if (events === null) return ending('error');
          if (events.length > 0) return { done: false, value: events.map(encodeEvent).join('') };
          continue;
        }
        if (heartbeatDue) {
          heartbeatDue = false;
          return { done: false, value: encodeEvent({ event: 'heartbeat', data: { at: now() } }) };
        }
        await new Promise<void>((resolve) => {
          waiter = resolve;
        });
      }
    },
    async return() {
      close();
      return done();
    },
  };
}
