// Scheduled reports (issue #7): what the composition roots (local runtime, Lambda) wire together.
import { Cron } from 'croner';

export { runCountedReportJob } from './counted-run.ts';
export { collectReportData, type ReportData } from './data.ts';
export {
  MAX_ATTACHMENT_BYTES,
  type ReportDeps,
  type ReportJobDeps,
  renderReportFiles,
  reportFileKey,
  runReportJob,
} from './job.ts';
export { ReportLinkSigner } from './links.ts';
export { coveredPeriod } from './period.ts';
export { cronPattern, dueSlot, nextSlot } from './schedule.ts';
export { type SchedulerDeps, tickReportSchedules } from './scheduler.ts';

/**
 * Calls `tick` at the start of every minute (croner), never two at once: a slow pass is not
 * overlapped by the next. Errors are the caller's to catch inside `tick`.
 */
export function everyMinute(tick: () => Promise<unknown>): { stop(): void } {
  const cron = new Cron('* * * * *', { protect: true, catch: true }, async () => {
    await tick();
  });
  return { stop: () => cron.stop() };
}
