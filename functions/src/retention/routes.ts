// Retention settings and what the nightly runs deleted.
import { retentionDeletionSchema, retentionSchema, retentionSettingsSchema } from '@plantwatch/shared';
import { z } from 'zod';
import { type Route, routesOn } from '../platform/http/route.ts';
import { getRetention, listRetentionDeletions, putRetention, type RetentionDeps } from './retention.ts';

const { defineRoute } = routesOn<RetentionDeps>();

export const retentionRoutes: Route<RetentionDeps>[] = [
  defineRoute({
    operationId: 'getRetention',
    method: 'GET',
    path: '/v1/retention',
    summary: "How many days each kind of data is kept, and the plan's maximum",
    tag: 'tenant',
    access: 'viewer',
    response: retentionSchema,
    status: 200,
    handle: ({ deps, principal }) => getRetention(deps, principal),
  }),
  defineRoute({
    operationId: 'putRetention',
    method: 'PUT',
    path: '/v1/retention',
    summary: "Sets every retention (days); 422 names a setting over the plan's maximum (admin)",
    tag: 'tenant',
    access: 'admin',
    body: retentionSettingsSchema,
    response: retentionSchema,
    status: 200,
    errors: [422],
    handle: ({ deps, principal, body }) => putRetention(deps, principal, body),
  }),
  defineRoute({
    operationId: 'listRetentionDeletions',
    method: 'GET',
    path: '/v1/retention/deletions',
    summary: 'What the nightly retention runs deleted, kind by kind, newest first',
    tag: 'tenant',
    access: 'viewer',
    query: z.strictObject({ limit: z.coerce.number().int().min(1).max(500).default(100) }),
    response: z.object({ items: z.array(retentionDeletionSchema) }),
    status: 200,
    handle: async ({ deps, principal, query }) => ({
      items: await listRetentionDeletions(deps, principal, query.limit),
    }),
  }),
];
