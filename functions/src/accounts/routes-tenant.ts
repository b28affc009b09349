import { tenantSchema, updateTenantSchema } from '@plantwatch/shared';
import { z } from 'zod';
import { defineRoute } from '../platform/http/route.ts';

export const healthSchema = z.object({ status: z.literal('ok'), time: z.string() }).meta({ id: 'Health' });

export const healthRoute = defineRoute({
  operationId: 'getHealth',
  method: 'GET',
  path: '/v1/health',
  summary: 'Liveness; needs no credentials',
  tag: 'system',
  access: 'public',
  response: healthSchema,
  status: 200,
  handle: async ({ deps }) => ({ status: 'ok' as const, time: deps.clock.now().toISOString() }),
});

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
