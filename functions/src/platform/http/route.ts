// A route is data: method, path, schemas, the role it needs and the use-case it calls. The same
// list drives the router, the OpenAPI document and the tenant-isolation test.
import type { Role } from '@plantwatch/shared';
import type { z } from 'zod';
import { authenticate } from '../../accounts/accounts.ts';
import type { ApiDeps } from '../../compose/api-deps.ts';
import { type Principal, requireRole } from '../principal.ts';
import { HttpRequestError, RequestValidationError } from './errors.ts';
import { type ApiEvent, type ApiResult, json, noContent, streamed } from './http.ts';

export type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
/** 'public' needs no credentials; a role needs a bearer credential with at least that role. */
export type Access = 'public' | Role;

type Out<S> = S extends z.ZodType ? z.output<S> : undefined;

export interface RouteContext<A extends Access, P, Q, B> {
  deps: ApiDeps;
  principal: A extends 'public' ? null : Principal;
  params: P;
  query: Q;
  body: B;
  clientIp: string;
}

export interface RouteSpec<
  A extends Access,
  P extends z.ZodType | undefined,
  Q extends z.ZodType | undefined,
  B extends z.ZodType | undefined,
  R extends z.ZodType | undefined,
> {
  operationId: string;
  method: Method;
  /** API Gateway style template: /v1/sites/{siteId} */
  path: string;
  summary: string;
  tag: string;
  access: A;
  params?: P;
  query?: Q;
  body?: B;
  /** Absent for 204 responses. */
  response?: R;
  status: 200 | 201 | 204;
  /** Extra error statuses worth documenting besides the ones every route can give. */
  errors?: number[];
  handle(
    context: RouteContext<A, Out<P>, Out<Q>, Out<B>>,
  ): Promise<R extends z.ZodType ? z.input<R> : undefined>;
}

export interface Route {
  operationId: string;
  method: Method;
  path: string;
  summary: string;
  tag: string;
  access: Access;
  params?: z.ZodType;
  query?: z.ZodType;
  body?: z.ZodType;
  response?: z.ZodType;
  status: 200 | 201 | 204;
  errors?: number[];
  /** Set for routes that answer with text instead of JSON (a CSV export, an HTML page, TwiML). */
  produces?: 'text/csv' | 'text/html' | 'application/xml' | 'application/octet-stream';
  execute(event: ApiEvent, deps: ApiDeps): Promise<ApiResult>;
}

const MAX_BODY_BYTES = 1024 * 1024;

function parsePart<S extends z.ZodType>(
  schema: S,
  part: 'body' | 'path' | 'query',
  value: unknown,
): z.output<S> {
  const result = schema.safeParse(value);
  if (!result.success) throw new RequestValidationError(part, result.error);
  return result.data;
}

function readJsonBody(event: ApiEvent): unknown {
  if (event.body === undefined || event.body === null || event.body === '') {
    throw new HttpRequestError(400, 'invalid_request', 'a JSON request body is required');
  }
  const text = event.isBase64Encoded ? Buffer.from(event.body, 'base64').toString('utf8') : event.body;
  if (Buffer.byteLength(text) > MAX_BODY_BYTES) {
    throw new HttpRequestError(413, 'payload_too_large', `the request body is over ${MAX_BODY_BYTES} bytes`);
  }
  const contentType = event.headers?.['content-type'] ?? event.headers?.['Content-Type'] ?? '';
  if (contentType && !/^application\/(.+\+)?json\b/i.test(contentType)) {
    throw new HttpRequestError(415, 'unsupported_media_type', 'send the body as application/json');
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new HttpRequestError(
      400,
      'invalid_request',
      `the request body is not valid JSON: ${(error as Error).message}`,
    );
  }
}

function header(event: ApiEvent, name: string): string | undefined {
  const headers = event.headers ?? {};
  return headers[name] ?? Object.entries(headers).find(([key]) => key.toLowerCase() === name)?.[1];
}

async function prepare<A extends Access, P, Q, B>(
  spec: { access: A; params?: z.ZodType; query?: z.ZodType; body?: z.ZodType },
  event: ApiEvent,
  deps: ApiDeps,
): Promise<RouteContext<A, P, Q, B>> {
  // Credentials first: an anonymous caller learns nothing about ids or input rules.
  let principal: Principal | null = null;
  if (spec.access !== 'public') {
    principal = await authenticate(deps, header(event, 'authorization'));
    requireRole(principal, spec.access);
  }
  const params = spec.params ? parsePart(spec.params, 'path', event.pathParameters ?? {}) : undefined;
  const query = spec.query ? parsePart(spec.query, 'query', event.queryStringParameters ?? {}) : undefined;
  const body = spec.body ? parsePart(spec.body, 'body', readJsonBody(event)) : undefined;
  return {
    deps,
    principal: principal as RouteContext<A, P, Q, B>['principal'],
    params: params as P,
    query: query as Q,
    body: body as B,
    clientIp: event.requestContext?.http?.sourceIp ?? 'unknown',
  };
}

export function defineRoute<
  A extends Access,
  P extends z.ZodType | undefined = undefined,
  Q extends z.ZodType | undefined = undefined,
  B extends z.ZodType | undefined = undefined,
  R extends z.ZodType | undefined = undefined,
>(spec: RouteSpec<A, P, Q, B, R>): Route {
  const { handle, ...description } = spec;
  return {
    ...description,
    async execute(event, deps) {
      const result = await handle(await prepare<A, Out<P>, Out<Q>, Out<B>>(spec, event, deps));
      return spec.status === 204 ? noContent() : json(spec.status, result);
    },
  };
}

/** A GET route whose 200 answer is text produced piece by piece (a CSV export of a long range). */
export function defineStreamRoute<
  A extends Access,
  P extends z.ZodType | undefined = undefined,
  Q extends z.ZodType | undefined = undefined,
>(
  spec: Omit<
    RouteSpec<A, P, Q, undefined, undefined>,
    'handle' | 'status' | 'body' | 'response' | 'method'
  > & {
    produces: 'text/csv';
    handle(
      context: RouteContext<A, Out<P>, Out<Q>, undefined>,
    ): Promise<{ fileName: string; chunks: AsyncIterable<string> }>;
  },
): Route {
  const { handle, ...description } = spec;
  return {
    ...description,
    method: 'GET',
    status: 200,
    async execute(event, deps) {
      // Access and input are checked before the first byte, so errors still get the JSON envelope.
      const { fileName, chunks } = await handle(
        await prepare<A, Out<P>, Out<Q>, undefined>(spec, event, deps),
      );
      return streamed(`${spec.produces}; charset=utf-8`, fileName, chunks);
    },
  };
}
