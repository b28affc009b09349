// The ports the alarms run on: the evaluator ingest hands batches to, the escalation starter they
// hand raised alarms to, and their repositories.
import type { AlarmEvent, AlarmRule, Quality, TelemetryValue } from '@plantwatch/shared';
import type { SiteScope } from '../platform/database/tenant-store.ts';

/**
 * Ingest hands every stored batch to the alarm evaluator (the alarms issue fills it in; until then a
 * no-op). A batch may be handed over again after a redelivery, so evaluation must be idempotent.
 */
/** A stored point as the alarms see it: ingest has resolved which tag and device it belongs to. */
export interface AlarmPoint {
  tagId: string;
  deviceId: string;
  ts: number;
  value: TelemetryValue;
  quality: Quality;
}

export interface AlarmEvaluator {
  evaluate(batch: {
    tenantId: string;
    siteId: string;
    gatewayId: string;
    points: readonly AlarmPoint[];
  }): Promise<void>;
  /**
   * The gateway's retained status topic said online or offline (the Last Will). `at` is when the
   * broker received it. May be handed over again, and out of order: an older status changes nothing.
   */
  gatewayStatus(change: {
    tenantId: string;
    siteId: string;
    gatewayId: string;
    online: boolean;
    at: number;
    /** When its buffer last dropped points (broker's clock): the gateway alarm holds a while after. */
    droppedAt?: number | undefined;
  }): Promise<void>;
}

export const noAlarmEvaluation: AlarmEvaluator = {
  evaluate: async () => undefined,
  gatewayStatus: async () => undefined,
};

/** Starts and stops escalation chains: Step Functions on AWS, the same ASL run in process locally. */
export interface EscalationStarter {
  /**
   * Idempotent: the execution is named after the alarm event, so a redelivered event finds the
   * running chain (`alreadyStarted: true`) instead of paging everyone a second time.
   */
  start(request: {
    tenantId: string;
    alarmEventId: string;
    alarmId: string;
    policyId: string;
  }): Promise<{ executionName: string; alreadyStarted: boolean }>;
  /**
   * Stops every running chain of the alarm, e.g. once it is acknowledged (from any channel);
   * stopping when none runs is not an error.
   */
  stop(request: { tenantId: string; alarmId: string; reason: string }): Promise<void>;
}

/** A rule as stored: everything but the tenant and the timestamps the store keeps. */
export type AlarmRuleRecord = Omit<AlarmRule, 'tenantId' | 'createdAt' | 'updatedAt'>;

/**
 * The alarm engine's state of one rule. The store keeps it as opaque JSON; the engine's own schema
 * (functions/src/alarms/state.ts) checks it when it is read back.
 */
export interface AlarmStateRecord {
  ruleId: string;
  state: unknown;
  /** Bumped by every write (see putIfCurrent). */
  version: number;
  updatedAt: Date;
}

/** A chain to start for a raised alarm, or to stop for an acknowledged (shelved, removed) one. */
export interface EscalationIntentInput {
  kind: 'start' | 'stop';
  ruleId: string;
  alarmId: string;
  alarmEventId: string;
  /** start: the policy to run. */
  policyId: string | null;
  /** stop: why (acknowledged by whom, through which channel). */
  reason: string | null;
  /**
   * The correlation id of the work that wrote it (the telemetry batch, the check pass): delivering
   * it, now or by the re-drive, runs in that id, so the chain's log lines and traces carry it.
   */
  correlationId?: string | null;
}

export const escalationIntentStates = ['pending', 'started', 'failed'] as const;
export type EscalationIntentState = (typeof escalationIntentStates)[number];

/** An intent as stored: delivered to the escalation starter after commit, re-driven until it is. */
export interface EscalationIntent extends EscalationIntentInput {
  id: string;
  tenantId: string;
  /** The order of one alarm's intents: a stop is never delivered before its start. */
  seq: number;
  state: EscalationIntentState;
  attempts: number;
  nextAttemptAt: Date;
  lastError: string | null;
  createdAt: Date;
  deliveredAt: Date | null;
}

