import { ForbiddenError, type Role, roleAtLeast } from '@plantwatch/shared';
import type { SiteScope } from './database/tenant-store.ts';

/** The sites a user sees whole, and the assets (each with everything under it) seen on other sites. */
export interface AreaScope {
  wholeSiteIds: readonly string[];
  assetIds: readonly string[];
}

/** Who is calling: a signed-in user (session) or a tenant API key. */
export interface Principal {
  tenantId: string;
  role: Role;
  /** null: every site of the tenant. */
  siteIds: SiteScope;
  /**
   * A user limited to areas (ADR 0042): the sites seen whole and the asset subtrees seen; `siteIds`
   * then holds both kinds of site. Absent or null: no area limit (what `siteIds` allows, whole).
   */
  areas?: AreaScope | null | undefined;
  userId: string | null;
  apiKeyId: string | null;
  sessionId: string | null;
}

export function requireRole(principal: Principal, needed: Role): void {
  if (!roleAtLeast(principal.role, needed)) {
    throw new ForbiddenError(`this needs the ${needed} role or higher; you are ${principal.role}`);
  }
}

export function canSeeSite(principal: Principal, siteId: string): boolean {
  return principal.siteIds === null || principal.siteIds.includes(siteId);
}

/** Whether the caller sees the whole of the site (not only some areas of it). */
export function seesWholeSite(principal: Principal, siteId: string): boolean {
  return canSeeSite(principal, siteId) && (!principal.areas || principal.areas.wholeSiteIds.includes(siteId));
}
