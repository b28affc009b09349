// The tenant canary's routes: its settings (admin), the run history (viewer), acknowledging a run
// from the web app (operator, like an alarm) and a test page now (admin).
import {
  canaryAckResultSchema,
  canaryRunSchema,
  canaryRunsQuerySchema,
  canarySettingsSchema,
  idSchema,
  updateCanarySettingsSchema,
} from '@plantwatch/shared';
import { z } from 'zod';
import { type Route, routesOn } from '../platform/http/route.ts';
import {
  acknowledgeCanaryAs,
  type CanaryDeps,
  getCanarySettings,
  listCanaryRuns,
  putCanarySettings,
  sendCanaryNow,
} from './settings.ts';

const { defineRoute } = routesOn<CanaryDeps>();

export const canaryRoutes: Route<CanaryDeps>[] = [
  defineRoute({
    operationId: 'getCanarySettings',
    method: 'GET',
    path: '/v1/settings/canary',
    summary:
      'The tenant canary: a scheduled test page to one contact that must be acknowledged in time (switched off until set up)',
    tag: 'notifications',
    access: 'admin',
    response: canarySettingsSchema,
    status: 200,
    handle: ({ deps, principal }) => getCanarySettings(deps, principal),
  }),
  defineRoute({
    operationId: 'updateCanarySettings',
    method: 'PUT',
    path: '/v1/settings/canary',
    summary:
      'Replace the canary settings: contact, time and days in a time zone, minutes to acknowledge, whether admins hear of a miss; 422 names a contact that does not exist or cannot be reached',
    tag: 'notifications',
    access: 'admin',
    body: updateCanarySettingsSchema,
    response: canarySettingsSchema,
    status: 200,
    errors: [422],
    handle: ({ deps, principal, body }) => putCanarySettings(deps, principal, body),
  }),
  defineRoute({
    operationId: 'listCanaryRuns',
    method: 'GET',
    path: '/v1/canary/runs',
    summary:
      'The canary runs, newest first: when, to whom, on which channel, acknowledged by whom and how fast, or missed and why',
    tag: 'notifications',
    access: 'viewer',
    query: canaryRunsQuerySchema,
    response: z.object({ runs: z.array(canaryRunSchema) }),
    status: 200,
    handle: async ({ deps, principal, query }) => ({ runs: await listCanaryRuns(deps, principal, query) }),
  }),
  defineRoute({
    operationId: 'sendCanaryNow',
    method: 'POST',
    path: '/v1/canary/runs',
    summary:
      "Send the canary's test page now (to try the settings); it must be acknowledged in time like a scheduled one",
    tag: 'notifications',
    access: 'admin',
    response: canaryRunSchema,
    status: 201,
    errors: [409, 422],
    handle: ({ deps, principal }) => sendCanaryNow(deps, principal),
  }),
  defineRoute({
    operationId: 'acknowledgeCanaryRun',
    method: 'POST',
    path: '/v1/canary/runs/{runId}/acknowledge',
    summary:
      'Acknowledge a canary test page (as a reply to it would): in time, already, or late (recorded, the run stays missed)',
    tag: 'notifications',
    access: 'operator',
    params: z.object({ runId: idSchema }),
    response: canaryAckResultSchema,
    status: 200,
    errors: [404],
    handle: ({ deps, principal, params }) => acknowledgeCanaryAs(deps, principal, params.runId),
  }),
];
