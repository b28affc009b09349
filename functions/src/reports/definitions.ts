// Scheduled reports (issue #7): definitions, enable/disable, "run now", run history and signed
// download links. A report sees what its owner may see: a site-scoped user can only name, list and
// download reports whose every site is one of theirs.
import {
  type CreateReportSchedule,
  NotFoundError,
  type ReportFileLink,
  type ReportRun,
  type ReportSchedule,
  type UpdateReportSchedule,
} from '@plantwatch/shared';
import type { Clock } from '../platform/clock.ts';
import type { TenantStore } from '../platform/database/tenant-store.ts';
import type { IdGenerator } from '../platform/id-generator.ts';
import { canSeeSite, type Principal } from '../platform/principal.ts';
import type { PlanQuota } from '../usage/ports.ts';
import { contentTypeOf, type ReportDeps, reportFileKey } from './job.ts';
import type { ReportLinkQuery } from './links.ts';
import type {
  ReportActor,
  ReportRecordPatch,
  ReportRunRecord,
  ReportStoreRepositories,
  StoredReport,
} from './ports.ts';
import { newRun } from './scheduler.ts';

/** The ports report definitions, runs and downloads run on. */
export interface ReportUseCaseDeps {
  store: TenantStore<ReportStoreRepositories>;
  clock: Clock;
  ids: IdGenerator;
  reports: ReportDeps;
  /** The tenant's plan limit on report definitions; none: no limit (tests of other parts). */
  planQuota?: PlanQuota;
}

const HISTORY_LIMIT = 100;

function actorOf(principal: Principal): ReportActor {
  if (principal.userId) return { type: 'user', id: principal.userId };
  return { type: 'apiKey', ...(principal.apiKeyId ? { id: principal.apiKeyId } : {}) };
}

const canSeeReport = (principal: Principal, report: StoredReport) =>
  report.scopeSiteIds.every((siteId) => canSeeSite(principal, siteId));

export function toReportView(report: StoredReport): ReportSchedule {
  return {
    id: report.id,
    tenantId: report.tenantId,
    name: report.name,
    scope: report.scope,
    period: report.period,
    bucket: report.bucket,
    metrics: report.metrics,
    sections: report.sections,
    formats: report.formats,
    recipients: report.recipients,
    schedule: report.schedule,
    timeZone: report.timeZone,
    enabled: report.enabled,
    ownerUserId: report.ownerUserId,
    createdBy: report.createdBy,
    createdAt: report.createdAt.toISOString(),
    updatedAt: report.updatedAt.toISOString(),
  };
}

function toRunView(
  run: ReportRunRecord,
  downloads: { runId: string; fileName: string; issuedTo: string; at: Date }[],
): ReportRun {
  return {
    id: run.id,
    reportId: run.reportId,
    trigger: run.trigger,
    requestedBy: run.requestedBy,
    slotAt: run.slotAt?.toISOString() ?? null,
    period: { from: run.periodFrom.toISOString(), to: run.periodTo.toISOString() },
    status: run.status,
    files: run.files,
    delivery: run.delivery,
    error: run.error,
    downloads: downloads
      .filter((d) => d.runId === run.id)
      .map((d) => ({ fileName: d.fileName, issuedTo: d.issuedTo, at: d.at.toISOString() })),
    createdAt: run.createdAt.toISOString(),
    startedAt: run.startedAt?.toISOString() ?? null,
    finishedAt: run.finishedAt?.toISOString() ?? null,
  };
}

/**
 * The sites a scope touches, checking each named site, device, tag and asset exists and the caller may see
 * it (404 otherwise, as for any other id the caller cannot see).
 */
