// The plan's limits on what is configured at once, for use-cases that check them before their own
// transaction (plant, reports): the tenant's plan and count read in a transaction of their own.
import type { TenantStore } from '../platform/database/tenant-store.ts';
import type { PlanQuota, QuotaRepositories } from './ports.ts';

export function createPlanQuota(store: TenantStore<QuotaRepositories>): PlanQuota {
  return {
    ensureRoom: (tenantId, resource, adding = 1) =>
      store.inTenant(tenantId, (repos) => repos.planQuota.ensureRoom(resource, adding)),
  };
}
