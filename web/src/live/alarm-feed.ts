'use client';
// The alarm bar's feed: one source per browser tab, shared by every component that listens. Today it
// polls GET /api/alarms/summary; server-sent events can replace `poll` behind the same interface
// (subscribe / useAlarmFeed), with polling kept as the fallback.
import { useSyncExternalStore } from 'react';
import { type AlarmSummary, alarmSummarySchema } from '../alarm-summary.ts';

export type FeedStatus = 'connecting' | 'live' | 'reconnecting';

export interface AlarmFeedState {
  status: FeedStatus;
  summary: AlarmSummary | null;
  /** When the summary shown last arrived (browser clock, epoch ms); null before the first. */
  receivedAt: number | null;
}

/** How often the summary is asked for: about as often as a push would land, within the 2 s aim. */
const POLL_MS = 1_500;
/** While the tab is hidden the title and sound still annunciate, a little less often. */
const HIDDEN_POLL_MS = 5_000;

let state: AlarmFeedState = { status: 'connecting', summary: null, receivedAt: null };
const listeners = new Set<() => void>();
let timer: ReturnType<typeof setTimeout> | undefined;
let running = false;

function publish(next: AlarmFeedState) {
  state = next;
  for (const listener of listeners) listener();
}

async function poll(): Promise<void> {
  try {
    const response = await fetch('/api/alarms/summary', { cache: 'no-store' });
    if (response.status === 401) {
      // Logged out in another tab: nothing to annunciate; the page's own guard sends them to log in.
      publish({ status: 'reconnecting', summary: null, receivedAt: state.receivedAt });
      return;
    }
    if (!response.ok) throw new Error(`alarm summary answered ${response.status}`);
    const summary = alarmSummarySchema.parse(await response.json());
    publish({ status: 'live', summary, receivedAt: Date.now() });
  } catch {
    // Kept on screen, marked as not live: the bar says since when.
    publish({ ...state, status: state.receivedAt === null ? 'connecting' : 'reconnecting' });
  }
}

function schedule() {
  if (!running) return;
  timer = setTimeout(
    async () => {
      await poll();
      schedule();
    },
    document.visibilityState === 'hidden' ? HIDDEN_POLL_MS : POLL_MS,
  );
}

function start() {
  running = true;
  void poll().then(schedule);
}

function stop() {
  running = false;
  clearTimeout(timer);
}

/** Listens to the feed; the first listener starts it, the last one to leave stops it. */
export function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  if (listeners.size === 1) start();
  return () => {
    listeners.delete(listener);
    if (listeners.size === 0) stop();
  };
}

/** Asks again now (after an acknowledgement, so the bar does not lag the page). */
export function refreshAlarmFeed(): void {
  if (running) void poll();
}

const serverState: AlarmFeedState = { status: 'connecting', summary: null, receivedAt: null };

export function useAlarmFeed(): AlarmFeedState {
  return useSyncExternalStore(
    subscribe,
    () => state,
    () => serverState,
  );
}
