import { describe, expect, it } from 'vitest';
import { createIngestPump, type IngestBatch } from './ingest-pump.ts';

const message = (n: number) => ({
  topic: `dt/t/s/g/telemetry`,
  payload: Buffer.from(`{"n":${n}}`),
  receivedAt: 1,
});
const stored = { status: 'stored', written: 1, duplicates: 0 } as const;
const ok = { status: 'fulfilled', value: stored } as const;
const failedOnce = { status: 'rejected', reason: new Error('the store is unreachable') } as const;

describe('ingest pump (the local stand-in for SQS → Lambda)', () => {
  it('hands messages over as they came in batches, and retries only the messages that failed', async () => {
    const seen: string[][] = [];
    let failOnce = true;
    const ingestBatch: IngestBatch = async (messages) => {
      seen.push(messages.map((m) => m.payload.toString()));
      const results = messages.map((m) => (failOnce && m.payload.toString() === '{"n":2}' ? failedOnce : ok));
      failOnce = false;
      return results;
    };
    const pump = createIngestPump(ingestBatch, { retryDelayMs: 5 });

    await Promise.all([1, 2, 3].map((n) => pump.submit(message(n))));
    await pump.close();

    expect(seen).toEqual([['{"n":1}', '{"n":2}', '{"n":3}'], ['{"n":2}']]);
  });

  it('keeps up to `concurrency` batches in the handler at once, and close waits for all of them', async () => {
    const held: { payloads: string[]; release: () => void }[] = [];
    const ingestBatch: IngestBatch = (messages) =>
      new Promise((resolve) => {
        held.push({
          payloads: messages.map((m) => m.payload.toString()),
          release: () => resolve(messages.map(() => ok)),
        });
      });
    const pump = createIngestPump(ingestBatch, { batchSize: 2, concurrency: 2 });
    const acknowledged: number[] = [];
    const submitted = [1, 2, 3, 4, 5].map((n) => pump.submit(message(n)).then(() => acknowledged.push(n)));
    const tick = () => new Promise((resolve) => setImmediate(resolve));

    await tick();
    await tick();
    expect(held.map((h) => h.payloads)).toEqual([
      ['{"n":1}', '{"n":2}'],
      ['{"n":3}', '{"n":4}'],
    ]);
    held[1]?.release();
    await tick();
    await tick();
    expect(acknowledged).toEqual([3, 4]);
    expect(held.map((h) => h.payloads)).toHaveLength(3);
    let closed = false;
    const closing = pump.close().then(() => {
      closed = true;
    });
    await tick();
    expect(closed).toBe(false);
    held[0]?.release();
    held[2]?.release();
    await Promise.all([closing, ...submitted]);
    expect(acknowledged).toEqual([3, 4, 1, 2, 5]);
  });

  it('gives up after the last attempt, so the broker does not acknowledge the message', async () => {
    let calls = 0;
    const pump = createIngestPump(
      async (messages) => {
        calls += 1;
        return messages.map(() => failedOnce);
      },
      { retryDelayMs: 1, maxAttempts: 3 },
    );

    await expect(pump.submit(message(1))).rejects.toThrow('ingest failed 3 times');
    await pump.close();
    expect(calls).toBe(3);
  });
});
