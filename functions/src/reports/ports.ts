// Report definitions and runs (issue #7): the config store's repositories for this area, merged into TenantRepositories so a
// use-case reaches them through `configStore.inTenant(tenantId, (repos) => …)` like the rest.
import type {
  AlarmEvent,
  ReportDelivery,
  ReportFile,
  ReportRun,
  ReportSchedule,
  ReportScheduleTiming,
} from '@plantwatch/shared';
import type { AccountRepositories } from '../accounts/ports.ts';
import type { AlarmKpiRepositories } from '../alarms/kpi-ports.ts';
import type { AlarmRepositories } from '../alarms/ports.ts';
import type { DerivedTagRepositories } from '../derived-tags/ports.ts';
import type { NotifyRepositories } from '../notify/repositories.ts';
import type { PlantRepositories } from '../plant/ports.ts';
import type { AssetSubtreeRepositories } from '../telemetry/ports.ts';
import type { LogoRepositories } from './logo-store.ts';

/** Who did something, as run history shows it. */
export interface ReportActor {
  type: string;
  id?: string;
  name?: string;
}

/** A definition as stored: the API's view plus what only the server needs. */
export interface ReportRecord extends Omit<ReportSchedule, 'tenantId' | 'createdAt' | 'updatedAt'> {
  /** The owner's sites when the report was last saved; null: every site. */
  ownerSiteIds: string[] | null;
  /** Every site the scope touches. */
  scopeSiteIds: string[];
  /** The last schedule slot already handled (the missed-run rule counts from here). */
  lastSlotAt: Date;
}

export interface StoredReport extends ReportRecord {
  tenantId: string;
  createdAt: Date;
  updatedAt: Date;
}

export interface ReportRunRecord {
  id: string;
  reportId: string;
  trigger: ReportRun['trigger'];
  requestedBy: ReportActor;
  slotAt: Date | null;
  periodFrom: Date;
  periodTo: Date;
  status: ReportRun['status'];
  files: ReportFile[];
  delivery: ReportDelivery | null;
  error: string | null;
  createdAt: Date;
  startedAt: Date | null;
  finishedAt: Date | null;
}

export interface ReportDownloadRecord {
  id: string;
  runId: string;
  fileName: string;
  issuedTo: string;
  clientIp: string;
  at: Date;
}

export type ReportRecordPatch = Partial<
  Pick<
    ReportRecord,
    | 'name'
    | 'scope'
    | 'period'
    | 'bucket'
    | 'metrics'
    | 'sections'
    | 'formats'
    | 'recipients'
    | 'schedule'
    | 'timeZone'
    | 'enabled'
    | 'ownerSiteIds'
    | 'scopeSiteIds'
    | 'lastSlotAt'
  >
>;

export interface ReportRepositories {
  reports: {
    /** Ordered by name, then id. */
    list(): Promise<StoredReport[]>;
    get(id: string): Promise<StoredReport | null>;
    create(report: ReportRecord): Promise<StoredReport>;
    update(id: string, patch: ReportRecordPatch): Promise<StoredReport | null>;
    remove(id: string): Promise<boolean>;
    /**
     * Moves the report's last handled slot from `expected` to `slot`, only if nobody moved it first
     * (two scheduler instances, or a tick overlapping a slow one): true when this caller won the slot.
     */
    claimSlot(id: string, expected: Date, slot: Date): Promise<boolean>;
  };
  reportRuns: {
    /** Newest first. */
    list(reportId: string, limit: number): Promise<ReportRunRecord[]>;
    get(id: string): Promise<ReportRunRecord | null>;
    create(run: ReportRunRecord): Promise<ReportRunRecord>;
    update(
      id: string,
      patch: Partial<
        Pick<ReportRunRecord, 'status' | 'files' | 'delivery' | 'error' | 'startedAt' | 'finishedAt'>
      >,
    ): Promise<ReportRunRecord | null>;
    recordDownload(download: ReportDownloadRecord): Promise<void>;
    downloads(runIds: readonly string[]): Promise<ReportDownloadRecord[]>;
  };
  reportAlarmEvents: {
    /** The alarm journal of `siteIds` in [from, to), oldest first, at most `limit` events. */
    list(
      filter: { siteIds: readonly string[]; from: Date; to: Date },
      limit: number,
    ): Promise<(AlarmEvent & { alarmKey: string })[]>;
  };
}

/** An enabled report as the scheduler sees it, across tenants. */
export interface ScheduledReportRef {
  tenantId: string;
  reportId: string;
  schedule: ReportScheduleTiming;
  timeZone: string;
  lastSlotAt: Date;
}

/** The one cross-tenant read the scheduler needs: which reports are enabled, and when they last ran. */
export interface ReportScheduleIndex {
  listEnabled(): Promise<ScheduledReportRef[]>;
}

/** Where report files live: DATA_DIR locally, S3 on AWS. Keys are `<tenantId>/<runId>/<file name>`. */
export interface ReportFileStorage {
  put(key: string, body: Uint8Array, contentType: string): Promise<void>;
  /** null when there is no such file. */
  get(key: string): Promise<Uint8Array | null>;
  /** Deletes the file (retention); a file already gone is no error. */
  remove(key: string): Promise<void>;
}

export interface ReportMail {
  to: readonly string[];
  subject: string;
  text: string;
  html: string;
  attachments: readonly { filename: string; content: Uint8Array; contentType: string }[];
}

/** Sends a report e-mail: SMTP, SES, or the local outbox when no mail server is configured. */
export interface ReportMailer {
  readonly transport: 'smtp' | 'ses' | 'outbox';
  /** Resolves once the server (or the outbox) took the message; rejects when it did not. */
  send(mail: ReportMail): Promise<{ messageId: string }>;
}

/** Hands a queued run to whatever generates it: in process locally, a worker Lambda on AWS. */
export interface ReportJobQueue {
  enqueue(job: { tenantId: string; runId: string }): Promise<void>;
}

/** What the reports reach: their own tables and the tenant's logo, and what a report shows and mails. */
export type ReportStoreRepositories = ReportRepositories &
  LogoRepositories &
  Pick<AccountRepositories, 'tenant' | 'users'> &
  Pick<PlantRepositories, 'sites' | 'devices' | 'tags'> &
  DerivedTagRepositories &
  Pick<AlarmRepositories, 'alarmRules'> &
  AlarmKpiRepositories &
  Pick<NotifyRepositories, 'notifications'> &
  AssetSubtreeRepositories;
