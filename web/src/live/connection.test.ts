// A live connection as a person sees it: pushed events make it live, a drop shows reconnecting and,
// after a while, stale; the server's announced end is not trouble; a refused or silent stream falls
// back to polling and push is tried again later. The browser's EventSource and timers are stand-ins.
import { describe, expect, it } from 'vitest';
import { type EventSourceLike, type LiveState, openLiveConnection, type Timers } from './connection.ts';

function manualTimers(): Timers & { advance(ms: number): Promise<void> } {
  let now = 1_000_000;
  let next = 0;
  const pending = new Map<number, { at: number; run: () => void }>();
  return {
    now: () => now,
    setTimeout(run, ms) {
      next += 1;
      pending.set(next, { at: now + ms, run });
      return next;
    },
    clearTimeout(timer) {
      pending.delete(timer as number);
    },
    async advance(ms) {
      const until = now + ms;
      for (;;) {
        const due = [...pending.entries()]
          .filter(([, t]) => t.at <= until)
          .sort((a, b) => a[1].at - b[1].at)[0];
        if (!due) break;
        pending.delete(due[0]);
        now = due[1].at;
        due[1].run();
        await Promise.resolve();
        await Promise.resolve();
      }
      now = until;
    },
  };
}

class FakeEventSource implements EventSourceLike {
  readyState = 0;
  closed = false;
  private readonly listeners = new Map<string, ((event: { data?: unknown }) => void)[]>();
  readonly url: string;
  constructor(url: string) {
    this.url = url;
  }
  addEventListener(type: string, listener: (event: { data?: unknown }) => void) {
    this.listeners.set(type, [...(this.listeners.get(type) ?? []), listener]);
  }
  close() {
    this.closed = true;
    this.readyState = 2;
  }
  emit(type: string, data?: unknown) {
    if (type === 'open') this.readyState = 1;
    for (const listener of this.listeners.get(type) ?? []) {
      listener(data === undefined ? {} : { data: JSON.stringify(data) });
    }
  }
  fail(readyState: 0 | 2) {
    this.readyState = readyState;
    this.emit('error');
  }
}

function setUp(options: { eventSource?: boolean; poll?: () => Promise<void> } = {}) {
  const timers = manualTimers();
  const sources: FakeEventSource[] = [];
  const states: LiveState[] = [];
  const received: unknown[] = [];
  let polls = 0;
  const connection = openLiveConnection({
    streamUrl: '/api/alarms/summary/stream',
    events: { summary: (data) => received.push(data) },
    poll:
      options.poll ??
      (async () => {
        polls += 1;
      }),
    pollMs: 1_500,
    onState: (state) => states.push(state),
    eventSource:
      options.eventSource === false
        ? undefined
        : (url) => {
            const source = new FakeEventSource(url);
            sources.push(source);
            return source;
          },
    timers,
    heartbeatTimeoutMs: 35_000,
    staleAfterMs: 10_000,
    pushRetryMs: 60_000,
  });
  return {
    connection,
    timers,
    sources,
    received,
    polls: () => polls,
    state: () => states.at(-1),
    source: () => sources.at(-1) as FakeEventSource,
  };
}

describe('a live connection', () => {
  it('is live by push once an event arrives, and hands each event its data', () => {
    const live = setUp();
    expect(live.source().url).toBe('/api/alarms/summary/stream');
    live.source().emit('open');
    live.source().emit('summary', { total: 2 });
    expect(live.received).toEqual([{ total: 2 }]);
    expect(live.state()).toMatchObject({ status: 'live', transport: 'push' });
    expect(live.polls()).toBe(0);
    live.connection.close();
  });

  it('shows reconnecting after a drop, stale after ten seconds of it, live again with the next event', async () => {
    const live = setUp();
    live.source().emit('summary', { total: 1 });
    live.source().fail(0);
    expect(live.state()?.status).toBe('reconnecting');
    await live.timers.advance(10_000);
    expect(live.state()?.status).toBe('stale');
    live.source().emit('open');
    live.source().emit('summary', { total: 1 });
    expect(live.state()?.status).toBe('live');
    live.connection.close();
  });

  it('does not show the reconnect after the server announced its end as trouble', () => {
    const live = setUp();
    live.source().emit('summary', { total: 0 });
    live.source().emit('end', { reason: 'max-age' });
    live.source().fail(0);
    expect(live.state()?.status).toBe('live');
    live.connection.close();
  });

  it('shows a server that can only send snapshots as polling, and a failed reconnect after one as trouble', () => {
    const live = setUp();
    live.source().emit('open');
    live.source().emit('summary', { total: 0 });
    live.source().emit('end', { reason: 'snapshot' });
    live.source().fail(0);
    expect(live.state()).toMatchObject({ status: 'live', transport: 'poll' });
    live.source().fail(0);
    expect(live.state()?.status).toBe('reconnecting');
    live.connection.close();
  });

  it('polls when the stream is refused, and tries push again a minute later', async () => {
    const live = setUp();
    live.source().fail(2);
    await live.timers.advance(0);
    expect(live.polls()).toBe(1);
    expect(live.state()).toMatchObject({ status: 'live', transport: 'poll' });
    await live.timers.advance(3_000);
    expect(live.polls()).toBe(3);
    await live.timers.advance(57_000);
    expect(live.sources).toHaveLength(2);
    const polled = live.polls();
    live.source().emit('summary', { total: 0 });
    await live.timers.advance(5_000);
    expect(live.polls()).toBe(polled);
    expect(live.state()).toMatchObject({ status: 'live', transport: 'push' });
    live.connection.close();
  });

  it('closes a stream silent for longer than the heartbeat allows and polls instead', async () => {
    const live = setUp();
    live.source().emit('summary', { total: 0 });
    await live.timers.advance(30_000);
    live.source().emit('heartbeat', { at: 1 });
    await live.timers.advance(30_000);
    expect(live.source().closed).toBe(false);
    await live.timers.advance(10_000);
    expect(live.source().closed).toBe(true);
    expect(live.polls()).toBeGreaterThanOrEqual(1);
    expect(live.state()?.transport).toBe('poll');
    live.connection.close();
  });

  it('polls only where there is no EventSource, and shows reconnecting when a poll fails', async () => {
    let fail = false;
    let polls = 0;
    const live = setUp({
      eventSource: false,
      poll: async () => {
        polls += 1;
        if (fail) throw new Error('503');
      },
    });
    await live.timers.advance(0);
    expect(live.state()).toMatchObject({ status: 'live', transport: 'poll' });
    fail = true;
    await live.timers.advance(1_500);
    expect(live.state()?.status).toBe('reconnecting');
    expect(polls).toBe(2);
    live.connection.close();
    await live.timers.advance(10_000);
    expect(polls).toBe(2);
  });
});
