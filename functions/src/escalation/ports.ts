// Escalation runs: which chain runs for which alarm event, and how far it got (issue #5): the config
// store's repositories for this area, merged into TenantRepositories so a use-case reaches them
// through `configStore.inTenant(tenantId, (repos) => …)` like the rest.

export const escalationStatuses = ['running', 'stopped', 'finished', 'failed'] as const;
export type EscalationStatus = (typeof escalationStatuses)[number];

/** One escalation chain: the table is the truth about what runs, across restarts and instances. */
export interface EscalationRun {
  id: string;
  tenantId: string;
  /** Named after the alarm event, unique per tenant: a second start of the same event finds this row. */
  executionName: string;
  alarmEventId: string;
  alarmId: string;
  policyId: string;
  status: EscalationStatus;
  /** The round (0 = first pass) and level (0-based) last notified; level null before any. */
  round: number;
  level: number | null;
  lastNotifiedAt: Date | null;
  /** Why it stopped, or what failed (a level's delivery failure is kept here too while it runs). */
  reason: string | null;
  startedAt: Date;
  updatedAt: Date;
  endedAt: Date | null;
}

/** Where an alarm event sits: the rule and the key (limit level or "alarm") of its alarm. */
export interface AlarmEventRef {
  ruleId: string;
  alarmKey: string;
  alarmId: string;
  at: Date;
}

export interface EscalationRepositories {
  escalations: {
    /**
     * Inserts a running chain unless one with the execution name exists: `created` false means it
     * was started before (possibly by another instance, or before a restart) and must not start again.
     */
    insertIfAbsent(run: {
      id: string;
      executionName: string;
      alarmEventId: string;
      alarmId: string;
      policyId: string;
      startedAt: Date;
    }): Promise<{ run: EscalationRun; created: boolean }>;
    get(executionName: string): Promise<EscalationRun | null>;
    /** Running chains of one alarm (the ones an acknowledgement stops). */
    listRunning(filter: { alarmId?: string }): Promise<EscalationRun[]>;
    /** Newest first. */
    list(filter: { alarmId?: string }, limit: number): Promise<EscalationRun[]>;
    /** Records a level as notified; only while running. */
    recordProgress(
      executionName: string,
      progress: { round: number; level: number; at: Date; reason?: string | null },
    ): Promise<EscalationRun | null>;
    /** Ends a running chain (a chain already ended keeps its first outcome); null when none ran. */
    end(
      executionName: string,
      outcome: { status: Exclude<EscalationStatus, 'running'>; reason: string | null; at: Date },
    ): Promise<EscalationRun | null>;
    /** The alarm event's rule and key (it lives in the alarm journal). */
    alarmEvent(alarmEventId: string): Promise<AlarmEventRef | null>;
  };
}

/**
 * The one lookup that crosses tenants: which chains were running when the process stopped, so the
 * local runtime can resume them at start-up (a SECURITY DEFINER function, like the auth lookups).
 */
export interface RunningEscalationsLookup {
  listRunningEscalations(): Promise<{ tenantId: string; executionName: string }[]>;
}
