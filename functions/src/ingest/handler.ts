// The ingest Lambda (SQS event source, ReportBatchItemFailures): each record is one telemetry
// message in the IoT Rule's envelope. A record fails only for a reason that may pass (the store is
// unreachable), so SQS redelivers just that one; a message that can never succeed is dead-lettered
// and counts as done.
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { logger } from '../platform/observability.ts';
import {
  createTelemetryIngestor,
  type IncomingTelemetry,
  type IngestDeps,
  type IngestOutcome,
} from './ingest.ts';
import { telemetryEnvelopeSchema } from './sqs-envelope.ts';

export type IngestHandler = (event: SQSEvent) => Promise<SQSBatchResponse>;

export function createIngestHandler(
  deps: IngestDeps,
  options: { onOutcome?: (outcome: IngestOutcome) => void } = {},
): IngestHandler {
  const ingestor = createTelemetryIngestor(deps);
  return async (event) => {
    const failures: { itemIdentifier: string }[] = [];
    const accepted: { messageId: string; message: IncomingTelemetry }[] = [];
    for (const record of event.Records) {
      const envelope = telemetryEnvelopeSchema.safeParse(safeJson(record.body));
      if (!envelope.success) {
        // Only a misconfigured rule sends this; failing it lets the queue's own redrive DLQ keep it.
        logger.error('ingest record is not a telemetry envelope', { messageId: record.messageId });
        failures.push({ itemIdentifier: record.messageId });
        continue;
      }
      const { topic, payload, receivedAt } = envelope.data;
      accepted.push({
        messageId: record.messageId,
        message: { topic, payload: Buffer.from(payload, 'base64'), receivedAt },
      });
    }
    const settled = await ingestor.ingestBatch(accepted.map((entry) => entry.message));
    for (const [index, result] of settled.entries()) {
      const messageId = accepted[index]?.messageId ?? '';
      if (result.status === 'fulfilled') {
        options.onOutcome?.(result.value);
        continue;
      }
      logger.error('ingest failed; the message will be redelivered', { messageId, error: result.reason });
      failures.push({ itemIdentifier: messageId });
    }
    return { batchItemFailures: failures };
  };
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
