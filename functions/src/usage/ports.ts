// The ports plans and usage run on: the tenant's plan, the quota check the creating use-cases call
// inside their own transaction, the daily usage records, and the one cross-tenant list of tenants.
import type { Plan, TenantPlan, UsageDay } from '@plantwatch/shared';

/** What a plan counts as configured at once (the rest are rates: per day, per month). */
export type CountedResource = 'tags' | 'gateways' | 'users' | 'reportDefinitions';

/** Called by a use-case that creates something a plan counts, in the same transaction as the insert. */
export interface QuotaRepositories {
  planQuota: {
    /**
     * Serialises the tenant's creations for the rest of the transaction and throws PlanLimitError
     * when `adding` more of `resource` would pass the tenant's limit.
     */
    ensureRoom(resource: CountedResource, adding?: number): Promise<void>;
  };
}

/**
 * The same check for a use-case whose transaction cannot reach the quota repository: run just before
 * it, in a transaction of its own (so two creations at the same instant may both pass at the limit).
 */
export interface PlanQuota {
  ensureRoom(tenantId: string, resource: CountedResource, adding?: number): Promise<void>;
}

export interface ResourceCounts {
  tags: number;
  gateways: number;
  users: number;
  reportDefinitions: number;
}

export interface MessagingCounts {
  sms: number;
  voiceCalls: number;
}

export interface UsageRepositories extends QuotaRepositories {
  tenantPlan: {
    /** The tenant's plan and overrides; the unlimited plan for a tenant that has none recorded. */
    get(): Promise<TenantPlan>;
    set(change: {
      planId: string;
      overrides: TenantPlan['overrides'];
      changedBy: string;
      at: Date;
    }): Promise<TenantPlan>;
  };
  plans: {
    list(): Promise<Plan[]>;
  };
  usage: {
    /** Adds to a day's point counters; returns the day's stored points after the addition. */
    addPoints(day: string, stored: number, refused: number): Promise<number>;
    pointsOn(day: string): Promise<number>;
    /** Writes the day's counts (and the day's SMS and calls from the message log) into its record. */
    snapshot(day: string, counts: ResourceCounts & MessagingCounts & { storageBytes: number }): Promise<void>;
    /** Writes a day's SMS and calls (from the message log) into its record. */
    setMessaging(day: string, counts: MessagingCounts): Promise<void>;
    /** The records of the days from `from` to `to` (inclusive, YYYY-MM-DD), oldest first. */
    days(from: string, to: string): Promise<UsageDay[]>;
    /** Points stored since `from` (inclusive): what the telemetry store still holds, roughly. */
    pointsSince(from: string): Promise<number>;
    counts(): Promise<ResourceCounts>;
    /** SMS (and WhatsApp) messages and voice calls sent in [from, to), from the message log. */
    messaging(from: Date, to: Date): Promise<MessagingCounts>;
    /**
     * Records that the admins were told this month's messaging allowance ran out; false when they
     * already were this month (the notice goes once a month).
     */
    claimMessagingNotice(day: string, monthStart: string, at: Date): Promise<boolean>;
  };
}

/** The daily snapshot runs over every tenant: the one read that crosses tenants (tenant ids only). */
export interface UsageLookups {
  tenantIdsForUsage(): Promise<string[]>;
}
