import { z } from 'zod';
import { accountRoutes } from '../../accounts/routes.ts';
import { healthRoute, tenantRoutes } from '../../accounts/routes-tenant.ts';
import { alarmRoutes } from '../../alarms/routes.ts';
import { meRoutes } from '../../layout/routes.ts';
import { notifyRoutes } from '../../notify/routes.ts';
import { peopleRoutes } from '../../people/routes.ts';
import { plantRoutes } from '../../plant/routes.ts';
import { reportRoutes } from '../../reports/routes.ts';
import { logoRoutes } from '../../reports/routes-logo.ts';
import { telemetryRoutes } from '../../telemetry/routes.ts';
import { buildOpenApiDocument, type OpenApiDocument } from './openapi.ts';
import { defineRoute, type Route } from './route.ts';

export const API_VERSION = '0.1.0';

let document: OpenApiDocument | undefined;

const openApiRoute = defineRoute({
  operationId: 'getOpenApiDocument',
  method: 'GET',
  path: '/v1/openapi.json',
  summary: 'This API as an OpenAPI 3.1 document',
  tag: 'system',
  access: 'public',
  response: z.record(z.string(), z.unknown()),
  status: 200,
  handle: async () => {
    document ??= buildOpenApiDocument(apiRoutes, API_VERSION);
    return { ...document };
  },
});

/** Every route of the API. The router, the OpenAPI document and the isolation test all read this list. */
export const apiRoutes: readonly Route[] = [
  healthRoute,
  openApiRoute,
  ...accountRoutes,
  ...tenantRoutes,
  ...plantRoutes,
  ...telemetryRoutes,
  ...alarmRoutes,
  ...reportRoutes,
  ...logoRoutes,
  ...notifyRoutes,
  ...peopleRoutes,
  ...meRoutes,
];
