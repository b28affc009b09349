import { z } from 'zod';
import { buildOpenApiDocument, type OpenApiDocument } from '../openapi.ts';
import { defineRoute, type Route } from '../route.ts';
import { accountRoutes } from './accounts.ts';
import { alarmRoutes } from './alarms.ts';
import { logoRoutes } from './logo.ts';
import { meRoutes } from './me.ts';
import { notifyRoutes } from './notify.ts';
import { peopleRoutes } from './people.ts';
import { plantRoutes } from './plant.ts';
import { reportRoutes } from './reports.ts';
import { healthRoute, tenantRoutes } from './system.ts';
import { telemetryRoutes } from './telemetry.ts';

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
