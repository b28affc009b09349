// One live connection to the web server (ADR 0028): server-sent events when they work, polling when
// they do not, and a state a person can read — live, reconnecting, or stale since a given time.
//
// Push: an EventSource on the web server's relay of an API stream. The browser reconnects by itself
// after a drop (the stream's `retry`); an `end` event is the server closing on purpose (it re-checks
// credentials every few minutes), so that reconnect is not shown as trouble. A heartbeat comes every
// 15 s: silence for longer than `heartbeatTimeoutMs` means a dead connection (or a proxy holding the
// events back), which is closed and replaced by polling. A stream refused outright (an error status, a
// browser without EventSource) also falls back to polling; push is tried again after `pushRetryMs`.
// No browser API is touched at import time: the browser's are passed in (tests pass their own).

export type LiveStatus = 'connecting' | 'live' | 'reconnecting' | 'stale';
export type LiveTransport = 'push' | 'poll';

export interface LiveState {
  status: LiveStatus;
  transport: LiveTransport;
  /** When data last arrived (browser clock, epoch ms); null before the first. */
  lastUpdate: number | null;
}

/** What EventSource the connection needs (the browser's, or a test's). */
export interface EventSourceLike {
  readonly readyState: number;
  addEventListener(type: string, listener: (event: { data?: unknown }) => void): void;
  close(): void;
}
export type EventSourceFactory = (url: string) => EventSourceLike;

export interface Timers {
  now(): number;
  setTimeout(run: () => void, ms: number): unknown;
  clearTimeout(timer: unknown): void;
}

export interface LiveConnectionOptions {
  /** The web server's relay of an API event stream. */
  streamUrl: string;
  /** Handlers of the stream's named events, with the event's JSON data. */
  events: Record<string, (data: unknown) => void>;
  /** The fallback: asks once and applies the answer; throws when it could not. */
  poll(): Promise<void>;
  /** How often the fallback asks (a visible page), and in a hidden tab. */
  pollMs: number;
  hiddenPollMs?: number;
  onState(state: LiveState): void;
  /** The browser's EventSource, or undefined where there is none (then polling only). */
  eventSource: EventSourceFactory | undefined;
  timers: Timers;
  /** Whether the page is hidden (polling slows down then). */
  hidden?: () => boolean;
  /** No event (a heartbeat comes every 15 s) for this long: the connection is dead. */
  heartbeatTimeoutMs?: number;
  /** Down for this long: what is shown is stale. */
  staleAfterMs?: number;
  /** After falling back to polling, push is tried again after this long. */
  pushRetryMs?: number;
}

const CLOSED = 2;

export interface LiveConnection {
  /** Asks now (after an action, so the page does not lag behind it). */
  refresh(): void;
  close(): void;
}

