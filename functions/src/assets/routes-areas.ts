// Escalation by area (ADR 0042): which policy pages for alarms under an asset, and attaching one.
import { areaEscalationPolicySchema, idSchema, setAreaEscalationPolicySchema } from '@plantwatch/shared';
import { z } from 'zod';
import { type Route, routesOn } from '../platform/http/route.ts';
import { type AreaPolicyDeps, getAreaEscalationPolicy, setAreaEscalationPolicy } from './area-policies.ts';

const { defineRoute } = routesOn<AreaPolicyDeps>();
const assetParams = z.object({ assetId: idSchema });

export const areaRoutes: Route<AreaPolicyDeps>[] = [
  defineRoute({
    operationId: 'getAreaEscalationPolicy',
    method: 'GET',
    path: '/v1/assets/{assetId}/escalation-policy',
    summary:
      'The escalation policy attached to an asset, and the one that pages for alarms under it (its own or the nearest above it)',
    tag: 'assets',
    access: 'viewer',
    params: assetParams,
    response: areaEscalationPolicySchema,
    status: 200,
    errors: [404],
    handle: ({ deps, principal, params }) => getAreaEscalationPolicy(deps, principal, params.assetId),
  }),
  defineRoute({
    operationId: 'setAreaEscalationPolicy',
    method: 'PUT',
    path: '/v1/assets/{assetId}/escalation-policy',
    summary:
      "Attach an escalation policy to an asset: alarms on tags bound under it page through it instead of their rule's own (null detaches it)",
    tag: 'assets',
    access: 'engineer',
    params: assetParams,
    body: setAreaEscalationPolicySchema,
    response: areaEscalationPolicySchema,
    status: 200,
    errors: [404, 422],
    handle: ({ deps, principal, params, body }) =>
      setAreaEscalationPolicy(deps, principal, params.assetId, body),
  }),
];