async function scopeSites(
  repos: ReportStoreRepositories,
  principal: Principal,
  scope: StoredReport['scope'],
): Promise<string[]> {
  const sites = new Set<string>();
  for (const siteId of scope.siteIds) {
    const site = await repos.sites.get(siteId);
    if (!site || !canSeeSite(principal, site.id)) throw new NotFoundError(`site ${siteId} not found`);
    sites.add(site.id);
  }
  for (const deviceId of scope.deviceIds) {
    const device = await repos.devices.get(deviceId);
    if (!device || !canSeeSite(principal, device.siteId))
      throw new NotFoundError(`device ${deviceId} not found`);
    sites.add(device.siteId);
  }
  for (const tagId of scope.tagIds) {
    // a derived tag is named by id like a tag (ADR 0053)
    const tag = (await repos.tags.get(tagId)) ?? (await repos.derivedTags.get(tagId));
    if (!tag || !canSeeSite(principal, tag.siteId)) throw new NotFoundError(`tag ${tagId} not found`);
    sites.add(tag.siteId);
  }
  for (const assetId of scope.assetIds) {
    const subtree = await repos.assetSubtrees.of(assetId);
    if (!subtree || !canSeeSite(principal, subtree.siteId))
      throw new NotFoundError(`asset ${assetId} not found`);
    sites.add(subtree.siteId);
  }
  return [...sites].sort();
}

async function visibleReport(
  repos: ReportStoreRepositories,
  principal: Principal,
  id: string,
): Promise<StoredReport> {
  const report = await repos.reports.get(id);
  if (!report || !canSeeReport(principal, report)) throw new NotFoundError('report not found');
  return report;
}

export async function listReports(deps: ReportUseCaseDeps, principal: Principal): Promise<ReportSchedule[]> {
  const reports = await deps.store.inTenant(principal.tenantId, (repos) => repos.reports.list());
  return reports.filter((report) => canSeeReport(principal, report)).map(toReportView);
}

export async function getReport(
  deps: ReportUseCaseDeps,
  principal: Principal,
  id: string,
): Promise<ReportSchedule> {
  return toReportView(
    await deps.store.inTenant(principal.tenantId, (repos) => visibleReport(repos, principal, id)),
  );
}

export async function createReport(
  deps: ReportUseCaseDeps,
  principal: Principal,
  input: CreateReportSchedule,
): Promise<ReportSchedule> {
  await deps.planQuota?.ensureRoom(principal.tenantId, 'reportDefinitions');
  const report = await deps.store.inTenant(principal.tenantId, async (repos) => {
    const scopeSiteIds = await scopeSites(repos, principal, input.scope);
    const tenant = await repos.tenant.get();
    return repos.reports.create({
      id: deps.ids.newId(),
      name: input.name,
      ownerUserId: principal.userId,
      ownerSiteIds: principal.siteIds === null ? null : [...principal.siteIds],
      createdBy: actorOf(principal),
      scope: input.scope,
      scopeSiteIds,
      period: input.period,
      bucket: input.bucket,
      metrics: input.metrics,
      sections: input.sections,
      formats: input.formats,
      recipients: input.recipients,
      schedule: input.schedule,
      timeZone: input.timeZone ?? tenant.timeZone,
      enabled: input.enabled,
      // Counting starts now: a new report waits for its first slot.
      lastSlotAt: deps.clock.now(),
    });
  });
  return toReportView(report);
}

export async function updateReport(
  deps: ReportUseCaseDeps,
  principal: Principal,
  id: string,
  patch: UpdateReportSchedule,
): Promise<ReportSchedule> {
  const report = await deps.store.inTenant(principal.tenantId, async (repos) => {
    const current = await visibleReport(repos, principal, id);
    const changes: ReportRecordPatch = { ...patch };
    if (patch.scope) changes.scopeSiteIds = await scopeSites(repos, principal, patch.scope);
    // A new schedule, zone or re-enabling counts from now, not from slots that passed meanwhile.
    const timingChanged = patch.schedule !== undefined || patch.timeZone !== undefined;
    if (timingChanged || (patch.enabled === true && !current.enabled)) changes.lastSlotAt = deps.clock.now();
    const updated = await repos.reports.update(id, changes);
    if (!updated) throw new NotFoundError('report not found');
    return updated;
  });
  return toReportView(report);
}

export async function setReportEnabled(
  deps: ReportUseCaseDeps,
  principal: Principal,
  id: string,
  enabled: boolean,
): Promise<ReportSchedule> {
  return updateReport(deps, principal, id, { enabled });
}

export async function deleteReport(deps: ReportUseCaseDeps, principal: Principal, id: string): Promise<void> {
  await deps.store.inTenant(principal.tenantId, async (repos) => {
    await visibleReport(repos, principal, id);
    await repos.reports.remove(id);
  });
}

