// GET /v1/alarm-kpis (issue 17, ADR 0049): the alarm system's ISA-18.2 / EEMUA 191 figures over a range.
import { alarmKpisQuerySchema, alarmKpisSchema, MAX_ALARM_KPI_DAYS } from '@plantwatch/shared';
import { type Route, routesOn } from '../platform/http/route.ts';
import { type AlarmKpiDeps, getAlarmKpis } from './kpis.ts';

const { defineRoute } = routesOn<AlarmKpiDeps>();

export const alarmKpiRoutes: Route<AlarmKpiDeps>[] = [
  defineRoute({
    operationId: 'getAlarmKpis',
    method: 'GET',
    path: '/v1/alarm-kpis',
    summary: `Alarm-system KPIs (ISA-18.2, EEMUA 191) over [from, to) for one site or every site the caller sees whole: alarms per 10 minutes, peak rate and floods, top 10, chattering, stale alarms, time to acknowledge; at most ${MAX_ALARM_KPI_DAYS} days (400 naming the limit)`,
    tag: 'alarms',
    access: 'viewer',
    query: alarmKpisQuerySchema,
    response: alarmKpisSchema,
    status: 200,
    errors: [403, 404],
    handle: ({ deps, principal, query }) => getAlarmKpis(deps, principal, query),
  }),
];
