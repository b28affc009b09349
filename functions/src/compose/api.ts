// The HTTP API assembled: every route of the route table over one set of ports, authenticated by the
// accounts capability. Both runtimes build it here (AWS: compose/aws.ts; locally: infra/local).
import { authenticate } from '../accounts/accounts.ts';
import { type ApiHandler, createApiHandler } from '../platform/http/handler.ts';
import { type ApiDeps, apiRoutes } from '../platform/http/routes.ts';

/** `proxySecret`: the web app, proving itself with it, may say who its browser is (handler.ts trustProxy). */
export function createPlantwatchApi(
  deps: ApiDeps,
  options: { streaming?: boolean; proxySecret?: string } = {},
): ApiHandler {
  return createApiHandler(
    { routes: apiRoutes, deps, authenticate: (authorization) => authenticate(deps, authorization) },
    options,
  );
}
