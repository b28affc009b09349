// The store side of housekeeping: what the use-case asks of whichever database keeps the rows.

/** What one tenant's cleaning changed. */
export interface HousekeepingCounts {
  sessionsDeleted: number;
  ackTokensDeleted: number;
  reportRunsFailed: number;
  /** Sign-ups never confirmed, removed (the pending owner). */
  signUpsExpired: number;
  /** Of those, tenants removed with them (nobody else was in them). */
  tenantsRemoved: number;
}

export interface HousekeepingCutoffs {
  now: Date;
  /** Sessions that expired, and acknowledgement links that expired or were used, before this go. */
  expiredBefore: Date;
  /** Report runs queued (created) or running (started) before this are failed with `reason`. */
  stuckBefore: Date;
  /**
   * A sign-up never confirmed (a pending owner) made before this, without a verification link still
   * valid at `now`, is removed; with its tenant when nobody else is in it.
   */
  unconfirmedBefore: Date;
  reason: string;
}

/**
 * The store side of housekeeping. `findTenants` is the one cross-tenant read (a SECURITY DEFINER
 * function returning tenant ids only); `cleanTenant` works in that tenant's row-level-security
 * transaction, like every other write.
 */
export interface HousekeepingStore {
  findTenants(cutoffs: HousekeepingCutoffs): Promise<string[]>;
  cleanTenant(tenantId: string, cutoffs: HousekeepingCutoffs): Promise<HousekeepingCounts>;
  /** Deletes the login rate limit counters whose window ended before `now` (no tenant's); how many. */
  purgeRateLimits(cutoffs: HousekeepingCutoffs): Promise<number>;
}
