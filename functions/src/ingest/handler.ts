// The ingest Lambda (SQS event source, ReportBatchItemFailures): each record is one telemetry
// message. A record fails only for a reason that may pass (the store is unreachable), so SQS
// redelivers just that one; a message that can never succeed is dead-lettered and counts as done.
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { logger } from '../platform/observability.ts';
import { createTelemetryIngestor, type IngestDeps, type IngestOutcome } from './ingest.ts';
import { telemetryEnvelopeSchema } from './sqs-envelope.ts';

export type IngestHandler = (event: SQSEvent) => Promise<SQSBatchResponse>;

export function createIngestHandler(
  deps: IngestDeps,
  options: { onOutcome?: (outcome: IngestOutcome) => void } = {},
): IngestHandler {
  const ingest = createTelemetryIngestor(deps);
  return async (event) => {
    // Records are handled side by side (the store commits them together); the latest value stays
    // right whatever the order, because a store only replaces it with a newer sample.
    const failed = await Promise.all(
      event.Records.map(async (record) => {
        try {
          const envelope = telemetryEnvelopeSchema.safeParse(JSON.parse(record.body));
          if (!envelope.success) {
            // Only a misconfigured rule sends this; failing it lets the queue's own redrive DLQ keep it.
            logger.error('ingest record is not a telemetry envelope', { messageId: record.messageId });
            return true;
          }
          const outcome = await ingest({
            topic: envelope.data.topic,
            payload: Buffer.from(envelope.data.payload, 'base64'),
            receivedAt: envelope.data.receivedAt,
          });
          options.onOutcome?.(outcome);
          return false;
        } catch (error) {
          logger.error('ingest failed; the message will be redelivered', {
            messageId: record.messageId,
            error,
          });
          return true;
        }
      }),
    );
    const batchItemFailures = event.Records.filter((_, index) => failed[index]).map((record) => ({
      itemIdentifier: record.messageId,
    }));
    return { batchItemFailures };
  };
}
