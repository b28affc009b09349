// Lambda entry of the report scheduler (EventBridge Scheduler, every minute): queues one run for each
// enabled report whose slot (in its own time zone) has passed since it last ran, then hands each run
// to the report worker by an asynchronous invoke.
import { createAwsReportJobDeps } from '../compose/aws.ts';
import { logger } from '../platform/observability.ts';
import { tickReportSchedules } from '../reports/index.ts';

const deps = await createAwsReportJobDeps();

export async function handler(): Promise<{ queued: number }> {
  const queued = await tickReportSchedules({
    ...deps,
    onError: (error, report) =>
      logger.error('report schedule tick failed for one report', { ...report, error: String(error) }),
  });
  return { queued: queued.length };
}
