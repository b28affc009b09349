// Operating-curve templates (issue 17, ADR 0048): /v1/alarm-curves, a tenant's named X-vs-Y curves.
import {
  alarmCurveSchema,
  createAlarmCurveSchema,
  idSchema,
  updateAlarmCurveSchema,
} from '@plantwatch/shared';
import { z } from 'zod';
import { type Route, routesOn } from '../platform/http/route.ts';
import {
  type AlarmCurveDeps,
  createAlarmCurve,
  deleteAlarmCurve,
  getAlarmCurve,
  listAlarmCurves,
  updateAlarmCurve,
} from './curves.ts';

const { defineRoute } = routesOn<AlarmCurveDeps>();
const params = z.strictObject({ curveId: idSchema });

export const alarmCurveRoutes: Route<AlarmCurveDeps>[] = [
  defineRoute({
    operationId: 'listAlarmCurves',
    method: 'GET',
    path: '/v1/alarm-curves',
    summary: "The tenant's operating-curve templates, by name",
    tag: 'alarms',
    access: 'viewer',
    response: z.object({ items: z.array(alarmCurveSchema) }),
    status: 200,
    handle: async ({ deps, principal }) => ({ items: await listAlarmCurves(deps, principal) }),
  }),
  defineRoute({
    operationId: 'createAlarmCurve',
    method: 'POST',
    path: '/v1/alarm-curves',
    summary:
      'An operating-curve template: 2 to 100 points [x, y], x strictly increasing (422 naming the point otherwise)',
    tag: 'alarms',
    access: 'engineer',
    body: createAlarmCurveSchema,
    response: alarmCurveSchema,
    status: 201,
    errors: [409, 422],
    handle: ({ deps, principal, body }) => createAlarmCurve(deps, principal, body),
  }),
  defineRoute({
    operationId: 'getAlarmCurve',
    method: 'GET',
    path: '/v1/alarm-curves/{curveId}',
    summary: 'One operating-curve template',
    tag: 'alarms',
    access: 'viewer',
    params,
    response: alarmCurveSchema,
    status: 200,
    errors: [404],
    handle: ({ deps, principal, params: p }) => getAlarmCurve(deps, principal, p.curveId),
  }),
  defineRoute({
    operationId: 'updateAlarmCurve',
    method: 'PATCH',
    path: '/v1/alarm-curves/{curveId}',
    summary: 'Changes a template; new points are carried to every curve rule made from it',
    tag: 'alarms',
    access: 'engineer',
    params,
    body: updateAlarmCurveSchema,
    response: alarmCurveSchema,
    status: 200,
    errors: [404, 409, 422],
    handle: ({ deps, principal, params: p, body }) => updateAlarmCurve(deps, principal, p.curveId, body),
  }),
  defineRoute({
    operationId: 'deleteAlarmCurve',
    method: 'DELETE',
    path: '/v1/alarm-curves/{curveId}',
    summary: 'Deletes a template no rule uses (409 naming the rules that do)',
    tag: 'alarms',
    access: 'engineer',
    params,
    status: 204,
    errors: [404, 409],
    handle: async ({ deps, principal, params: p }) => {
      await deleteAlarmCurve(deps, principal, p.curveId);
      return undefined;
    },
  }),
];
