import type { IngestHandler } from '@plantwatch/functions/ingest/index';
import { telemetryEnvelopeSchema } from '@plantwatch/functions/ingest/index';
import { describe, expect, it } from 'vitest';
import { createIngestPump } from './ingest-pump.ts';

const message = (n: number) => ({
  topic: `dt/t/s/g/telemetry`,
  payload: Buffer.from(`{"n":${n}}`),
  receivedAt: 1,
});
const payloadOf = (body: string) =>
  Buffer.from(telemetryEnvelopeSchema.parse(JSON.parse(body)).payload, 'base64').toString();

describe('ingest pump (the local stand-in for SQS → Lambda)', () => {
  it('hands messages over in SQS-shaped batches and retries only the records reported as failed', async () => {
    const seen: string[][] = [];
    let failOnce = true;
    const handler: IngestHandler = async (event) => {
      seen.push(event.Records.map((r) => payloadOf(r.body)));
      const failing = failOnce ? event.Records.filter((r) => payloadOf(r.body) === '{"n":2}') : [];
      failOnce = false;
      return { batchItemFailures: failing.map((r) => ({ itemIdentifier: r.messageId })) };
    };
    const pump = createIngestPump(handler, { retryDelayMs: 5 });

    await Promise.all([1, 2, 3].map((n) => pump.submit(message(n))));
    await pump.close();

    expect(seen).toEqual([['{"n":1}', '{"n":2}', '{"n":3}'], ['{"n":2}']]);
  });

  it('keeps up to `concurrency` batches in the handler at once, and close waits for all of them', async () => {
    const held: { payloads: string[]; release: () => void }[] = [];
    const handler: IngestHandler = (event) =>
      new Promise((resolve) => {
        held.push({
          payloads: event.Records.map((r) => payloadOf(r.body)),
          release: () => resolve({ batchItemFailures: [] }),
        });
      });
    const pump = createIngestPump(handler, { batchSize: 2, concurrency: 2 });
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
      async (event) => {
        calls += 1;
        return { batchItemFailures: event.Records.map((r) => ({ itemIdentifier: r.messageId })) };
      },
      { retryDelayMs: 1, maxAttempts: 3 },
    );

    await expect(pump.submit(message(1))).rejects.toThrow('ingest failed 3 times');
    await pump.close();
    expect(calls).toBe(3);
  });
});
