// Scheduled reports in the local runtime: files under DATA_DIR/reports, mail over SMTP_URL or into the
// outbox, runs generated in process, and croner ticking once a minute (plus once at start, which is
// where the missed-run rule shows: a report whose slots passed while the process was down runs once).
import { randomBytes } from 'node:crypto';
import { join, resolve } from 'node:path';
import type { ConfigStore } from '@plantwatch/functions/compose/config-store';
import type { Clock } from '@plantwatch/functions/platform/clock';
import type { ConfigDb } from '@plantwatch/functions/platform/database/database';
import type { IdGenerator } from '@plantwatch/functions/platform/id-generator';
import type { Metrics } from '@plantwatch/functions/platform/metrics';
import { logger } from '@plantwatch/functions/platform/observability';
import {
  createDirectoryReportFiles,
  createMemoryReportFiles,
  loadReportLinkSecret,
} from '@plantwatch/functions/reports/adapters/local/report-files';
import {
  createLocalReportJobQueue,
  type LocalReportJobQueue,
} from '@plantwatch/functions/reports/adapters/local/report-jobs';
import {
  createMemoryReportMailer,
  createOutboxReportMailer,
  createSmtpReportMailer,
} from '@plantwatch/functions/reports/adapters/local/report-mailer';
import { createReportScheduleIndex } from '@plantwatch/functions/reports/adapters/postgres/reports-repos';
import {
  everyMinute,
  type ReportDeps,
  ReportLinkSigner,
  runCountedReportJob,
  tickReportSchedules,
} from '@plantwatch/functions/reports/index';
import type { ReportFileStorage, ReportMailer } from '@plantwatch/functions/reports/ports';
import type { TelemetryStore } from '@plantwatch/functions/telemetry/ports';

export interface LocalReportOptions {
  /** Tests: files, mail and the link secret in memory, nothing under DATA_DIR. */
  inMemory?: boolean;
  /** Replaces SMTP/outbox (tests). */
  mailer?: ReportMailer;
  files?: ReportFileStorage;
  /** Waits between delivery attempts; default 5 s, 30 s, 2 min. */
  retryDelaysMs?: readonly number[];
  /** false: no croner job (tests call tick themselves). Default true. */
  schedule?: boolean;
  /** The scheduler's clock (tests step it). */
  clock?: Clock;
  maxAttachmentBytes?: number;
}

export interface LocalReports {
  deps: ReportDeps;
  queue: LocalReportJobQueue;
  /** One scheduler pass now; resolves with the runs it queued. */
  tick(): Promise<{ tenantId: string; runId: string }[]>;
  /** Starts the minute tick (and one pass at once). */
  start(): void;
  /** For /v1/health: whether the minute tick runs, and when its last pass ended (null: none yet). */
  schedulerStatus(): { running: boolean; lastPassAt: Date | null; lastError: string | null };
  close(): Promise<void>;
}

export async function createLocalReports(input: {
  dataDir: string;
  smtpUrl: string | undefined;
  linkSecret: string | undefined;
  store: ConfigStore;
  telemetry: TelemetryStore;
  db: ConfigDb;
  clock: Clock;
  ids: IdGenerator;
  /** Where download links in e-mails point (PUBLIC_API_URL, or the API's own address). */
  publicApiUrl: string;
  options?: LocalReportOptions;
  metrics?: Metrics;
}): Promise<LocalReports> {
  const options = input.options ?? {};
  const dataDir = resolve(input.dataDir);
  const smtp = !options.mailer && input.smtpUrl ? createSmtpReportMailer(input.smtpUrl) : undefined;
  const inMemory = options.inMemory === true;
  const deps: ReportDeps = {
    files:
      options.files ??
      (inMemory ? createMemoryReportFiles() : createDirectoryReportFiles(join(dataDir, 'reports'))),
    mailer:
      options.mailer ?? smtp ?? (inMemory ? createMemoryReportMailer() : createOutboxReportMailer(dataDir)),
    links: new ReportLinkSigner(
      inMemory ? randomBytes(32) : await loadReportLinkSecret(dataDir, input.linkSecret),
    ),
    jobs: { enqueue: async (job) => queue.enqueue(job) },
    publicApiUrl: () => input.publicApiUrl,
    linkTtlMs: 7 * 86_400_000,
    retryDelaysMs: options.retryDelaysMs ?? [5_000, 30_000, 120_000],
    ...(options.maxAttachmentBytes === undefined ? {} : { maxAttachmentBytes: options.maxAttachmentBytes }),
  };
  const clock = options.clock ?? input.clock;
  const jobDeps = { store: input.store, telemetry: input.telemetry, clock, ids: input.ids, reports: deps };
  // Each finished run counted by outcome and timed (report_runs, report_run_seconds on /metrics).
  const runAndCount = (tenantId: string, runId: string) =>
    runCountedReportJob(jobDeps, input.metrics, tenantId, runId);
  const queue = createLocalReportJobQueue(({ tenantId, runId }) => runAndCount(tenantId, runId), {
    onError: (error, job) =>
      logger.error('report run failed outside its record', { ...job, error: String(error) }),
  });
  const index = createReportScheduleIndex(input.db);
  let lastPassAt: Date | null = null;
  let lastError: string | null = null;
  const pass = () =>
    tickReportSchedules({
      index,
      store: input.store,
      clock,
      ids: input.ids,
      jobs: queue,
      onError: (error, report) =>
        logger.error('report schedule tick failed for one report', { ...report, error: String(error) }),
    });
  const tick = async () => {
    try {
      const queued = await pass();
      lastError = null;
      return queued;
    } catch (error) {
      lastError = String(error);
      throw error;
    } finally {
      lastPassAt = input.clock.now();
    }
  };
  let ticker: { stop(): void } | undefined;
  return {
    deps,
    queue,
    tick,
    start() {
      if (options.schedule === false) return;
      ticker = everyMinute(() =>
        tick().catch((error: unknown) =>
          logger.error('report schedule tick failed', { error: String(error) }),
        ),
      );
      void tick().catch((error: unknown) =>
        logger.error('report schedule tick failed', { error: String(error) }),
      );
    },
    schedulerStatus: () => ({ running: ticker !== undefined, lastPassAt, lastError }),
    async close() {
      ticker?.stop();
      ticker = undefined;
      await queue.drain();
      smtp?.close();
    },
  };
}
