// One report run, start to finish: read the data, render each format, store the files, e-mail them
// (attached when small, as signed links when over the limit), and record every step in the run.
import type { ReportDelivery, ReportFile } from '@plantwatch/shared';
import type { Clock } from '../platform/clock.ts';
import type { TenantStore } from '../platform/database/tenant-store.ts';
import type { IdGenerator } from '../platform/id-generator.ts';
import type { TelemetryStore } from '../telemetry/ports.ts';
import { renderCsv } from './csv.ts';
import { collectReportData, type ReportData } from './data.ts';
import type { ReportLinkSigner } from './links.ts';
import type { PdfBranding } from './pdf.ts';
import type {
  ReportFileStorage,
  ReportJobQueue,
  ReportMailer,
  ReportRunRecord,
  ReportStoreRepositories,
  StoredReport,
} from './ports.ts';
import { formatLocal } from './zone.ts';

/** Over this many bytes of files together, the e-mail carries download links instead. */
export const MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024;

export interface ReportDeps {
  files: ReportFileStorage;
  mailer: ReportMailer;
  links: ReportLinkSigner;
  jobs: ReportJobQueue;
  /** The base URL download links point at (PUBLIC_API_URL). */
  publicApiUrl: () => string;
  /** How long a download link stays valid. */
  linkTtlMs: number;
  /** Waits between delivery attempts; the last attempt's failure is recorded. */
  retryDelaysMs: readonly number[];
  branding?: (tenantId: string) => Promise<PdfBranding>;
  maxAttachmentBytes?: number;
}

export interface ReportJobDeps {
  store: TenantStore<ReportStoreRepositories>;
  telemetry: TelemetryStore;
  clock: Clock;
  ids: IdGenerator;
  reports: ReportDeps;
}

const contentTypes = {
  pdf: 'application/pdf',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  csv: 'text/csv; charset=utf-8',
} as const;

export const reportFileKey = (tenantId: string, runId: string, fileName: string) =>
  `${tenantId}/${runId}/${fileName}`;

export function contentTypeOf(fileName: string): string {
  const extension = fileName.slice(fileName.lastIndexOf('.') + 1) as keyof typeof contentTypes;
  return contentTypes[extension] ?? 'application/octet-stream';
}

function slug(name: string): string {
  return (
    name
      .normalize('NFKD')
      .replace(/[^\w\s-]/g, '')
      .trim()
      .replace(/[\s_]+/g, '-')
      .toLowerCase()
      .slice(0, 60) || 'report'
  );
}

export function fileNameFor(
  report: Pick<StoredReport, 'name' | 'timeZone'>,
  run: Pick<ReportRunRecord, 'periodFrom' | 'periodTo'>,
  format: string,
): string {
  const from = formatLocal(run.periodFrom.getTime(), report.timeZone, false);
  const to = formatLocal(run.periodTo.getTime() - 1, report.timeZone, false);
  return `${slug(report.name)}_${from}_${to}.${format}`;
}

/**
 * Renders the formats the report asks for. pdfkit and exceljs (with its zip and archive libraries) are
 * loaded at the first PDF or workbook, not with the process: together ~70 MB resident that an idle
 * runtime does not need (ADR 0054).
 */
export async function renderReportFiles(
  data: ReportData,
  formats: StoredReport['formats'],
  branding: PdfBranding,
): Promise<Map<StoredReport['formats'][number], Buffer>> {
  const files = new Map<StoredReport['formats'][number], Buffer>();
  for (const format of formats) {
    if (format === 'pdf') {
      const { renderPdf } = await import('./pdf.ts');
      files.set(format, await renderPdf(data, branding));
    } else if (format === 'xlsx') {
      const { renderXlsx } = await import('./xlsx.ts');
      files.set(format, await renderXlsx(data));
    } else files.set(format, renderCsv(data));
  }
  return files;
}

/** The tenant's uploaded logo for the PDF cover (checked when it was uploaded); none: the initials. */
async function tenantBranding(deps: ReportJobDeps, tenantId: string): Promise<PdfBranding> {
  const logo = await deps.store.inTenant(tenantId, (repos) => repos.tenantLogo.get());
  return logo ? { logo: logo.data } : {};
}

const errorText = (error: unknown) => (error instanceof Error ? error.message : String(error)).slice(0, 1000);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function downloadUrl(deps: ReportJobDeps, claims: Parameters<ReportLinkSigner['sign']>[0]): string {
  return `${deps.reports.publicApiUrl().replace(/\/$/, '')}/v1/report-files?${deps.reports.links.sign(claims)}`;
}

function composeMail(
  deps: ReportJobDeps,
  tenantId: string,
  report: StoredReport,
  run: ReportRunRecord,
  files: readonly { file: ReportFile; body: Buffer }[],
  recipient: string | null,
  asLinks: boolean,
): { subject: string; text: string; html: string } {
  const period = `${formatLocal(run.periodFrom.getTime(), report.timeZone)} to ${formatLocal(run.periodTo.getTime(), report.timeZone)} (${report.timeZone})`;
  const expiresAt = deps.clock.now().getTime() + deps.reports.linkTtlMs;
  const lines = [`${report.name}`, `Period: ${period}`, ''];
  if (asLinks) {
    lines.push(
      `The files are ${(files.reduce((s, f) => s + f.file.bytes, 0) / 1024 / 1024).toFixed(1)} MB together, too large to attach. Download them here (links valid until ${formatLocal(expiresAt, report.timeZone)}):`,
    );
    for (const { file } of files) {
      lines.push(
        `${file.name}: ${downloadUrl(deps, { tenantId, runId: run.id, fileName: file.name, issuedTo: recipient ?? 'recipients', expiresAt })}`,
      );
    }
  } else {
    lines.push(`Attached: ${files.map(({ file }) => file.name).join(', ')}`);
  }
  lines.push('', 'Sent by Plantwatch because you are a recipient of this scheduled report.');
  const text = lines.join('\n');
  const escapeHtml = (s: string) =>
    s.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');
  const html = `<p>${text
    .split('\n')
    .map((line) => escapeHtml(line).replace(/(https?:\/\/\S+)/g, '<a href="$1">$1</a>'))
    .join('<br>')}</p>`;
  return { subject: `${report.name}: ${period}`, text, html };
}

