// Stream records that are no telemetry envelope, kept in the ingest dead-letter queue (SQS) with the
// reason: a Kinesis shard has no redrive queue of its own, and failing such a record would hold the
// shard up until the event source gives up on it. The queue is alarmed (Operations).
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { RejectedRecords } from '../../handler.ts';

/** The SQS client; AWS_ENDPOINT_URL_SQS (or AWS_ENDPOINT_URL) points it at an emulator. */
export function createSqsClient(region: string): SQSClient {
  return new SQSClient({ region });
}

export function sqsRejectedRecords(client: Pick<SQSClient, 'send'>, queueUrl: string): RejectedRecords {
  return {
    async keep(record) {
      await client.send(
        new SendMessageCommand({
          QueueUrl: queueUrl,
          MessageBody: JSON.stringify({
            source: 'ingest-stream',
            reason: record.reason,
            sequenceNumber: record.id,
            data: record.data,
          }),
          MessageAttributes: {
            reason: { DataType: 'String', StringValue: record.reason },
            sequenceNumber: { DataType: 'String', StringValue: record.id },
          },
        }),
      );
    },
  };
}
