import { ForbiddenError, type Role, roleAtLeast } from '@plantwatch/shared';
import type { SiteScope } from './database/tenant-store.ts';

/** Who is calling: a signed-in user (session) or a tenant API key. */
export interface Principal {
  tenantId: string;
  role: Role;
  /** null: every site of the tenant. */
  siteIds: SiteScope;
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
