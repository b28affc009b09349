// The caller's own things: their home layout (issue #6, ADR 0019). Every role may keep one; it is
// read and written only by the user it belongs to, so the routes take no user id.
import { homeLayoutInputSchema, homeLayoutSchema } from '@plantwatch/shared';
import { type Route, routesOn } from '../platform/http/route.ts';
import type { LayoutDeps } from './layout.ts';
import { getHomeLayout, putHomeLayout } from './layout.ts';

const { defineRoute } = routesOn<LayoutDeps>();

export const meRoutes: Route<LayoutDeps>[] = [
  defineRoute({
    operationId: 'getHomeLayout',
    method: 'GET',
    path: '/v1/me/layout',
    summary: "The signed-in user's home layout: pinned tags and charts, in order",
    tag: 'auth',
    access: 'viewer',
    response: homeLayoutSchema,
    status: 200,
    handle: ({ deps, principal }) => getHomeLayout(deps, principal),
  }),
  defineRoute({
    operationId: 'putHomeLayout',
    method: 'PUT',
    path: '/v1/me/layout',
    summary:
      "Replace the signed-in user's home layout; a pin naming a tag the user cannot see is refused (422)",
    tag: 'auth',
    access: 'viewer',
    body: homeLayoutInputSchema,
    response: homeLayoutSchema,
    status: 200,
    errors: [422],
    handle: ({ deps, principal, body }) => putHomeLayout(deps, principal, body),
  }),
];
