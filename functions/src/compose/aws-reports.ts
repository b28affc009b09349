// Composition of scheduled reports on AWS: S3 files, SES mail, the worker Lambda as the job queue,
// and the worker's run, counted (report_runs, report_run_seconds) like the local runtime's.
import { LambdaClient } from '@aws-sdk/client-lambda';
import { S3Client } from '@aws-sdk/client-s3';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SESv2Client } from '@aws-sdk/client-sesv2';
import { systemClock } from '../platform/clock.ts';
import { uuidV7Ids } from '../platform/ids.ts';
import {
  createLambdaReportJobQueue,
  createS3ReportFiles,
  createSesReportMailer,
  readReportLinkSecret,
} from '../reports/adapters/aws/reports.ts';
import { createReportScheduleIndex } from '../reports/adapters/postgres/reports-repos.ts';
import {
  type ReportDeps,
  type ReportJobDeps,
  ReportLinkSigner,
  runCountedReportJob,
  type SchedulerDeps,
} from '../reports/index.ts';
import { type AwsReportsEnv, parseAwsReportsEnv } from './aws-env.ts';
import { openAwsStores } from './aws-stores.ts';
import { metrics, traceClient } from './aws-tracing.ts';
import { type ConfigStore, createPostgresConfigStore } from './config-store.ts';

export async function createAwsReportDeps(env: AwsReportsEnv): Promise<ReportDeps> {
  return {
    files: createS3ReportFiles(traceClient(new S3Client({ region: env.AWS_REGION })), env.REPORTS_BUCKET),
    mailer: createSesReportMailer(
      traceClient(new SESv2Client({ region: env.AWS_REGION })),
      env.REPORT_FROM_ADDRESS,
    ),
    links: new ReportLinkSigner(
      await readReportLinkSecret(
        traceClient(new SecretsManagerClient({ region: env.AWS_REGION })),
        env.REPORT_LINK_SECRET_ARN,
      ),
    ),
    jobs: createLambdaReportJobQueue(
      traceClient(new LambdaClient({ region: env.AWS_REGION })),
      env.REPORT_WORKER_FUNCTION,
    ),
    // The API's own URL would be a circular reference for the API function: its links are then
    // relative (/v1/report-files?…), which the web app and API clients resolve against the API.
    publicApiUrl: () => env.PUBLIC_API_URL ?? '',
    linkTtlMs: 7 * 86_400_000,
    // A Lambda run has 15 minutes; SES throttling passes within seconds.
    retryDelaysMs: [2_000, 10_000, 30_000],
  };
}

/** The report worker and the scheduler tick: both stores, the report ports and the schedule index. */
export async function createAwsReportJobDeps(
  env: AwsReportsEnv = parseAwsReportsEnv(),
): Promise<ReportJobDeps & Pick<SchedulerDeps, 'index' | 'jobs'> & { store: ConfigStore }> {
  const { database, telemetry } = await openAwsStores(env);
  const store = createPostgresConfigStore(database.db, () => database.close());
  const reports = await createAwsReportDeps(env);
  return {
    store,
    telemetry,
    clock: systemClock,
    ids: uuidV7Ids,
    reports,
    index: createReportScheduleIndex(database.db),
    jobs: reports.jobs,
  };
}

/** The worker's run of one queued report run, counted by outcome and timed. */
export const runAwsReportJob = (deps: ReportJobDeps, tenantId: string, runId: string) =>
  runCountedReportJob(deps, metrics, tenantId, runId);
