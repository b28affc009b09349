export type { Principal } from '../principal.ts';
export { type ApiHandler, createApiHandler } from './handler.ts';
export type { ApiEvent, ApiResult } from './http.ts';
export { buildOpenApiDocument } from './openapi.ts';
export type { Access, AnyRoute, Method, Route } from './route.ts';
export type { ApiDeps } from './routes.ts';
export { API_VERSION, apiRoutes } from './routes.ts';
