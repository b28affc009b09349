// The ports retention runs on: its settings and records in the config store, the rows it deletes
// there (alarm journal, message log, report runs, dead letters), and the telemetry store's part.
import type { RetentionDeletion, RetentionKind, RetentionSettings } from '@plantwatch/shared';

export interface RetentionRepositories {
  retention: {
    /** null: the tenant never changed them (the defaults apply). */
    get(): Promise<RetentionSettings | null>;
    put(settings: RetentionSettings, updatedBy: string): Promise<void>;
    lastAppliedOn(): Promise<string | null>;
    markApplied(localDate: string, at: Date): Promise<void>;
    record(deletions: readonly Omit<RetentionDeletion, 'id'>[], ids: () => string): Promise<void>;
    /** Newest first. */
    deletions(limit: number): Promise<RetentionDeletion[]>;
    /** Each deletes the tenant's rows older than `before` and says how many. */
    deleteAlarmEventsBefore(before: Date): Promise<number>;
    deleteMessagesBefore(before: Date): Promise<number>;
    deleteDeadLettersBefore(before: Date): Promise<number>;
    /** Report runs finished (or created) before `before`: deleted, with the keys of their files. */
    deleteReportRunsBefore(before: Date): Promise<{ deleted: number; fileKeys: string[] }>;
  };
}

/** The telemetry store's side: one tenant's rows older than each cutoff (epoch ms), per table. */
export interface TelemetryRetention {
  deleteTenantBefore(
    tenantId: string,
    cutoffs: { rawPoints: number; rollupsMinute: number; rollupsHour: number },
  ): Promise<{ rawPoints: number; rollupsMinute: number; rollupsHour: number }>;
}

export type { RetentionKind };
