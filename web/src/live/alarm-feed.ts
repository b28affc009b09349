'use client';
// The alarm bar's feed: the API's alarm summary pushed as server-sent events (ADR 0028), polled only
// when push does not work. One connection per browser, not per tab: the tabs elect one (a Web Lock)
// to hold the stream and share what it hears on a BroadcastChannel, so ten open tabs cost one
// connection (a browser allows six per server over HTTP/1.1). When that tab closes, another takes
// over. Components read it with useAlarmFeed.
import { useSyncExternalStore } from 'react';
import { type AlarmSummary, alarmSummarySchema } from '../alarm-summary.ts';
import { browserParts, type LiveState, type LiveTransport, openLiveConnection } from './connection.ts';

export type FeedStatus = LiveState['status'];

export interface AlarmFeedState {
  status: FeedStatus;
  transport: LiveTransport;
  summary: AlarmSummary | null;
  /** When the summary shown last arrived (browser clock, epoch ms); null before the first. */
  receivedAt: number | null;
}

/** The polling fallback's pace, unless the page says otherwise (ALARM_POLL_FALLBACK_MS). */
export const DEFAULT_FALLBACK_POLL_MS = 1_500;

const LOCK = 'plantwatch-alarm-feed';
const initial: AlarmFeedState = { status: 'connecting', transport: 'push', summary: null, receivedAt: null };

let state: AlarmFeedState = initial;
const listeners = new Set<() => void>();
let fallbackPollMs = DEFAULT_FALLBACK_POLL_MS;
let stopFeed: (() => void) | null = null;
let refreshFeed: () => void = () => {};

function publish(next: AlarmFeedState) {
  state = next;
  for (const listener of listeners) listener();
}

/** The connection, in the tab that holds it; every change goes to the other tabs too. */
function connect(share: (next: AlarmFeedState) => void) {
  let summary: AlarmSummary | null = state.summary;
  const connection = openLiveConnection({
    ...browserParts(),
    streamUrl: '/api/alarms/summary/stream',
    pollMs: fallbackPollMs,
    events: {
      summary: (data) => {
        summary = alarmSummarySchema.parse(data);
      },
    },
    poll: async () => {
      const response = await fetch('/api/alarms/summary', { cache: 'no-store' });
      if (response.status === 401) {
        // Logged out in another tab: nothing to annunciate; the page's own guard sends them to log in.
        summary = null;
        throw new Error('signed out');
      }
      if (!response.ok) throw new Error(`alarm summary answered ${response.status}`);
      summary = alarmSummarySchema.parse(await response.json());
    },
    onState: (live) => {
      const next: AlarmFeedState = {
        status: live.status,
        transport: live.transport,
        summary,
        receivedAt: live.lastUpdate,
      };
      publish(next);
      share(next);
    },
  });
  refreshFeed = () => connection.refresh();
  return () => {
    connection.close();
    refreshFeed = () => {};
  };
}

function start(): () => void {
  const locks = typeof navigator !== 'undefined' ? navigator.locks : undefined;
  if (!locks || typeof BroadcastChannel !== 'function') return connect(() => {});
  const channel = new BroadcastChannel(LOCK);
  let leading = false;
  channel.onmessage = (message: MessageEvent<{ type: string; state?: AlarmFeedState }>) => {
    if (message.data.type === 'state' && !leading && message.data.state) publish(message.data.state);
    // A tab that just opened asks what the leader knows.
    if (message.data.type === 'hello' && leading) channel.postMessage({ type: 'state', state });
  };
  channel.postMessage({ type: 'hello' });
  const abort = new AbortController();
  let release: () => void = () => {};
  locks
    .request(LOCK, { signal: abort.signal }, async () => {
      leading = true;
      const disconnect = connect((next) => channel.postMessage({ type: 'state', state: next }));
      await new Promise<void>((done) => {
        release = done;
      });
      disconnect();
      leading = false;
    })
    .catch(() => {
      // Stopped before this tab's turn came: nothing was opened.
    });
  return () => {
    abort.abort();
    release();
    channel.close();
  };
}

/** Listens to the feed; the first listener starts it, the last one to leave stops it. */
export function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  if (listeners.size === 1) stopFeed = start();
  return () => {
    listeners.delete(listener);
    if (listeners.size === 0) {
      stopFeed?.();
      stopFeed = null;
    }
  };
}

/** Asks again now where the feed polls (a pushed feed hears of an acknowledgement by itself). */
export function refreshAlarmFeed(): void {
  refreshFeed();
}

/** The fallback's pace, set once by the page (before the feed starts). */
export function configureAlarmFeed(options: { fallbackPollMs: number }): void {
  fallbackPollMs = options.fallbackPollMs;
}

export function useAlarmFeed(): AlarmFeedState {
  return useSyncExternalStore(
    subscribe,
    () => state,
    () => initial,
  );
}
