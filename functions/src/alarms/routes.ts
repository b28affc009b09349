// Alarm rules CRUD, the current alarms, the operator's actions on them (acknowledge, shelve, unshelve,
// comment, out of service and back) and the alarm journal (issue #5). Actions address a rule's alarms
// as /v1/alarms/{ruleId}/…, with an optional `level` in the body for one level of a limit stack.
import {
  acknowledgeAlarmSchema,
  alarmEventSchema,
  alarmRuleSchema,
  alarmSchema,
  alarmSummarySchema,
  commentAlarmSchema,
  createAlarmRuleSchema,
  idSchema,
  listAlarmsQuerySchema,
  removeAlarmFromServiceSchema,
  returnAlarmToServiceSchema,
  shelveAlarmSchema,
  unshelveAlarmSchema,
  updateAlarmRuleSchema,
} from '@plantwatch/shared';
import { z } from 'zod';
import { type Route, routesOn } from '../platform/http/route.ts';
import type { Principal } from '../platform/principal.ts';
import type { AlarmDeps } from './alarms.ts';
import * as alarms from './alarms.ts';
import { getAlarmSummary, streamAlarmSummary } from './summary.ts';

const { defineRoute, defineEventStreamRoute } = routesOn<AlarmDeps>();

const ruleParams = z.object({ ruleId: idSchema });
const siteFilter = z.object({ siteId: idSchema.optional() });
const actionResponse = z.object({ alarms: z.array(alarmSchema), events: z.array(alarmEventSchema) });

export const alarmRoutes: Route<AlarmDeps>[] = [
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
    summary:
      'Alarms, most severe first: by default those not back to normal and acknowledged; status=history for those with journal entries in from/to (the last 24 h by default)',
    tag: 'alarms',
    access: 'viewer',
    query: listAlarmsQuerySchema,
    response: z.object({ alarms: z.array(alarmSchema) }),
    status: 200,
    errors: [404],
    handle: async ({ deps, principal, query }) => ({
      alarms: await alarms.listAlarms(deps, principal, query),
    }),
  }),
  defineRoute({
    operationId: 'getAlarmSummary',
    method: 'GET',
    path: '/v1/alarms/summary',
    summary:
      'What an annunciator shows: unacknowledged alarms by severity (shelved and out-of-service ones counted apart, not annunciated), the worst and the newest',
    tag: 'alarms',
    access: 'viewer',
    response: alarmSummarySchema,
    status: 200,
    handle: ({ deps, principal }) => getAlarmSummary(deps, principal),
  }),
  defineEventStreamRoute({
    operationId: 'streamAlarmSummary',
    path: '/v1/alarms/summary/stream',
    summary:
      'The alarm summary as server-sent events: a `summary` event (an AlarmSummary) when the stream opens and whenever it changes; where the server cannot push it sends one and asks the client (retry) to come back',
    tag: 'alarms',
    access: 'viewer',
    response: alarmSummarySchema,
    handle: ({ deps, principal }) => streamAlarmSummary(deps, principal),
  }),
  ...actionRoutes(),
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

/**
 * POST /v1/alarms/{ruleId}/<action>: the shape every operator action shares. Each one is a journal
 * entry with who, how and when, and answers with the rule's alarms and the events it recorded.
 */
function alarmAction<B extends z.ZodType>(action: {
  operationId: string;
  path: string;
  summary: string;
  access: 'operator' | 'engineer';
  body: B;
  errors?: number[];
  run: (
    deps: AlarmDeps,
    principal: Principal,
    ruleId: string,
    body: z.output<B>,
  ) => Promise<z.input<typeof actionResponse>>;
}): Route<AlarmDeps> {
  return defineRoute({
    operationId: action.operationId,
    method: 'POST',
    path: `/v1/alarms/{ruleId}/${action.path}`,
    summary: action.summary,
    tag: 'alarms',
    access: action.access,
    params: ruleParams,
    body: action.body,
    response: actionResponse,
    status: 200,
    errors: action.errors ?? [404, 422],
    // B is a schema, so the body is its output; TypeScript cannot resolve that for a generic B.
    handle: ({ deps, principal, params, body }) =>
      action.run(deps, principal, params.ruleId, body as z.output<B>),
  });
}

function actionRoutes(): Route<AlarmDeps>[] {
  return [
    alarmAction({
      operationId: 'acknowledgeAlarm',
      path: 'acknowledge',
      summary: "Acknowledge a rule's unacknowledged alarms; acknowledging again records nothing",
      access: 'operator',
      body: acknowledgeAlarmSchema,
      run: alarms.acknowledgeAlarm,
    }),
    alarmAction({
      operationId: 'shelveAlarm',
      path: 'shelve',
      summary: `Shelve a rule's alarms for a while (operators up to ${alarms.OPERATOR_MAX_SHELVE_MINUTES / 60} h, engineers up to a week); shelving again moves the end`,
      access: 'operator',
      body: shelveAlarmSchema,
      errors: [403, 404, 422],
      run: alarms.shelveAlarm,
    }),
    alarmAction({
      operationId: 'unshelveAlarm',
      path: 'unshelve',
      summary: "End a shelving early; the alarm shows the process's state at once",
      access: 'operator',
      body: unshelveAlarmSchema,
      run: alarms.unshelveAlarm,
    }),
    alarmAction({
      operationId: 'commentOnAlarm',
      path: 'comment',
      summary: "Add a note to the alarm's journal; the state does not change",
      access: 'operator',
      body: commentAlarmSchema,
      run: alarms.commentOnAlarm,
    }),
    alarmAction({
      operationId: 'removeAlarmFromService',
      path: 'remove-from-service',
      summary: 'Take alarms out of service (maintenance): followed, never raised, until returned',
      access: 'engineer',
      body: removeAlarmFromServiceSchema,
      run: alarms.removeAlarmFromService,
    }),
    alarmAction({
      operationId: 'returnAlarmToService',
      path: 'return-to-service',
      summary: 'Return alarms to service; one whose condition holds is raised at once',
      access: 'engineer',
      body: returnAlarmToServiceSchema,
      run: alarms.returnAlarmToService,
    }),
  ];
}
