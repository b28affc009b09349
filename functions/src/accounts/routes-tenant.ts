// The caller's tenant: its name and time zone.
import { tenantSchema, updateTenantSchema } from '@plantwatch/shared';
import type { TenantStore } from '../platform/database/tenant-store.ts';
import { routesOn } from '../platform/http/route.ts';
import type { AccountRepositories } from './ports.ts';

export interface TenantRouteDeps {
  store: TenantStore<Pick<AccountRepositories, 'tenant'>>;
}

const { defineRoute } = routesOn<TenantRouteDeps>();

export const tenantRoutes = [
  defineRoute({
    operationId: 'getTenant',
    method: 'GET',
    path: '/v1/tenant',
    summary: "The caller's tenant",
    tag: 'tenant',
    access: 'viewer',
    response: tenantSchema,
    status: 200,
    handle: ({ deps, principal }) => deps.store.inTenant(principal.tenantId, (repos) => repos.tenant.get()),
  }),
  defineRoute({
    operationId: 'updateTenant',
    method: 'PATCH',
    path: '/v1/tenant',
    summary: 'Rename the tenant or change its time zone (owner only)',
    tag: 'tenant',
    access: 'owner',
    body: updateTenantSchema,
    response: tenantSchema,
    status: 200,
    handle: ({ deps, principal, body }) =>
      deps.store.inTenant(principal.tenantId, (repos) => repos.tenant.update(body)),
  }),
];
