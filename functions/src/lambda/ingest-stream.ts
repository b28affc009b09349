// Lambda entry of stream ingest (Kinesis event source with ReportBatchItemFailures, fed by the IoT
// rule; the default on AWS, ADR 0026). functions/src/lambda/ingest.ts is the SQS one.
import { createAwsStreamIngestHandler } from '../compose/aws-ingest.ts';

export const handler = await createAwsStreamIngestHandler();