/** Rules, their engine states, the journal and the escalation intents. */
export interface AlarmRepositories extends EscalationIntentRepositories {
  alarmRules: {
    /** Ordered by creation; `tagIds` keeps only rules watching those tags. */
    list(filter: { siteId?: string; tagIds?: readonly string[]; scope: SiteScope }): Promise<AlarmRule[]>;
    /**
     * Changes whenever a rule of the site is added, changed or removed: whoever keeps the site's
     * rules in memory asks this (one small query) instead of reading them all again.
     */
    fingerprint(siteId: string): Promise<string>;
    get(id: string): Promise<AlarmRule | null>;
    create(rule: AlarmRuleRecord): Promise<AlarmRule>;
    /** Replaces the rule's settings whole; what it watches (site, tag, kind) never changes. */
    replace(rule: AlarmRuleRecord): Promise<AlarmRule | null>;
    remove(id: string): Promise<boolean>;
  };
  alarmStates: {
    /** The states of the given rules that have one (a rule never evaluated has none). */
    list(ruleIds: readonly string[]): Promise<AlarmStateRecord[]>;
    /**
     * Locks the rules (their rows, in id order) until the transaction ends: whoever reads, evaluates
     * and writes a rule's state holds this first, so two instances never both act on the same state.
     */
    lock(ruleIds: readonly string[]): Promise<void>;
    /** Writes the states (under the rules' lock); returns each one's new version. */
    putMany(entries: readonly { ruleId: string; state: unknown }[], at: Date): Promise<Map<string, number>>;
    /**
     * Writes each state only where its stored version is still `version` and its rule's updatedAt is
     * still `ruleUpdatedAt` (ISO, as the rule was read), without a lock: for an instance that
     * evaluated from states it keeps in memory. Returns the rules written, with their new versions;
     * a rule left out was changed by someone else meanwhile and must be evaluated again under lock.
     */
    putIfCurrent(
      entries: readonly { ruleId: string; state: unknown; version: number; ruleUpdatedAt: string }[],
      at: Date,
    ): Promise<Map<string, number>>;
  };
  alarmEvents: {
    insert(events: readonly (AlarmEvent & { alarmKey: string })[]): Promise<void>;
    /** Newest first. */
    list(filter: { ruleId: string }, limit: number): Promise<AlarmEvent[]>;
    /** When the alarm last had an entry of one of these kinds (null: never). */
    lastAt(alarmId: string, kinds: readonly AlarmEvent['kind'][]): Promise<Date | null>;
    /** The alarms (ids) with a journal entry at or after `from` and before `to`. */
    alarmIdsBetween(range: { from: Date; to: Date }): Promise<string[]>;
    /** Per alarm of these rules: when it last had an entry of this kind (alarms without one are absent). */
    lastAtByAlarm(filter: {
      ruleIds: readonly string[];
      kind: AlarmEvent['kind'];
    }): Promise<Map<string, Date>>;
  };
}

export interface EscalationIntentRepositories {
  escalationIntents: {
    insert(intents: readonly (EscalationIntentInput & { id: string; at: Date })[]): Promise<void>;
    /**
     * Claims the intents due at `now` that are first in line for their alarm (no earlier one of the
     * same alarm still pending), at most `limit`, oldest first: each gets one more attempt and is not
     * due again before `now + leaseMs`, so another instance does not deliver it meanwhile.
     */
    claimDue(claim: { now: Date; leaseMs: number; limit: number }): Promise<EscalationIntent[]>;
    /** Delivered: the chain was started (or found running), or stopped. */
    markStarted(id: string, at: Date): Promise<void>;
    /** Not delivered: try again at `retryAt`, or give up (`retryAt` null: failed for good). */
    markUndelivered(id: string, update: { at: Date; error: string; retryAt: Date | null }): Promise<void>;
    /** Newest first: the chains of a rule's alarms. */
    listForRule(ruleId: string, limit: number): Promise<EscalationIntent[]>;
  };
}

export interface AlarmLookups {
  /**
   * The tenants whose alarms time alone can change (communication-loss rules, on/off delays, a
   * shelving that expires): the periodic alarm check visits only these. Crosses tenants through one
   * SECURITY DEFINER function that returns tenant ids and nothing else.
   */
  findTenantsWithAlarmTimers(): Promise<string[]>;
  /** The tenants with escalation intents due for delivery (the re-drive visits only these). */
  findTenantsWithDueEscalationIntents(): Promise<string[]>;
  /** Across tenants, counts only: what the health check and the metrics report. */
  escalationIntentSummary(): Promise<{ pending: number; failed: number; oldestPendingAt: Date | null }>;
}

/**
 * What sits under an asset of the hierarchy (issue 21): the tags its measurements read and the rules
 * made for it, for the alarm list's assetId filter. Null when there is no such asset.
 */
export interface AssetScopeRepositories {
  assetScopes: {
    under(assetId: string): Promise<{ siteId: string; tagIds: string[]; ruleIds: string[] } | null>;
  };
}
