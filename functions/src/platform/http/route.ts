// A route is data: method, path, schemas, the role it needs and the use-case it calls. The same
// list drives the router, the OpenAPI document and the tenant-isolation test.
import type { Role } from '@plantwatch/shared';
import type { z } from 'zod';
import { type Principal, requireRole } from '../principal.ts';
import { HttpRequestError, RequestValidationError } from './errors.ts';
import { type ApiEvent, type ApiResult, eventStreamResult, json, noContent, streamed } from './http.ts';

export type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
/** 'public' needs no credentials; a role needs a bearer credential with at least that role. */
export type Access = 'public' | Role;

type Out<S> = S extends z.ZodType ? z.output<S> : undefined;

/** Resolves `Authorization: Bearer …` to a principal, or throws UnauthenticatedError (accounts does it). */
export type Authenticate = (authorization: string | undefined) => Promise<Principal>;

export interface RouteContext<D, A extends Access, P, Q, B> {
  deps: D;
  principal: A extends 'public' ? null : Principal;
  params: P;
  query: Q;
  body: B;
  clientIp: string;
  /** The client's User-Agent (what the sessions list shows); null when it sent none. */
  userAgent: string | null;
}

export interface RouteSpec<
  D,
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
  status: 200 | 201 | 202 | 204;
  /** Extra error statuses worth documenting besides the ones every route can give. */
  errors?: number[];
  handle(
    context: RouteContext<D, A, Out<P>, Out<Q>, Out<B>>,
  ): Promise<R extends z.ZodType ? z.input<R> : undefined>;
}

/** A route of a capability whose use-cases run on the ports `D`; the route table takes every capability's. */
export interface Route<D> {
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
  status: 200 | 201 | 202 | 204;
  errors?: number[];
  /**
   * Set for routes that answer with text instead of JSON (a CSV export, an HTML page, TwiML, a stream
   * of server-sent events).
   */
  produces?: 'text/csv' | 'text/html' | 'application/xml' | 'application/octet-stream' | 'text/event-stream';
  /** A property, not a method: the route table then checks that its ports cover each route's. */
  execute: (event: ApiEvent, deps: D, authenticate: Authenticate) => Promise<ApiResult>;
}

/** Any capability's route, for what reads only its description (the OpenAPI document, tests). */
export type AnyRoute = Route<never>;

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

async function prepare<D, A extends Access, P, Q, B>(
  spec: { access: A; params?: z.ZodType; query?: z.ZodType; body?: z.ZodType },
  event: ApiEvent,
  deps: D,
  authenticate: Authenticate,
): Promise<RouteContext<D, A, P, Q, B>> {
  // Credentials first: an anonymous caller learns nothing about ids or input rules.
  let principal: Principal | null = null;
  if (spec.access !== 'public') {
    principal = await authenticate(header(event, 'authorization'));
    requireRole(principal, spec.access);
  }
  const params = spec.params ? parsePart(spec.params, 'path', event.pathParameters ?? {}) : undefined;
  const query = spec.query ? parsePart(spec.query, 'query', event.queryStringParameters ?? {}) : undefined;
  const body = spec.body ? parsePart(spec.body, 'body', readJsonBody(event)) : undefined;
  return {
    deps,
    principal: principal as RouteContext<D, A, P, Q, B>['principal'],
    params: params as P,
    query: query as Q,
    body: body as B,
    clientIp: event.requestContext?.http?.sourceIp ?? 'unknown',
    userAgent: event.requestContext?.http?.userAgent || header(event, 'user-agent') || null,
  };
}

function defineRoute<
  D,
  A extends Access,
  P extends z.ZodType | undefined = undefined,
  Q extends z.ZodType | undefined = undefined,
  B extends z.ZodType | undefined = undefined,
  R extends z.ZodType | undefined = undefined,
