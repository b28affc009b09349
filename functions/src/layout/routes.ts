// The caller's own things: their home layout (issue #6, ADR 0019) and display preferences. Every role
// may keep them; they are read and written only by the user they belong to, so the routes take no user id.
import {
  homeLayoutInputSchema,
  homeLayoutSchema,
  userPreferencesInputSchema,
  userPreferencesSchema,
} from '@plantwatch/shared';
import { type Route, routesOn } from '../platform/http/route.ts';
import type { LayoutDeps } from './layout.ts';
import { getHomeLayout, putHomeLayout } from './layout.ts';
import { getUserPreferences, type PreferencesDeps, putUserPreferences } from './preferences.ts';

const { defineRoute } = routesOn<LayoutDeps>();
const preferenceRoutes = routesOn<PreferencesDeps>();

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

export const preferencesRoutes: Route<PreferencesDeps>[] = [
  preferenceRoutes.defineRoute({
    operationId: 'getUserPreferences',
    method: 'GET',
    path: '/v1/me/preferences',
    summary:
      "The signed-in user's display preferences: language, theme, time zone, display units, alarm tone (defaults when never saved)",
    tag: 'auth',
    access: 'viewer',
    response: userPreferencesSchema,
    status: 200,
    errors: [403],
    handle: ({ deps, principal }) => getUserPreferences(deps, principal),
  }),
  preferenceRoutes.defineRoute({
    operationId: 'putUserPreferences',
    method: 'PUT',
    path: '/v1/me/preferences',
    summary:
      "Replace the signed-in user's display preferences; a field left out takes its default (language and timeZone null: the browser's)",
    tag: 'auth',
    access: 'viewer',
    body: userPreferencesInputSchema,
    response: userPreferencesSchema,
    status: 200,
    errors: [403],
    handle: ({ deps, principal, body }) => putUserPreferences(deps, principal, body),
  }),
];
