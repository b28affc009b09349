// Lambda entry of ingest (SQS event source with ReportBatchItemFailures, fed by the IoT rule).
import { createAwsIngestDeps } from '../compose/aws.ts';
import { tracedHandler } from '../compose/aws-tracing.ts';
import { createIngestHandler } from '../ingest/handler.ts';

// Traced (X-Ray): each message a span with its tenant, gateway and correlation id, the store write
// and the alarm evaluation inside it, and the SDK calls they make.
export const handler = tracedHandler('ingest', createIngestHandler(await createAwsIngestDeps()));
