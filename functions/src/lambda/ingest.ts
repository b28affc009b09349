// Lambda entry of ingest (SQS event source with ReportBatchItemFailures, fed by the IoT rule).
import { createAwsIngestDeps } from '../compose/aws.ts';
import { createIngestHandler } from '../ingest/handler.ts';

export const handler = createIngestHandler(await createAwsIngestDeps());