/** "Run now": covers the report's period as of now, delivered like a scheduled run. */
export async function runReportNow(
  deps: ReportUseCaseDeps,
  principal: Principal,
  id: string,
): Promise<ReportRun> {
  const run = await deps.store.inTenant(principal.tenantId, async (repos) => {
    const report = await visibleReport(repos, principal, id);
    const now = deps.clock.now();
    return repos.reportRuns.create(newRun(deps.ids, report, 'manual', actorOf(principal), now, null, now));
  });
  await deps.reports.jobs.enqueue({ tenantId: principal.tenantId, runId: run.id });
  return toRunView(run, []);
}

export async function listReportRuns(
  deps: ReportUseCaseDeps,
  principal: Principal,
  id: string,
): Promise<ReportRun[]> {
  return deps.store.inTenant(principal.tenantId, async (repos) => {
    await visibleReport(repos, principal, id);
    const runs = await repos.reportRuns.list(id, HISTORY_LIMIT);
    const downloads = await repos.reportRuns.downloads(runs.map((run) => run.id));
    return runs.map((run) => toRunView(run, downloads));
  });
}

async function visibleRun(
  repos: ReportStoreRepositories,
  principal: Principal,
  reportId: string,
  runId: string,
) {
  await visibleReport(repos, principal, reportId);
  const run = await repos.reportRuns.get(runId);
  if (!run || run.reportId !== reportId) throw new NotFoundError('report run not found');
  return run;
}

export async function getReportRun(
  deps: ReportUseCaseDeps,
  principal: Principal,
  reportId: string,
  runId: string,
): Promise<ReportRun> {
  return deps.store.inTenant(principal.tenantId, async (repos) => {
    const run = await visibleRun(repos, principal, reportId, runId);
    return toRunView(run, await repos.reportRuns.downloads([run.id]));
  });
}

/** A signed link to one file of a run, issued to the caller, valid for the configured time. */
export async function createReportFileLink(
  deps: ReportUseCaseDeps,
  principal: Principal,
  reportId: string,
  runId: string,
  fileName: string,
): Promise<ReportFileLink> {
  await deps.store.inTenant(principal.tenantId, async (repos) => {
    const run = await visibleRun(repos, principal, reportId, runId);
    if (!run.files.some((file) => file.name === fileName)) throw new NotFoundError('report file not found');
  });
  const expiresAt = deps.clock.now().getTime() + deps.reports.linkTtlMs;
  const query = deps.reports.links.sign({
    tenantId: principal.tenantId,
    runId,
    fileName,
    issuedTo: principal.userId ?? `apiKey:${principal.apiKeyId ?? 'unknown'}`,
    expiresAt,
  });
  return {
    url: `${deps.reports.publicApiUrl().replace(/\/$/, '')}/v1/report-files?${query}`,
    expiresAt: new Date(expiresAt).toISOString(),
  };
}

/** Follows a signed link: checks the signature and expiry, records who downloaded, returns the bytes. */
export async function downloadReportFile(
  deps: ReportUseCaseDeps,
  query: ReportLinkQuery,
  clientIp: string,
): Promise<{ fileName: string; contentType: string; body: Uint8Array }> {
  const claims = deps.reports.links.verify(query, deps.clock.now().getTime());
  const body = await deps.store.inTenant(claims.tenantId, async (repos) => {
    const run = await repos.reportRuns.get(claims.runId);
    if (!run?.files.some((file) => file.name === claims.fileName))
      throw new NotFoundError('report file not found');
    const bytes = await deps.reports.files.get(reportFileKey(claims.tenantId, claims.runId, claims.fileName));
    if (!bytes) throw new NotFoundError('report file not found');
    await repos.reportRuns.recordDownload({
      id: deps.ids.newId(),
      runId: claims.runId,
      fileName: claims.fileName,
      issuedTo: claims.issuedTo,
      clientIp,
      at: deps.clock.now(),
    });
    return bytes;
  });
  return { fileName: claims.fileName, contentType: contentTypeOf(claims.fileName), body };
}
