// Gateway health: one gateway's, or every gateway's the caller may see (optionally of one site).
import { gatewayHealthSchema, idSchema } from '@plantwatch/shared';
import { z } from 'zod';
import { type Route, routesOn } from '../platform/http/route.ts';
import { type GatewayHealthDeps, getGatewayHealth, listGatewayHealth } from './health.ts';

const { defineRoute } = routesOn<GatewayHealthDeps>();

export const gatewayHealthRoutes: Route<GatewayHealthDeps>[] = [
  defineRoute({
    operationId: 'listGatewayHealth',
    method: 'GET',
    path: '/v1/gateway-health',
    summary:
      'The health of every gateway the caller may see: online since when, last data, config applied or refused, devices, buffer',
    tag: 'gateways',
    access: 'viewer',
    query: z.strictObject({ siteId: idSchema.optional() }),
    response: z.object({ gateways: z.array(gatewayHealthSchema) }),
    status: 200,
    errors: [404],
    handle: async ({ deps, principal, query }) => ({
      gateways: await listGatewayHealth(deps, principal, {
        ...(query.siteId ? { siteId: query.siteId } : {}),
      }),
    }),
  }),
  defineRoute({
    operationId: 'getGatewayHealth',
    method: 'GET',
    path: '/v1/gateways/{gatewayId}/health',
    summary: "One gateway's health, from its status topic and its data",
    tag: 'gateways',
    access: 'viewer',
    params: z.object({ gatewayId: idSchema }),
    response: gatewayHealthSchema,
    status: 200,
    errors: [404],
    handle: ({ deps, principal, params }) => getGatewayHealth(deps, principal, params.gatewayId),
  }),
];
