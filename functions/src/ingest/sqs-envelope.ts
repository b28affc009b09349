// What an SQS record carries from the broker to ingest. On AWS the IoT Rule
//   SELECT encode(*, 'base64') AS payload, topic() AS topic, timestamp() AS receivedAt
//   FROM 'dt/+/+/+/+'            (telemetry, and the status topic for the gateway's comm-loss alarm)
// sends exactly this to SQS; base64 keeps a payload that is not JSON intact, so it can be
// dead-lettered with its reason instead of being dropped by the rule. The local runtime builds the same.
import { createHash, randomUUID } from 'node:crypto';
import type { KinesisStreamRecord, SQSEvent, SQSRecord } from 'aws-lambda';
import { z } from 'zod';

export const telemetryEnvelopeSchema = z.strictObject({
  topic: z.string().min(1).max(256),
  payload: z.base64(),
  receivedAt: z.number().int().positive(),
});
export type TelemetryEnvelope = z.infer<typeof telemetryEnvelopeSchema>;

const LOCAL_QUEUE_ARN = 'arn:aws:sqs:local:000000000000:plantwatch-telemetry';

/** One SQS record as Lambda's SQS event source delivers it, for a message the broker received. */
export function toSqsRecord(message: { topic: string; payload: Buffer; receivedAt: number }): SQSRecord {
  const body = JSON.stringify({
    topic: message.topic,
    payload: message.payload.toString('base64'),
    receivedAt: message.receivedAt,
  } satisfies TelemetryEnvelope);
  return {
    messageId: randomUUID(),
    receiptHandle: randomUUID(),
    body,
    attributes: {
      ApproximateReceiveCount: '1',
      SentTimestamp: String(message.receivedAt),
      SenderId: 'local-broker',
      ApproximateFirstReceiveTimestamp: String(Date.now()),
    },
    messageAttributes: {},
    // Worked out only if someone reads it: nothing on the ingest path does, and hashing every
    // body cost ~4 % of an ingest run (decision 0021).
    get md5OfBody() {
      return createHash('md5').update(body).digest('hex');
    },
    eventSource: 'aws:sqs',
    eventSourceARN: LOCAL_QUEUE_ARN,
    awsRegion: 'local',
  };
}

export function toSqsEvent(records: SQSRecord[]): SQSEvent {
  return { Records: records };
}

/**
 * One Kinesis record as Lambda's Kinesis event source delivers it, for a message the rule put on the
 * stream (partition key: the topic, so one gateway's messages keep their order in one shard).
 */
export function toKinesisRecord(
  message: { topic: string; payload: Buffer; receivedAt: number },
  sequenceNumber: string,
): KinesisStreamRecord {
  const body = JSON.stringify({
    topic: message.topic,
    payload: message.payload.toString('base64'),
    receivedAt: message.receivedAt,
  } satisfies TelemetryEnvelope);
  return {
    kinesis: {
      kinesisSchemaVersion: '1.0',
      partitionKey: message.topic,
      sequenceNumber,
      data: Buffer.from(body).toString('base64'),
      approximateArrivalTimestamp: message.receivedAt / 1000,
    },
    eventSource: 'aws:kinesis',
    eventVersion: '1.0',
    eventID: `shardId-000000000000:${sequenceNumber}`,
    eventName: 'aws:kinesis:record',
    invokeIdentityArn: 'arn:aws:iam::000000000000:role/plantwatch-ingest',
    awsRegion: 'local',
    eventSourceARN: 'arn:aws:kinesis:local:000000000000:stream/plantwatch-telemetry',
  };
}
