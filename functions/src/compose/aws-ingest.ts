// Composition of the stream ingest Lambda (Kinesis, ADR 0026) and of the PostgreSQL telemetry
// retention the hourly housekeeping runs on AWS.

import { S3Client } from '@aws-sdk/client-s3';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { createSqsClient, sqsRejectedRecords } from '../ingest/adapters/aws/sqs-rejected-records.ts';
import {
  createStreamIngestHandler,
  type RejectedRecords,
  type StreamIngestHandler,
} from '../ingest/handler.ts';
import { systemClock } from '../platform/clock.ts';
import { uuidV7Ids } from '../platform/ids.ts';
import { logger } from '../platform/observability.ts';
import { createS3ReportFiles } from '../reports/adapters/aws/reports.ts';
import { runRetention } from '../retention/retention.ts';
import { openPostgresTelemetryStore } from '../telemetry/adapters/postgres/telemetry-store.ts';
import { createAwsIngestDeps, databaseUrl } from './aws.ts';
import {
  type AwsIngestEnv,
  type AwsRetentionEnv,
  type AwsStoresEnv,
  parseAwsIngestEnv,
  parseAwsRetentionEnv,
  parseAwsStoresEnv,
} from './aws-env.ts';
import { openAwsConfigDatabase, openAwsTelemetryStore } from './aws-stores.ts';
import { traceClient } from './aws-tracing.ts';
import { createPostgresConfigStore } from './config-store.ts';

/** Without a dead-letter queue a rejected record cannot be kept: it fails, and is delivered again. */
const nowhere: RejectedRecords = {
  keep: async () => {
    throw new Error('INGEST_DEAD_LETTER_QUEUE_URL is not set: the record cannot be kept');
  },
};

export async function createAwsStreamIngestHandler(
  env: AwsIngestEnv = parseAwsIngestEnv(),
): Promise<StreamIngestHandler> {
  const deps = await createAwsIngestDeps(env);
  const rejects = env.INGEST_DEAD_LETTER_QUEUE_URL
    ? sqsRejectedRecords(traceClient(createSqsClient(env.AWS_REGION)), env.INGEST_DEAD_LETTER_QUEUE_URL)
    : nowhere;
  return createStreamIngestHandler(deps, { rejects });
}

/**
 * Raw-point retention of the PostgreSQL telemetry store: whole weekly partitions older than
 * TELEMETRY_RETENTION_DAYS are dropped (rollups and latest values stay). Timestream keeps its own
 * retention (the table's), so there it does nothing.
 */
export async function createAwsTelemetryRetention(
  env: AwsStoresEnv = parseAwsStoresEnv(),
  now: () => number = Date.now,
): Promise<() => Promise<{ dropped: string[] }>> {
  if (env.TELEMETRY_STORE !== 'postgres') return async () => ({ dropped: [] });
  const url = await databaseUrl(env, new SecretsManagerClient({ region: env.AWS_REGION }));
  return async () => {
    const store = await openPostgresTelemetryStore({
      url,
      maxConnections: 1,
      ensureSchema: false,
      ...(env.DATABASE_TELEMETRY_ROLE ? { role: env.DATABASE_TELEMETRY_ROLE } : {}),
    });
    try {
      const dropped = await store.dropRawBefore(now() - env.TELEMETRY_RETENTION_DAYS * 86_400_000);
      if (dropped.length > 0) logger.info('telemetry partitions dropped (retention)', { dropped });
      return { dropped };
    } finally {
      await store.close();
    }
  };
}

/**
 * Each tenant's retention (ADR 0036), from the hourly housekeeping: the config store's rows, the
 * PostgreSQL telemetry (whole partitions where they can go, the edge by DELETE), report files in S3
 * when the function is told the bucket. Timestream keeps its own (the table's memory and magnetic
 * retention), so telemetry is left to it there.
 */
export async function createAwsRetentionRun(
  env: AwsRetentionEnv = parseAwsRetentionEnv(),
): Promise<() => Promise<{ tenants: number; applied: number; failed: number }>> {
  const url = await databaseUrl(env, new SecretsManagerClient({ region: env.AWS_REGION }));
  const database = await openAwsConfigDatabase(env, url);
  const store = createPostgresConfigStore(database.db, () => database.close());
  // Timestream is not opened: its table's retention applies there, and opening it costs a discovery call.
  const telemetry = env.TELEMETRY_STORE === 'postgres' ? await openAwsTelemetryStore(env, url) : null;
  const reportFiles = env.REPORTS_BUCKET
    ? createS3ReportFiles(new S3Client({ region: env.AWS_REGION }), env.REPORTS_BUCKET)
    : undefined;
  const deleteTenantBefore = telemetry?.deleteTenantBefore?.bind(telemetry);
  return () =>
    runRetention({
      store,
      clock: systemClock,
      ids: uuidV7Ids,
      tenantIds: () => store.tenantIdsForUsage(),
      ...(deleteTenantBefore ? { telemetry: { deleteTenantBefore } } : {}),
      ...(reportFiles ? { reportFiles } : {}),
    });
}
