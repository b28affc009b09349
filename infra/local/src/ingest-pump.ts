// What the IoT Rule → SQS → Lambda path does on AWS, in process: messages from the broker are
// gathered into batches (up to 100, as a Lambda SQS source takes them) and handed to the same ingest
// use-case the Lambda calls, as they are: no SQS record, no base64 envelope. Messages that fail for a
// reason that may pass are retried with a growing delay, like SQS redelivery; each message's promise
// settles once it is handled, so the broker's PUBACK means "stored or dead-lettered".
//
// Several batches may be in the handler at once (as several Lambda instances would be): while one
// batch waits for the telemetry store's commit, the next is parsed and validated, and the store
// commits what queued meanwhile as one group. One batch at a time left the process idle for a third
// of an ingest run (decision 0021).
import type { IncomingTelemetry, IngestOutcome } from '@plantwatch/functions/ingest/ingest';
import { logger } from '@plantwatch/functions/platform/observability';

/** The ingest use-case's batch entry: one settled result per message, in order. */
export type IngestBatch = (
  messages: readonly IncomingTelemetry[],
) => Promise<PromiseSettledResult<IngestOutcome>[]>;

export interface IngestPumpOptions {
  batchSize?: number;
  maxAttempts?: number;
  retryDelayMs?: number;
  /** Batches in the handler at once (default 4). */
  concurrency?: number;
}

interface Pending {
  message: IncomingTelemetry;
  attempts: number;
  settle: (error?: Error) => void;
}

export interface IngestPump {
  submit(message: { topic: string; payload: Buffer; receivedAt: number }): Promise<void>;
  /** Waits for everything in flight, then refuses new messages. */
  close(): Promise<void>;
}

export function createIngestPump(ingestBatch: IngestBatch, options: IngestPumpOptions = {}): IngestPump {
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
    let failed: boolean[];
    try {
      const settled = await ingestBatch(batch.map((p) => p.message));
      failed = settled.map((result) => {
        if (result.status === 'fulfilled') return false;
        logger.error('ingest failed; the message will be retried', { error: result.reason });
        return true;
      });
    } catch (error) {
      logger.error('ingest batch failed as a whole', { error });
      failed = batch.map(() => true);
    }
    for (const [index, pending] of batch.entries()) {
      if (!failed[index]) {
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
          message,
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
