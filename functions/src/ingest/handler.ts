// The ingest Lambdas. Each record is one telemetry message in the IoT rule's envelope, delivered by
// SQS (ReportBatchItemFailures) or by a Kinesis data stream (the default on AWS, ADR 0026). A record
// fails only for a reason that may pass (the store is unreachable), so just that one is delivered
// again (SQS), or the shard resumes from it (Kinesis); a message that can never succeed is
// dead-lettered in the config store and counts as done.
import type { KinesisStreamBatchResponse, KinesisStreamEvent, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { logger } from '../platform/observability.ts';
import {
  createTelemetryIngestor,
  type IncomingTelemetry,
  type IngestDeps,
  type IngestOutcome,
  type TelemetryIngestor,
} from './ingest.ts';
import { telemetryEnvelopeSchema } from './sqs-envelope.ts';

export type IngestHandler = (event: SQSEvent) => Promise<SQSBatchResponse>;
export type StreamIngestHandler = (event: KinesisStreamEvent) => Promise<KinesisStreamBatchResponse>;

export interface IngestHandlerOptions {
  onOutcome?: (outcome: IngestOutcome) => void;
}

/**
 * Where a stream record that is no telemetry envelope goes (only a misconfigured rule sends one): a
 * stream has no redrive of its own, and retrying it would hold up the shard for ever. On AWS, the
 * ingest dead-letter queue, with the reason.
 */
export interface RejectedRecords {
  keep(record: { id: string; data: string; reason: string }): Promise<void>;
}

/** The records' messages through the ingestor; the ids of those that failed and may pass later. */
async function ingestAll(
  ingestor: TelemetryIngestor,
  accepted: readonly { id: string; message: IncomingTelemetry }[],
  options: IngestHandlerOptions,
): Promise<string[]> {
  const failed: string[] = [];
  const settled = await ingestor.ingestBatch(accepted.map((entry) => entry.message));
  for (const [index, result] of settled.entries()) {
    const id = accepted[index]?.id ?? '';
    if (result.status === 'fulfilled') {
      options.onOutcome?.(result.value);
      continue;
    }
    logger.error('ingest failed; the message will be delivered again', { record: id, error: result.reason });
    failed.push(id);
  }
  return failed;
}

function envelopeOf(text: string): IncomingTelemetry | null {
  const envelope = telemetryEnvelopeSchema.safeParse(safeJson(text));
  if (!envelope.success) return null;
  const { topic, payload, receivedAt } = envelope.data;
  return { topic, payload: Buffer.from(payload, 'base64'), receivedAt };
}

export function createIngestHandler(deps: IngestDeps, options: IngestHandlerOptions = {}): IngestHandler {
  const ingestor = createTelemetryIngestor(deps);
  return async (event) => {
    const failures: { itemIdentifier: string }[] = [];
    const accepted: { id: string; message: IncomingTelemetry }[] = [];
    for (const record of event.Records) {
      const message = envelopeOf(record.body);
      if (!message) {
        // Only a misconfigured rule sends this; failing it lets the queue's own redrive DLQ keep it.
        logger.error('ingest record is not a telemetry envelope', { messageId: record.messageId });
        failures.push({ itemIdentifier: record.messageId });
        continue;
      }
      accepted.push({ id: record.messageId, message });
    }
    for (const id of await ingestAll(ingestor, accepted, options)) failures.push({ itemIdentifier: id });
    return { batchItemFailures: failures };
  };
}

/**
 * The Kinesis event source (ReportBatchItemFailures, bisect on error): the shard resumes from the
 * lowest failed sequence number, so everything after it is delivered again; ingest drops the repeats
 * (the same seq and bytes, or the same points).
 */
export function createStreamIngestHandler(
  deps: IngestDeps,
  options: IngestHandlerOptions & { rejects: RejectedRecords },
): StreamIngestHandler {
  const ingestor = createTelemetryIngestor(deps);
  return async (event) => {
    const failures: string[] = [];
    const accepted: { id: string; message: IncomingTelemetry }[] = [];
    for (const record of event.Records) {
      const id = record.kinesis.sequenceNumber;
      const data = record.kinesis.data;
      const message = envelopeOf(Buffer.from(data, 'base64').toString('utf8'));
      if (message) {
        accepted.push({ id, message });
        continue;
      }
      logger.error('ingest stream record is not a telemetry envelope; kept in the dead-letter queue', {
        record: id,
      });
      try {
        await options.rejects.keep({
          id,
          data,
          reason: 'not a telemetry envelope {topic, payload, receivedAt}',
        });
      } catch (error) {
        logger.error('could not keep a rejected stream record; it will be delivered again', {
          record: id,
          error,
        });
        failures.push(id);
      }
    }
    failures.push(...(await ingestAll(ingestor, accepted, options)));
    return { batchItemFailures: failures.map((itemIdentifier) => ({ itemIdentifier })) };
  };
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
