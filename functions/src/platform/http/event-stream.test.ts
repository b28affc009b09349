// Server-sent events as the live streams send them: the snapshot first, what a change makes different,
// heartbeats, an end after the stream's age, a prompt stop when the client goes away, and a snapshot
// alone where the runtime cannot push.
import { describe, expect, it } from 'vitest';
import { type EventStreamOptions, encodeEvent, eventStream, type StreamReadReason } from './event-stream.ts';

/** A change feed of one: `change()` wakes the stream, `listening` says whether it is subscribed. */
function feed() {
  let wake: (() => void) | null = null;
  return {
    subscribe: (listener: () => void) => {
      wake = listener;
      return () => {
        wake = null;
      };
    },
    change: () => wake?.(),
    get listening() {
      return wake !== null;
    },
  };
}

const slow = { retryMs: 1_000, heartbeatMs: 60_000, recheckMs: 60_000, maxAgeMs: 60_000 };

function open(options: Partial<EventStreamOptions> & Pick<EventStreamOptions, 'read'>) {
  return eventStream({ ...slow, ...options })[Symbol.asyncIterator]();
}

describe('an event stream', () => {
  it('opens with the retry hint and the snapshot, then sends what each change makes different', async () => {
    const changes = feed();
    const reasons: StreamReadReason[] = [];
    let count = 0;
    const stream = open({
      subscribe: changes.subscribe,
      read: async (reason) => {
        reasons.push(reason);
        count += 1;
        return count === 2 ? [] : [{ event: 'summary', data: { count } }];
      },
    });
    expect((await stream.next()).value).toBe('retry: 1000\n\nevent: summary\ndata: {"count":1}\n\n');
    // a change that changes nothing sends nothing; the next one does
    const next = stream.next();
    changes.change();
    await new Promise((done) => setTimeout(done, 10));
    changes.change();
    expect((await next).value).toBe('event: summary\ndata: {"count":3}\n\n');
    expect(reasons).toEqual(['open', 'change', 'change']);
    await stream.return?.();
  });

  it('sends a heartbeat while nothing changes, and reads again on its recheck', async () => {
    let reads = 0;
    const stream = open({
      subscribe: feed().subscribe,
      heartbeatMs: 20,
      recheckMs: 50,
      now: () => 1234,
      read: async (reason) => {
        reads += 1;
        return reason === 'recheck'
          ? [{ event: 'summary', data: { reads } }]
          : [{ event: 'summary', data: 0 }];
      },
    });
    await stream.next();
    expect((await stream.next()).value).toBe('event: heartbeat\ndata: {"at":1234}\n\n');
    const chunks: string[] = [];
    for (let i = 0; i < 4 && !chunks.some((chunk) => chunk.includes('"reads"')); i++) {
      chunks.push((await stream.next()).value as string);
    }
    expect(chunks.some((chunk) => chunk.startsWith('event: summary\ndata: {"reads":2}'))).toBe(true);
    await stream.return?.();
  });

  it('ends with an end event after its age, so the client reconnects (and is authenticated again)', async () => {
    const changes = feed();
    const stream = open({ subscribe: changes.subscribe, maxAgeMs: 20, read: async () => [] });
    expect((await stream.next()).value).toBe('retry: 1000\n\n');
    expect((await stream.next()).value).toBe('event: end\ndata: {"reason":"max-age"}\n\n');
    expect(await stream.next()).toEqual({ done: true, value: undefined });
    expect(changes.listening).toBe(false);
  });

  it('stops at once when the client goes away, while waiting for a change, and lets go of the feed', async () => {
    const changes = feed();
    const stream = open({ subscribe: changes.subscribe, read: async () => [{ event: 'summary', data: 1 }] });
    await stream.next();
    const waiting = stream.next();
    expect(changes.listening).toBe(true);
    await stream.return?.();
    expect(await waiting).toEqual({ done: true, value: undefined });
    expect(changes.listening).toBe(false);
  });

  it('is the snapshot alone where the runtime cannot push: the client asks again after retry', async () => {
    const stream = open({ retryMs: 5_000, read: async () => [{ event: 'summary', data: { n: 1 } }] });
    expect((await stream.next()).value).toBe(
      'retry: 5000\n\nevent: summary\ndata: {"n":1}\n\nevent: end\ndata: {"reason":"snapshot"}\n\n',
    );
    expect(await stream.next()).toEqual({ done: true, value: undefined });
  });

  it('ends with an end event when a read fails, instead of cutting the connection', async () => {
    const changes = feed();
    let fail = false;
    const stream = open({
      subscribe: changes.subscribe,
      read: async () => {
        if (fail) throw new Error('database gone');
        return [];
      },
    });
    await stream.next();
    fail = true;
    const next = stream.next();
    changes.change();
    expect((await next).value).toBe('event: end\ndata: {"reason":"error"}\n\n');
    expect(changes.listening).toBe(false);
  });

  it('writes each event as one data line of JSON, line breaks in strings escaped', () => {
    expect(encodeEvent({ event: 'summary', data: { name: 'two\nlines' } })).toBe(
      'event: summary\ndata: {"name":"two\\nlines"}\n\n',
    );
  });
});
