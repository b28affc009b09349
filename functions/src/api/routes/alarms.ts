// Alarm rules CRUD, the current alarms, acknowledgement and the alarm journal (issue #5).
import {
  acknowledgeAlarmSchema,
  alarmEventSchema,
  alarmRuleSchema,
  alarmSchema,
  createAlarmRuleSchema,
  idSchema,
  updateAlarmRuleSchema,
} from '@plantwatch/shared';
import { z } from 'zod';
import * as alarms from '../../use-cases/alarms.ts';
import { defineRoute, type Route } from '../route.ts';

const ruleParams = z.object({ ruleId: idSchema });
const siteFilter = z.object({ siteId: idSchema.optional() });

export const alarmRoutes: Route[] = [
  defineRoute({
    operationId: 'listAlarmRules',
    method: 'GET',
    path: '/v1/alarm-rules',
    summary: 'The alarm rules the caller may see',
    tag: 'alarms',
    access: 'viewer',
    query: siteFilter,
    response: z.object({ alarmRules: z.array(alarmRuleSchema) }),
    status: 200,
    errors: [404],
    handle: async ({ deps, principal, query }) => ({
      alarmRules: await alarms.listAlarmRules(deps, principal, query),
    }),
  }),
  defineRoute({
    operationId: 'createAlarmRule',
    method: 'POST',
    path: '/v1/alarm-rules',
    summary: 'Create an alarm rule on a tag, device or gateway',
    tag: 'alarms',
    access: 'engineer',
    body: createAlarmRuleSchema,
    response: alarmRuleSchema,
    status: 201,
    errors: [404, 422],
    handle: ({ deps, principal, body }) => alarms.createAlarmRule(deps, principal, body),
  }),
  defineRoute({
    operationId: 'getAlarmRule',
    method: 'GET',
    path: '/v1/alarm-rules/{ruleId}',
    summary: 'One alarm rule',
    tag: 'alarms',
    access: 'viewer',
    params: ruleParams,
    response: alarmRuleSchema,
    status: 200,
    errors: [404],
    handle: ({ deps, principal, params }) => alarms.getAlarmRule(deps, principal, params.ruleId),
  }),
  defineRoute({
    operationId: 'updateAlarmRule',
    method: 'PATCH',
    path: '/v1/alarm-rules/{ruleId}',
    summary: 'Change an alarm rule (its kind and what it watches are fixed)',
    tag: 'alarms',
    access: 'engineer',
    params: ruleParams,
    body: updateAlarmRuleSchema,
    response: alarmRuleSchema,
    status: 200,
    errors: [404, 422],
    handle: ({ deps, principal, params, body }) =>
      alarms.updateAlarmRule(deps, principal, params.ruleId, body),
  }),
  defineRoute({
    operationId: 'deleteAlarmRule',
    method: 'DELETE',
    path: '/v1/alarm-rules/{ruleId}',
    summary: 'Delete an alarm rule with its state and journal',
    tag: 'alarms',
    access: 'engineer',
    params: ruleParams,
    status: 204,
    errors: [404],
    handle: async ({ deps, principal, params }) => {
      await alarms.deleteAlarmRule(deps, principal, params.ruleId);
      return undefined;
    },
  }),
  defineRoute({
    operationId: 'listAlarms',
    method: 'GET',
    path: '/v1/alarms',
    summary: 'Current alarms: by default those not back to normal and acknowledged',
    tag: 'alarms',
    access: 'viewer',
    query: siteFilter.extend({ status: z.enum(['active', 'all']).default('active') }),
    response: z.object({ alarms: z.array(alarmSchema) }),
    status: 200,
    errors: [404],
    handle: async ({ deps, principal, query }) => ({
      alarms: await alarms.listAlarms(deps, principal, query),
    }),
  }),
  defineRoute({
    operationId: 'acknowledgeAlarm',
    method: 'POST',
    path: '/v1/alarms/{ruleId}/acknowledge',
    summary: "Acknowledge a rule's unacknowledged alarms; acknowledging again records nothing",
    tag: 'alarms',
    access: 'operator',
    params: ruleParams,
    body: acknowledgeAlarmSchema,
    response: z.object({ alarms: z.array(alarmSchema), events: z.array(alarmEventSchema) }),
    status: 200,
    errors: [404],
    handle: ({ deps, principal, params, body }) =>
      alarms.acknowledgeAlarm(deps, principal, params.ruleId, body),
  }),
  defineRoute({
    operationId: 'listAlarmEvents',
    method: 'GET',
    path: '/v1/alarms/{ruleId}/events',
    summary: "The rule's alarm journal, newest first",
    tag: 'alarms',
    access: 'viewer',
    params: ruleParams,
    query: z.object({ limit: z.coerce.number().int().min(1).max(1000).default(100) }),
    response: z.object({ events: z.array(alarmEventSchema) }),
    status: 200,
    errors: [404],
    handle: async ({ deps, principal, params, query }) => ({
      events: await alarms.listAlarmEvents(deps, principal, params.ruleId, query.limit),
    }),
  }),
];
