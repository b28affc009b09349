// Lambda entry of the report worker: generates, stores and delivers one queued run (invoked
// asynchronously by the scheduler or by "run now"). Failures end in the run's record; an event
// that is not a run reference is refused loudly rather than retried.
import { z } from 'zod';
import { createAwsReportJobDeps } from '../compose/aws.ts';
import { runAwsReportJob } from '../compose/aws-reports.ts';
import { logger } from '../platform/observability.ts';

const deps = await createAwsReportJobDeps();
const jobSchema = z.object({ tenantId: z.uuid(), runId: z.uuid() });

export async function handler(event: unknown): Promise<{ status: string | null }> {
  const job = jobSchema.parse(event);
  // Counted by outcome and timed (report_runs, report_run_seconds), as the local runtime counts them.
  const run = await runAwsReportJob(deps, job.tenantId, job.runId);
  logger.info('report run finished', {
    tenantId: job.tenantId,
    runId: job.runId,
    status: run?.status ?? 'skipped',
  });
  return { status: run?.status ?? null };
}
