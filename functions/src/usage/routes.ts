// Plans and usage over HTTP: the catalogue, and the tenant's plan and usage by month (the usage page;
// a billing system reads the same with an admin API key).
import { planListSchema, usageQuerySchema, usageSchema } from '@plantwatch/shared';
import { routesOn } from '../platform/http/route.ts';
import { getUsage, listPlans, type UsageDeps } from './usage.ts';

const { defineRoute } = routesOn<UsageDeps>();

export const usageRoutes = [
  defineRoute({
    operationId: 'listPlans',
    method: 'GET',
    path: '/v1/plans',
    summary: 'The plan catalogue and what each plan allows (null: no limit)',
    tag: 'plans',
    access: 'viewer',
    response: planListSchema,
    status: 200,
    handle: async ({ deps, principal }) => ({ plans: await listPlans(deps, principal) }),
  }),
  defineRoute({
    operationId: 'getUsage',
    method: 'GET',
    path: '/v1/usage',
    summary:
      "The tenant's plan, its limits in force, what is used now, and one usage record per day of the month (UTC)",
    tag: 'plans',
    access: 'admin',
    query: usageQuerySchema,
    response: usageSchema,
    status: 200,
    handle: ({ deps, principal, query }) => getUsage(deps, principal, query.month),
  }),
];
