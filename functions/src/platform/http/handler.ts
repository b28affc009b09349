// The API as one Lambda-style handler (API Gateway HTTP API, payload v2): middy runs the router,
// and errors become the JSON envelope in one place.
import middy from '@middy/core';
import httpRouterHandler from '@middy/http-router';
import type { Context } from 'aws-lambda';
import { logger } from '../observability.ts';
import { errorResponse, HttpRequestError } from './errors.ts';
import type { ApiEvent, ApiResult } from './http.ts';
import type { Authenticate, Route } from './route.ts';

export type ApiHandler = (event: ApiEvent, context?: Partial<Context>) => Promise<ApiResult>;

/**
 * `streaming: true` leaves a streamed body as `bodyStream` for a server that can send it in pieces
 * (the local runtime); otherwise it is collected into `body`, as a buffered Lambda must answer.
 */
export function createApiHandler<D>(
  api: { routes: readonly Route<D>[]; deps: D; authenticate: Authenticate },
  options: { streaming?: boolean } = {},
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
    const result = await handler(event, context as Context);
    if (!result.bodyStream || options.streaming) return result;
    let body = '';
    for await (const chunk of result.bodyStream) body += chunk;
    const { bodyStream: _stream, ...buffered } = result;
    return { ...buffered, body };
  };
}
