// The ports derived tags run on: their rows in the config store.
import type { DerivedTag, DerivedTagInput } from '@plantwatch/shared';
import type { SiteScope } from '../platform/database/tenant-store.ts';

/** A derived tag as stored: everything but the tenant and the timestamps the store keeps. */
export interface DerivedTagRecord {
  id: string;
  siteId: string;
  key: string;
  name: string;
  description: string;
  formula: string;
  unit: string;
  inputs: DerivedTagInput[];
  periodSeconds: number | null;
  staleAfterSeconds: number | null;
}

export interface DerivedTagRepositories {
  derivedTags: {
    /** Ordered by site and key. */
    list(filter: { siteId?: string; scope: SiteScope }): Promise<DerivedTag[]>;
    get(id: string): Promise<DerivedTag | null>;
    /** Throws the store's unique violation when the site already has the key. */
    create(tag: DerivedTagRecord): Promise<DerivedTag>;
    replace(tag: DerivedTagRecord): Promise<DerivedTag | null>;
    remove(id: string): Promise<boolean>;
    /** ADR 0051: the tenant's derived tags that have an evaluation period, of every site. */
    listPeriodic(): Promise<DerivedTag[]>;
    /** Changes whenever a derived tag of the site is added, changed or removed (see the alarm rules'). */
    fingerprint(siteId: string): Promise<string>;
  };
}

/** The timer's cross-tenant lookup (ADR 0051): which tenants have derived tags with a period. */
export interface PeriodicDerivedTagLookups {
  findTenantsWithPeriodicDerivedTags(): Promise<string[]>;
}
