// A report run counted the same way on both runtimes: report_runs by outcome and report_run_seconds
// (the local job queue and the AWS report worker both call this, so /metrics and CloudWatch agree).
import type { Metrics } from '../platform/metrics.ts';
import { type ReportJobDeps, runReportJob } from './job.ts';

export async function runCountedReportJob(
  deps: ReportJobDeps,
  metrics: Metrics | undefined,
  tenantId: string,
  runId: string,
): ReturnType<typeof runReportJob> {
  const started = performance.now();
  const count = (outcome: string) => {
    metrics?.increment('report_runs', { outcome });
    metrics?.observe('report_run_seconds', (performance.now() - started) / 1000, { outcome });
  };
  try {
    const run = await runReportJob(deps, tenantId, runId);
    // null: not queued any more (another worker took it, or it was deleted): nothing ran.
    if (run) count(run.status);
    return run;
  } catch (error) {
    // Failed outside its record (the store itself): counted, then the caller's to report.
    count('error');
    throw error;
  }
}
