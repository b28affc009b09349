// Lambda entry of stream ingest (Kinesis event source with ReportBatchItemFailures, fed by the IoT
// rule; the default on AWS, ADR 0026). functions/src/lambda/ingest.ts is the SQS one.
import { createAwsStreamIngestHandler } from '../compose/aws-ingest.ts';
import { tracedHandler } from '../compose/aws-tracing.ts';

// Traced like the SQS one: a span per message, the store write and alarm evaluation inside it.
export const handler = tracedHandler('ingest-stream', await createAwsStreamIngestHandler());
