// POST /v1/alarm-rules/backtest (issue 17): what a rule would have raised over stored history.
import { alarmBacktestSchema, backtestAlarmRuleSchema } from '@plantwatch/shared';
import { type Route, routesOn } from '../platform/http/route.ts';
import { type BacktestDeps, backtestAlarmRule } from './backtest.ts';

const { defineRoute } = routesOn<BacktestDeps>();

export const alarmBacktestRoutes: Route<BacktestDeps>[] = [
  defineRoute({
    operationId: 'backtestAlarmRule',
    method: 'POST',
    path: '/v1/alarm-rules/backtest',
    summary:
      "Run a rule (a create body, not saved) over its tag's stored raw samples in [from, to): raises, clears, time in alarm, chattering episodes and a timeline; at most 31 days (400 naming the limit)",
    tag: 'alarms',
    access: 'viewer',
    body: backtestAlarmRuleSchema,
    response: alarmBacktestSchema,
    status: 200,
    errors: [404, 422],
    handle: ({ deps, principal, body }) => backtestAlarmRule(deps, principal, body),
  }),
];
