// The tenant canary's repositories (merged into the config store's tenant transaction like every
// capability's) and its one cross-tenant lookup.
import type {
  CanaryAckChannel,
  CanaryRunStatus,
  CanaryRunTrigger,
  ContactChannelType,
} from '@plantwatch/shared';

export interface CanarySettingsRecord {
  enabled: boolean;
  contactId: string;
  /** HH:MM in timeZone. */
  at: string;
  /** 0 Sunday … 6 Saturday. */
  days: number[];
  timeZone: string;
  ackWithinMinutes: number;
  notifyAdmins: boolean;
  /** The newest slot already handled (or when the schedule was saved). */
  lastSlotAt: Date;
  /** The next slot; null while switched off. */
  nextDueAt: Date | null;
  updatedAt: Date;
}

export interface CanaryRunRecord {
  id: string;
  tenantId: string;
  slotAt: Date;
  trigger: CanaryRunTrigger;
  contactId: string;
  contactName: string;
  status: CanaryRunStatus;
  attempts: number;
  nextAttemptAt: Date;
  lastError: string | null;
  channel: ContactChannelType | null;
  recipient: string | null;
  notificationId: string | null;
  sentAt: Date | null;
  dueBy: Date;
  acknowledgedAt: Date | null;
  acknowledgedBy: string | null;
  acknowledgedVia: CanaryAckChannel | null;
  missedReason: string | null;
  adminNotice: string | null;
  createdAt: Date;
}

export type NewCanaryRun = Pick<
  CanaryRunRecord,
  'id' | 'slotAt' | 'trigger' | 'contactId' | 'contactName' | 'dueBy' | 'nextAttemptAt' | 'createdAt'
>;

export interface CanaryRepositories {
  canarySettings: {
    get(): Promise<CanarySettingsRecord | null>;
    put(settings: Omit<CanarySettingsRecord, 'updatedAt'>, at: Date): Promise<CanarySettingsRecord>;
    /**
     * Compare-and-set of the schedule's progress: moves lastSlotAt from `expected` to `slot` (and sets
     * nextDueAt) only if nobody moved it first. True for exactly one of two instances claiming a slot.
     */
    advance(expected: Date, next: { lastSlotAt: Date; nextDueAt: Date | null }, at: Date): Promise<boolean>;
  };
  canaryRuns: {
    /** Inserts the run unless its (trigger, slot) exists: null when another instance had it. */
    insertIfAbsent(run: NewCanaryRun): Promise<CanaryRunRecord | null>;
    get(id: string): Promise<CanaryRunRecord | null>;
    /** Newest first. */
    list(filter: { status?: CanaryRunStatus; limit: number }): Promise<CanaryRunRecord[]>;
    /** Pending runs whose next attempt is due (and whose deadline has not passed), oldest first. */
    listDueForSending(now: Date, limit: number): Promise<CanaryRunRecord[]>;
    /** Pending or sent runs whose deadline has passed. */
    listOverdue(now: Date, limit: number): Promise<CanaryRunRecord[]>;
    /**
     * Takes a pending run for one send attempt: counts the attempt and holds it for `leaseMs` (another
     * instance does not send it meanwhile). Null when it is not pending or not due any more.
     */
    claimAttempt(id: string, now: Date, leaseMs: number): Promise<CanaryRunRecord | null>;
    markSent(
      id: string,
      sent: { channel: ContactChannelType; recipient: string; notificationId: string | null; at: Date },
    ): Promise<CanaryRunRecord | null>;
    /** A failed attempt: the error, and when to try again (the run stays pending). */
    markAttemptFailed(id: string, failed: { error: string; retryAt: Date; at: Date }): Promise<void>;
    /**
     * Acknowledged in time: only a pending or sent run before its deadline. Null otherwise (the
     * caller reads the run to say why).
     */
    acknowledge(
      id: string,
      ack: { at: Date; by: string; via: CanaryAckChannel },
    ): Promise<CanaryRunRecord | null>;
    /** An acknowledgement too late (after the deadline, or of a missed run): recorded once, status as it is. */
    recordLateAck(
      id: string,
      ack: { at: Date; by: string; via: CanaryAckChannel },
    ): Promise<CanaryRunRecord | null>;
    /** Pending or sent → missed, once: null for the instance that lost the race. */
    markMissed(id: string, missed: { reason: string; at: Date }): Promise<CanaryRunRecord | null>;
    setAdminNotice(id: string, notice: string, at: Date): Promise<void>;
  };
}

/** The one lookup that crosses tenants: who has canary work due (a SECURITY DEFINER function). */
export interface CanaryLookups {
  findTenantsWithCanaryWork(now: Date): Promise<string[]>;
}
