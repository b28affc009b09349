// Commands through a gateway: browse an OPC UA device, read a device's tags once (test connection),
// and the commands audit log. Engineers only.
import {
  browseDeviceResultSchema,
  browseDeviceSchema,
  gatewayCommandSchema,
  idSchema,
  readDeviceOnceResultSchema,
  readDeviceOnceSchema,
} from '@plantwatch/shared';
import { z } from 'zod';
import { type Route, routesOn } from '../platform/http/route.ts';
import { browseDevice, type GatewayCommandDeps, listGatewayCommands, readDeviceOnce } from './commands.ts';

const { defineRoute } = routesOn<GatewayCommandDeps>();

export const gatewayCommandRoutes: Route<GatewayCommandDeps>[] = [
  defineRoute({
    operationId: 'browseDevice',
    method: 'POST',
    path: '/v1/devices/{deviceId}/browse',
    summary:
      "The OPC UA device's address space as its gateway sees it, with the values of variables (504 when the gateway does not answer in time)",
    tag: 'devices',
    access: 'engineer',
    params: z.object({ deviceId: idSchema }),
    body: browseDeviceSchema,
    response: browseDeviceResultSchema,
    status: 200,
    errors: [404, 422, 503, 504],
    handle: ({ deps, principal, params, body }) => browseDevice(deps, principal, params.deviceId, body),
  }),
  defineRoute({
    operationId: 'readDeviceOnce',
    method: 'POST',
    path: '/v1/devices/{deviceId}/read-once',
    summary:
      'Test connection: the gateway reads every tag of the device once, each with its value or error (504 when the gateway does not answer in time)',
    tag: 'devices',
    access: 'engineer',
    params: z.object({ deviceId: idSchema }),
    body: readDeviceOnceSchema,
    response: readDeviceOnceResultSchema,
    status: 200,
    errors: [404, 422, 503, 504],
    handle: ({ deps, principal, params, body }) => readDeviceOnce(deps, principal, params.deviceId, body),
  }),
  defineRoute({
    operationId: 'listGatewayCommands',
    method: 'GET',
    path: '/v1/gateways/{gatewayId}/commands',
    summary: 'The commands sent through the gateway, newest first: who asked what, and how it ended',
    tag: 'gateways',
    access: 'engineer',
    params: z.object({ gatewayId: idSchema }),
    response: z.object({ commands: z.array(gatewayCommandSchema) }),
    status: 200,
    errors: [404],
    handle: async ({ deps, principal, params }) => ({
      commands: await listGatewayCommands(deps, principal, params.gatewayId),
    }),
  }),
];
