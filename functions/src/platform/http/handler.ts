// The API as one Lambda-style handler (API Gateway HTTP API, payload v2): middy runs the router,
// and errors become the JSON envelope in one place.
import { timingSafeEqual } from 'node:crypto';
import middy from '@middy/core';
import httpRouterHandler from '@middy/http-router';
import type { Context } from 'aws-lambda';
import { logger } from '../observability.ts';
import { errorResponse, HttpRequestError } from './errors.ts';
import type { ApiEvent, ApiResult } from './http.ts';
import type { Authenticate, Route } from './route.ts';

export type ApiHandler = (event: ApiEvent, context?: Partial<Context>) => Promise<ApiResult>;

/** Headers by which the web app (a trusted proxy) says who its browser is. */
export const PROXY_HEADERS = {
  secret: 'x-plantwatch-proxy-secret',
  clientIp: 'x-plantwatch-client-ip',
  userAgent: 'x-plantwatch-client-agent',
} as const;

const sameSecret = (a: string, b: string) => {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
};

/**
 * The web app calls the API from its server, so the API sees the web server's address. When the
 * request carries the proxy secret the two share, the browser's address and User-Agent it forwards
 * are taken instead (login throttles and the sessions list need them); anyone else's are ignored.
 */
export function trustProxy(event: ApiEvent, secret: string | undefined): ApiEvent {
  const headers = event.headers ?? {};
  const get = (name: string) => Object.entries(headers).find(([key]) => key.toLowerCase() === name)?.[1];
  const offered = get(PROXY_HEADERS.secret);
  const clean = Object.fromEntries(
    Object.entries(headers).filter(
      ([key]) => !Object.values(PROXY_HEADERS).includes(key.toLowerCase() as never),
    ),
  );
  if (!offered || !secret || !sameSecret(offered, secret)) {
    return offered || get(PROXY_HEADERS.clientIp) ? { ...event, headers: clean } : event;
  }
  const http = event.requestContext?.http;
  const clientIp = get(PROXY_HEADERS.clientIp)?.trim();
  const userAgent = get(PROXY_HEADERS.userAgent);
  return {
    ...event,
    headers: clean,
    requestContext: {
      ...event.requestContext,
      http: {
        ...http,
        sourceIp: clientIp && /^[0-9a-fA-F:.]{2,45}$/.test(clientIp) ? clientIp : http.sourceIp,
        userAgent: userAgent ?? http.userAgent,
      },
    },
  };
}

/**
 * `streaming: true` leaves a streamed body as `bodyStream` for a server that can send it in pieces
 * (the local runtime); otherwise it is collected into `body`, as a buffered Lambda must answer.
 */
export function createApiHandler<D>(
  api: { routes: readonly Route<D>[]; deps: D; authenticate: Authenticate },
  options: { streaming?: boolean; proxySecret?: string } = {},
): ApiHandler {
  const { deps, authenticate } = api;
  const router = httpRouterHandler({
    routes: api.routes.map((route) => ({
      method: route.method,
      path: route.path,
      handler: (event: ApiEvent) => route.execute(event, deps, authenticate),
    })),
    notFoundResponse: ({ method, path }: { method: string; path: string }) => {
      throw new HttpRequestError(404, 'not_found', `there is no route ${method} ${path}`);
    },
  });

  const handler = middy<ApiEvent, ApiResult>()
    .use({
      onError: (request) => {
        request.response = errorResponse(request.error, (error) =>
          logger.error('request failed', {
            error,
            method: request.event.requestContext?.http?.method,
            path: request.event.rawPath,
          }),
        );
      },
    })
    .handler(router as unknown as (event: ApiEvent) => Promise<ApiResult>);

  return async (event, context = {}) => {
    const result = await handler(trustProxy(event, options.proxySecret), context as Context);
    if (!result.bodyStream || options.streaming) return result;
    let body = '';
    for await (const chunk of result.bodyStream) body += chunk;
    const { bodyStream: _stream, ...buffered } = result;
    return { ...buffered, body };
  };
}