>(spec: RouteSpec<D, A, P, Q, B, R>): Route<D> {
  const { handle, ...description } = spec;
  return {
    ...description,
    async execute(event, deps, authenticate) {
      const result = await handle(
        await prepare<D, A, Out<P>, Out<Q>, Out<B>>(spec, event, deps, authenticate),
      );
      return spec.status === 204 ? noContent() : json(spec.status, result);
    },
  };
}

/** A GET route whose 200 answer is text produced piece by piece (a CSV export of a long range). */
function defineStreamRoute<
  D,
  A extends Access,
  P extends z.ZodType | undefined = undefined,
  Q extends z.ZodType | undefined = undefined,
>(
  spec: Omit<
    RouteSpec<D, A, P, Q, undefined, undefined>,
    'handle' | 'status' | 'body' | 'response' | 'method'
  > & {
    produces: 'text/csv';
    handle(
      context: RouteContext<D, A, Out<P>, Out<Q>, undefined>,
    ): Promise<{ fileName: string; chunks: AsyncIterable<string> }>;
  },
): Route<D> {
  const { handle, ...description } = spec;
  return {
    ...description,
    method: 'GET',
    status: 200,
    async execute(event, deps, authenticate) {
      // Access and input are checked before the first byte, so errors still get the JSON envelope.
      const { fileName, chunks } = await handle(
        await prepare<D, A, Out<P>, Out<Q>, undefined>(spec, event, deps, authenticate),
      );
      return streamed(`${spec.produces}; charset=utf-8`, fileName, chunks);
    },
  };
}

/**
 * A GET route answering with server-sent events (platform/http/event-stream.ts). `response` documents
 * the data of its main event. Access and input are checked before the stream opens, so a refusal is
 * still the JSON error envelope with its status.
 */
function defineEventStreamRoute<
  D,
  A extends Access,
  P extends z.ZodType | undefined = undefined,
  Q extends z.ZodType | undefined = undefined,
>(
  spec: Omit<
    RouteSpec<D, A, P, Q, undefined, undefined>,
    'handle' | 'status' | 'body' | 'response' | 'method'
  > & {
    response?: z.ZodType;
    handle(context: RouteContext<D, A, Out<P>, Out<Q>, undefined>): Promise<AsyncIterable<string>>;
  },
): Route<D> {
  const { handle, ...description } = spec;
  return {
    ...description,
    method: 'GET',
    status: 200,
    produces: 'text/event-stream',
    async execute(event, deps, authenticate) {
      return eventStreamResult(
        await handle(await prepare<D, A, Out<P>, Out<Q>, undefined>(spec, event, deps, authenticate)),
      );
    },
  };
}

/**
 * The route builders of a capability whose use-cases run on the ports `D`:
 * `const { defineRoute } = routesOn<AlarmDeps>();`. `D` is named once; every route's own types
 * (access, path, query, body, response) are inferred from its spec.
 */
export function routesOn<D>() {
  return {
    defineRoute: <
      A extends Access,
      P extends z.ZodType | undefined = undefined,
      Q extends z.ZodType | undefined = undefined,
      B extends z.ZodType | undefined = undefined,
      R extends z.ZodType | undefined = undefined,
    >(
      spec: RouteSpec<D, A, P, Q, B, R>,
    ): Route<D> => defineRoute<D, A, P, Q, B, R>(spec),
    defineStreamRoute: <
      A extends Access,
      P extends z.ZodType | undefined = undefined,
      Q extends z.ZodType | undefined = undefined,
    >(
      spec: Parameters<typeof defineStreamRoute<D, A, P, Q>>[0],
    ): Route<D> => defineStreamRoute<D, A, P, Q>(spec),
    defineEventStreamRoute: <
      A extends Access,
      P extends z.ZodType | undefined = undefined,
      Q extends z.ZodType | undefined = undefined,
    >(
      spec: Parameters<typeof defineEventStreamRoute<D, A, P, Q>>[0],
    ): Route<D> => defineEventStreamRoute<D, A, P, Q>(spec),
  };
}