/**
 * Sends the report e-mail, retrying with the configured delays, and records it in the notification
 * log (the outbox locally). Never throws: the outcome is the returned delivery record.
 */
async function deliver(
  deps: ReportJobDeps,
  tenantId: string,
  report: StoredReport,
  run: ReportRunRecord,
  files: readonly { file: ReportFile; body: Buffer }[],
): Promise<ReportDelivery> {
  const total = files.reduce((sum, f) => sum + f.file.bytes, 0);
  const asLinks = total > (deps.reports.maxAttachmentBytes ?? MAX_ATTACHMENT_BYTES);
  const mail = composeMail(
    deps,
    tenantId,
    report,
    run,
    files,
    report.recipients.length === 1 ? (report.recipients[0] ?? null) : null,
    asLinks,
  );
  const provider = deps.reports.mailer.transport;
  const notificationIds = report.recipients.map(() => deps.ids.newId());
  await deps.store.inTenant(tenantId, async (repos) => {
    for (const [index, recipient] of report.recipients.entries()) {
      await repos.notifications.claim({
        id: notificationIds[index] as string,
        channel: 'email',
        recipient,
        contactId: null,
        alarmId: null,
        subject: mail.subject,
        body: mail.text,
        provider,
        idempotencyKey: `report-run:${run.id}:${recipient}`,
      });
    }
  });
  const delivery: ReportDelivery = {
    status: 'pending',
    mode: asLinks ? 'link' : 'attachments',
    transport: provider,
    recipients: [...report.recipients],
    attempts: 0,
    lastError: null,
    messageId: null,
    sentAt: null,
  };
  const delays = deps.reports.retryDelaysMs;
  for (let attempt = 0; attempt <= delays.length; attempt++) {
    if (attempt > 0) await sleep(delays[attempt - 1] ?? 0);
    delivery.attempts = attempt + 1;
    try {
      const { messageId } = await deps.reports.mailer.send({
        to: report.recipients,
        ...mail,
        attachments: asLinks
          ? []
          : files.map(({ file, body }) => ({
              filename: file.name,
              content: body,
              contentType: contentTypeOf(file.name),
            })),
      });
      delivery.status = provider === 'outbox' ? 'outbox' : 'sent';
      delivery.messageId = messageId;
      delivery.lastError = null;
      delivery.sentAt = deps.clock.now().toISOString();
      break;
    } catch (error) {
      delivery.status = 'failed';
      delivery.lastError = errorText(error);
    }
  }
  await deps.store.inTenant(tenantId, async (repos) => {
    for (const id of notificationIds) {
      if (delivery.status === 'failed') {
        await repos.notifications.markFailed(id, {
          provider,
          error: delivery.lastError ?? 'unknown',
          at: deps.clock.now(),
        });
      } else {
        await repos.notifications.markSent(id, {
          provider,
          providerMessageId: delivery.messageId ?? '',
          at: deps.clock.now(),
        });
      }
    }
  });
  return delivery;
}

/**
 * Runs one queued report run. Any failure ends in the run record (status failed, with the reason);
 * the returned promise only rejects when the config store itself is unreachable.
 */
export async function runReportJob(
  deps: ReportJobDeps,
  tenantId: string,
  runId: string,
): Promise<ReportRunRecord | null> {
  const started = await deps.store.inTenant(tenantId, async (repos) => {
    const run = await repos.reportRuns.get(runId);
    if (run?.status !== 'queued') return null;
    const report = await repos.reports.get(run.reportId);
    if (!report) return null;
    const updated = await repos.reportRuns.update(runId, { status: 'running', startedAt: deps.clock.now() });
    return updated ? { run: updated, report } : null;
  });
  if (!started) return null;
  const { run, report } = started;
  try {
    const data = await collectReportData(
      deps,
      tenantId,
      report,
      { from: run.periodFrom.getTime(), to: run.periodTo.getTime() },
      deps.clock.now().getTime(),
    );
    const branding = (await deps.reports.branding?.(tenantId)) ?? (await tenantBranding(deps, tenantId));
    const rendered = await renderReportFiles(data, report.formats, branding);
    const files: { file: ReportFile; body: Buffer }[] = [];
    for (const [format, body] of rendered) {
      const name = fileNameFor(report, run, format);
      await deps.reports.files.put(reportFileKey(tenantId, run.id, name), body, contentTypeOf(name));
      files.push({ file: { name, format, bytes: body.length }, body });
    }
    await deps.store.inTenant(tenantId, (repos) =>
      repos.reportRuns.update(run.id, { files: files.map((f) => f.file) }),
    );
    const delivery = report.recipients.length > 0 ? await deliver(deps, tenantId, report, run, files) : null;
    return await deps.store.inTenant(tenantId, (repos) =>
      repos.reportRuns.update(run.id, { status: 'succeeded', delivery, finishedAt: deps.clock.now() }),
    );
  } catch (error) {
    return await deps.store.inTenant(tenantId, (repos) =>
      repos.reportRuns.update(run.id, {
        status: 'failed',
        error: errorText(error),
        finishedAt: deps.clock.now(),
      }),
    );
  }
}
