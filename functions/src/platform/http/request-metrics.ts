// API request metrics, the same on both runtimes: http_requests by method, route template and status,
// and http_request_seconds by method and route template. The label is the route's template
// (`/v1/sites/{siteId}`), never the raw path: ids in labels would make a series per site.
import type { Metrics } from '../metrics.ts';
import type { ApiHandler } from './handler.ts';

export type RouteTemplateOf = (method: string, pathname: string) => string;

/** Finds the template of a request's route among `routes` (`unmatched` when none has it). */
export function routeTemplateMatcher(routes: readonly { method: string; path: string }[]): RouteTemplateOf {
  const templates = routes.map((route) => ({
    method: route.method,
    path: route.path,
    pattern: new RegExp(`^${route.path.replace(/\{[^}]+\}/g, '[^/]+')}$`),
  }));
  return (method, pathname) =>
    templates.find((route) => route.method === method && route.pattern.test(pathname))?.path ?? 'unmatched';
}

/** Counts and times one answered request. */
export function recordRequest(
  metrics: Metrics,
  routeOf: RouteTemplateOf,
  request: { method: string; path: string; status: number; seconds: number },
): void {
  const route = routeOf(request.method, request.path);
  metrics.increment('http_requests', { method: request.method, route, status: String(request.status) });
  metrics.observe('http_request_seconds', request.seconds, { method: request.method, route });
}

/**
 * The handler, counting and timing every request it answers (AWS: the Lambda's API handler; the
 * local server counts around its own socket handling with the same recordRequest). A request that
 * throws is counted as a 500, which is what API Gateway answers for it.
 */
export function withRequestMetrics(
  handler: ApiHandler,
  metrics: Metrics,
  routeOf: RouteTemplateOf,
): ApiHandler {
  return async (event, context) => {
    const started = performance.now();
    const method = event.requestContext.http.method;
    let status = 500;
    try {
      const result = await handler(event, context);
      status = result.statusCode;
      return result;
    } finally {
      recordRequest(metrics, routeOf, {
        method,
        path: event.rawPath,
        status,
        seconds: (performance.now() - started) / 1000,
      });
    }
  };
}
