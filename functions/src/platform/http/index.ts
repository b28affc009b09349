export type { ApiDeps } from '../../compose/api-deps.ts';
export type { Principal } from '../principal.ts';
export { type ApiHandler, createApiHandler } from './handler.ts';
export type { ApiEvent, ApiResult } from './http.ts';
export { buildOpenApiDocument } from './openapi.ts';
export type { Access, Method, Route } from './route.ts';
export { API_VERSION, apiRoutes } from './routes.ts';
