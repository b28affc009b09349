// OpenAPI 3.1, generated from the same route list and zod schemas that validate requests.

import { z } from 'zod';
import {
  createDocument,
  type ZodOpenApiOperationObject,
  type ZodOpenApiPathsObject,
  type ZodOpenApiResponsesObject,
} from 'zod-openapi';
import { errorEnvelopeSchema } from './errors.ts';
import type { AnyRoute } from './route.ts';

const errorDescriptions: Record<number, string> = {
  400: 'The request is malformed or fails validation; `details` lists each field and what is wrong',
  401: 'Missing, unknown or expired credentials',
  403: 'The role of the caller does not allow this',
  404: 'Not found (also for objects of another tenant)',
  409: 'Clashes with existing data',
  413: 'The body is over 1 MiB',
  415: 'The body is not JSON',
  422: 'Well-formed, but breaks a rule',
  429: 'Too many attempts; see Retry-After',
  500: 'Our fault; logged',
};

export type OpenApiDocument = ReturnType<typeof createDocument>;

export function buildOpenApiDocument(routes: readonly AnyRoute[], version: string): OpenApiDocument {
  const paths: ZodOpenApiPathsObject = {};
  for (const route of routes) {
    const statuses = new Set<number>([400, 500, ...(route.errors ?? [])]);
    if (route.access !== 'public') for (const s of [401, 403]) statuses.add(s);
    if (route.body) for (const s of [413, 415]) statuses.add(s);
    const responses: ZodOpenApiResponsesObject = {
      [`${route.status}`]:
        route.produces === 'text/event-stream'
          ? {
              description:
                'OK: server-sent events, each a named event with one line of JSON data (see the summary); a heartbeat event every 15 s; an end event before the server closes the stream',
              content: { 'text/event-stream': { schema: z.string() } },
            }
          : route.produces
            ? { description: 'OK, streamed', content: { [route.produces]: { schema: z.string() } } }
            : route.response
              ? { description: 'OK', content: { 'application/json': { schema: route.response } } }
              : { description: 'Done; no content' },
    };
    for (const status of [...statuses].sort()) {
      responses[`${status}` as `4${string}`] = {
        description: errorDescriptions[status] ?? 'Error',
        content: { 'application/json': { schema: errorEnvelopeSchema } },
      };
    }
    const operation: ZodOpenApiOperationObject = {
      operationId: route.operationId,
      summary: route.summary,
      tags: [route.tag],
      security: route.access === 'public' ? [] : [{ bearer: [] }],
      description:
        route.access === 'public' ? 'No credentials needed.' : `Needs the ${route.access} role or higher.`,
      requestParams: {
        ...(route.params ? { path: route.params as never } : {}),
        ...(route.query ? { query: route.query as never } : {}),
      },
      ...(route.body
        ? { requestBody: { required: true, content: { 'application/json': { schema: route.body } } } }
        : {}),
      responses,
    };
    paths[route.path] = { ...paths[route.path], [route.method.toLowerCase()]: operation };
  }
  return createDocument({
    openapi: '3.1.0',
    info: {
      title: 'Plantwatch API',
      version,
      description:
        'Industrial monitoring: tenants, users, sites, gateways, devices and tags. Errors are `{ "error": { "code", "message", "details"? } }`.',
    },
    servers: [{ url: '/' }],
    components: {
      securitySchemes: {
        bearer: {
          type: 'http',
          scheme: 'bearer',
          description: 'A session token (pws_…) or a tenant API key (pwk_…)',
        },
      },
    },
    paths,
  });
}
