// What the IoT Rule → SQS → Lambda path does on AWS, in process: messages from the broker are
// gathered into SQS-shaped batches (up to 100 records; a Lambda SQS source takes up to 10,000 with a batching window) and
// handed to the same ingest handler. Records it reports as failed are retried with a growing delay,
// like SQS redelivery; each message's promise settles once it is handled, so the broker's PUBACK
// means "stored or dead-lettered".
//
// Several batches may be in the handler at once (as several Lambda instances would be): while one
// batch waits for the telemetry store's commit, the next is parsed and validated, and the store
// commits what queued meanwhile as one group. One batch at a time left the process idle for a third
// of an ingest run (decision 0021).
import type { IngestHandler } from '@plantwatch/functions/ingest/index';
import { toSqsEvent, toSqsRecord } from '@plantwatch/functions/ingest/index';
import { logger } from '@plantwatch/functions/platform/observability';
import type { SQSRecord } from 'aws-lambda';

export interface IngestPumpOptions {
  batchSize?: number;
  maxAttempts?: number;
  retryDelayMs?: number;
  /** Batches in the handler at once (default 4). */
  concurrency?: number;
}

interface Pending {
  record: SQSRecord;
  attempts: number;
  settle: (error?: Error) => void;
}

export interface IngestPump {
  submit(message: { topic: string; payload: Buffer; receivedAt: number }): Promise<void>;
  /** Waits for everything in flight, then refuses new messages. */
  close(): Promise<void>;
}

export function createIngestPump(handler: IngestHandler, options: IngestPumpOptions = {}): IngestPump {
  const batchSize = options.batchSize ?? 100;
  const maxAttempts = options.maxAttempts ?? 5;
  const retryDelayMs = options.retryDelayMs ?? 200;
  const concurrency = options.concurrency ?? 4;
  const queue: Pending[] = [];
  const retries = new Map<NodeJS.Timeout, Pending>();
  const running = new Set<Promise<void>>();
  let scheduled = false;
  let closed = false;

  async function handle(batch: Pending[]): Promise<void> {
    let failed = new Set<string>();
    try {
      const result = await handler(toSqsEvent(batch.map((p) => p.record)));
      failed = new Set(result.batchItemFailures.map((f) => f.itemIdentifier));
    } catch (error) {
      logger.error('ingest batch failed as a whole', { error });
      failed = new Set(batch.map((p) => p.record.messageId));
    }
    for (const pending of batch) {
      if (!failed.has(pending.record.messageId)) {
        pending.settle();
      } else if (pending.attempts + 1 >= maxAttempts || closed) {
        pending.settle(new Error(`ingest failed ${pending.attempts + 1} times; the gateway will resend`));
      } else {
        const retry = { ...pending, attempts: pending.attempts + 1 };
        const timer = setTimeout(
          () => {
            retries.delete(timer);
            enqueue(retry);
          },
          retryDelayMs * 2 ** pending.attempts,
        );
        retries.set(timer, retry);
      }
    }
  }

  function enqueue(pending: Pending): void {
    queue.push(pending);
    kick();
  }

  function kick(): void {
    if (scheduled || queue.length === 0 || running.size >= concurrency) return;
    // Started on the next turn of the event loop, so messages that arrive together share a batch.
    scheduled = true;
    setImmediate(() => {
      scheduled = false;
      if (queue.length === 0 || running.size >= concurrency) return;
      const run: Promise<void> = handle(queue.splice(0, batchSize)).finally(() => {
        running.delete(run);
        kick(); // anything that arrived while every slot was busy
      });
      running.add(run);
      kick(); // more than one batch waiting: start the next beside it
    });
  }

  return {
    submit(message) {
      if (closed) return Promise.reject(new Error('ingest is shutting down'));
      return new Promise<void>((resolve, reject) => {
        enqueue({
          record: toSqsRecord(message),
          attempts: 0,
          settle: (error) => (error ? reject(error) : resolve()),
        });
      });
    },
    async close() {
      closed = true;
      for (const [timer, pending] of retries) {
        clearTimeout(timer);
        pending.settle(new Error('ingest is shutting down; the gateway will resend'));
      }
      retries.clear();
      while (running.size > 0 || scheduled) {
        await (running.size > 0 ? Promise.all(running) : new Promise((resolve) => setImmediate(resolve)));
      }
    },
  };
}