export function openLiveConnection(options: LiveConnectionOptions): LiveConnection {
  const { timers } = options;
  const heartbeatTimeoutMs = options.heartbeatTimeoutMs ?? 35_000;
  const staleAfterMs = options.staleAfterMs ?? 10_000;
  const pushRetryMs = options.pushRetryMs ?? 60_000;
  let state: LiveState = { status: 'connecting', transport: 'push', lastUpdate: null };
  let closed = false;
  let source: EventSourceLike | null = null;
  let lastHeard = 0;
  /** The server said it closes on purpose: its reconnect is not trouble. */
  let endAnnounced = false;
  /** The server can only send snapshots (no push where it runs): each reconnect is, in effect, a poll. */
  let snapshots = false;
  let watchdog: unknown;
  let pollTimer: unknown;
  let pushRetry: unknown;
  let staleTimer: unknown;

  const set = (next: Partial<LiveState>) => {
    state = { ...state, ...next };
    options.onState(state);
  };
  const up = (transport: LiveTransport) => {
    timers.clearTimeout(staleTimer);
    staleTimer = undefined;
    set({ status: 'live', transport: snapshots ? 'poll' : transport, lastUpdate: timers.now() });
  };
  const down = () => {
    if (state.status === 'reconnecting' || state.status === 'stale') return;
    set({ status: state.lastUpdate === null ? 'connecting' : 'reconnecting' });
    timers.clearTimeout(staleTimer);
    staleTimer = timers.setTimeout(() => {
      if (!closed && state.status !== 'live') set({ status: 'stale' });
    }, staleAfterMs);
  };

  function startPush() {
    if (closed) return;
    if (!options.eventSource) {
      startPolling(false);
      return;
    }
    timers.clearTimeout(pollTimer);
    pollTimer = undefined;
    const es = options.eventSource(options.streamUrl);
    source = es;
    lastHeard = timers.now();
    const heard = () => {
      lastHeard = timers.now();
    };
    es.addEventListener('open', () => {
      heard();
      endAnnounced = false;
    });
    for (const [name, handle] of Object.entries(options.events)) {
      es.addEventListener(name, (event) => {
        heard();
        try {
          handle(JSON.parse(String(event.data)));
          up('push');
        } catch {
          // A malformed event is skipped; the next one (or the recheck) brings the truth.
        }
      });
    }
    es.addEventListener('heartbeat', () => {
      heard();
      if (state.status !== 'live' && state.lastUpdate !== null) up('push');
    });
    es.addEventListener('end', (event) => {
      heard();
      endAnnounced = true;
      try {
        if (JSON.parse(String(event.data)).reason === 'snapshot' && !snapshots) {
          snapshots = true;
          set({ transport: 'poll' });
        }
      } catch {
        // An end without a reason is still an end.
      }
    });
    es.addEventListener('error', () => {
      if (source !== es) return;
      if (es.readyState === CLOSED) {
        // Refused (an error status, not an event stream): poll, and try push again later.
        fallBack();
        return;
      }
      // The browser reconnects by itself; the first error after an announced end is that routine close,
      // a second one before the stream opens again is trouble.
      if (endAnnounced) {
        endAnnounced = false;
        return;
      }
      down();
    });
    watch();
  }

  function watch() {
    timers.clearTimeout(watchdog);
    watchdog = timers.setTimeout(
      () => {
        if (closed || !source) return;
        if (timers.now() - lastHeard > heartbeatTimeoutMs) {
          fallBack();
          return;
        }
        watch();
      },
      Math.min(5_000, heartbeatTimeoutMs),
    );
  }

  function fallBack() {
    source?.close();
    source = null;
    timers.clearTimeout(watchdog);
    startPolling(true);
  }

  function startPolling(retryPush: boolean) {
    if (closed) return;
    set({ transport: 'poll' });
    void pollOnce();
    if (retryPush && options.eventSource) {
      timers.clearTimeout(pushRetry);
      pushRetry = timers.setTimeout(startPush, pushRetryMs);
    }
  }

  async function pollOnce() {
    if (closed || source) return;
    try {
      await options.poll();
      if (!closed && !source) up('poll');
    } catch {
      if (!closed && !source) down();
    }
    if (closed || source) return;
    timers.clearTimeout(pollTimer);
    pollTimer = timers.setTimeout(
      () => void pollOnce(),
      options.hidden?.() ? Math.max(options.pollMs, options.hiddenPollMs ?? 5_000) : options.pollMs,
    );
  }

  startPush();
  return {
    refresh() {
      if (closed) return;
      // A push connection sends what an action changed by itself; polling is asked at once.
      if (!source) void pollOnce();
    },
    close() {
      closed = true;
      source?.close();
      source = null;
      for (const timer of [watchdog, pollTimer, pushRetry, staleTimer]) timers.clearTimeout(timer);
    },
  };
}

/** The browser's parts, for the components. */
export function browserParts(): Pick<LiveConnectionOptions, 'eventSource' | 'timers' | 'hidden'> {
  return {
    eventSource: typeof EventSource === 'function' ? (url) => new EventSource(url) : undefined,
    timers: {
      now: () => Date.now(),
      setTimeout: (run, ms) => setTimeout(run, ms),
      clearTimeout: (timer) => clearTimeout(timer as ReturnType<typeof setTimeout>),
    },
    hidden: () => document.visibilityState === 'hidden',
  };
}
