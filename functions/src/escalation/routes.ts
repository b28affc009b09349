// The escalation chains of a rule's alarms (alarm delivery): GET /v1/alarms/{ruleId}/escalations.
import { escalationChainSchema, idSchema } from '@plantwatch/shared';
import { z } from 'zod';
import { type Route, routesOn } from '../platform/http/route.ts';
import { type EscalationHistoryDeps, listEscalationChains } from './history.ts';

const { defineRoute } = routesOn<EscalationHistoryDeps>();

export const escalationRoutes: Route<EscalationHistoryDeps>[] = [
  defineRoute({
    operationId: 'listEscalationChains',
    method: 'GET',
    path: '/v1/alarms/{ruleId}/escalations',
    summary:
      "The escalation chains of the rule's alarms, newest first: started, who was paged, how, why it stopped",
    tag: 'alarms',
    access: 'viewer',
    params: z.object({ ruleId: idSchema }),
    query: z.object({ limit: z.coerce.number().int().min(1).max(200).default(20) }),
    response: z.object({ chains: z.array(escalationChainSchema) }),
    status: 200,
    errors: [404],
    handle: async ({ deps, principal, params, query }) => ({
      chains: await listEscalationChains(deps, principal, params.ruleId, query.limit),
    }),
  }),
];
