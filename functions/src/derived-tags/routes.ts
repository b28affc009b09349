// biome-ignore-all lint/suspicious/noTemplateCurlyInString: formulas write their references as ${device:tag}
// Derived tags (issue 17): a site's tags computed by formula. Saving checks the formula and its
// references (422 naming the reference or the cycle); the preview tries a formula on the newest values.
import {
  createDerivedTagSchema,
  derivedTagListSchema,
  derivedTagPreviewSchema,
  derivedTagSchema,
  idSchema,
  previewDerivedTagSchema,
  updateDerivedTagSchema,
} from '@plantwatch/shared';
import { z } from 'zod';
import { type Route, routesOn } from '../platform/http/route.ts';
import {
  createDerivedTag,
  type DerivedTagDeps,
  deleteDerivedTag,
  getDerivedTag,
  listDerivedTags,
  previewDerivedTag,
  updateDerivedTag,
} from './derived-tags.ts';

const { defineRoute } = routesOn<DerivedTagDeps>();
const params = z.strictObject({ derivedTagId: idSchema });

export const derivedTagRoutes: Route<DerivedTagDeps>[] = [
  defineRoute({
    operationId: 'listDerivedTags',
    method: 'GET',
    path: '/v1/derived-tags',
    summary: 'The derived tags of the sites the caller may see (optionally of one site)',
    tag: 'plant',
    access: 'viewer',
    query: z.object({ siteId: idSchema.optional() }),
    response: derivedTagListSchema,
    status: 200,
    handle: async ({ deps, principal, query }) => ({
      items: await listDerivedTags(deps, principal, query),
    }),
  }),
  defineRoute({
    operationId: 'createDerivedTag',
    method: 'POST',
    path: '/v1/derived-tags',
    summary:
      'A derived tag: a formula over tags of the same site, ${device:tag} or ${derivedKey}; 422 names an unknown reference or a cycle',
    tag: 'plant',
    access: 'engineer',
    body: createDerivedTagSchema,
    response: derivedTagSchema,
    status: 201,
    errors: [404, 409, 422],
    handle: ({ deps, principal, body }) => createDerivedTag(deps, principal, body),
  }),
  defineRoute({
    operationId: 'previewDerivedTag',
    method: 'POST',
    path: '/v1/derived-tags/preview',
    summary: "A formula's result on its inputs' newest values, without saving it",
    tag: 'plant',
    access: 'viewer',
    body: previewDerivedTagSchema,
    response: derivedTagPreviewSchema,
    status: 200,
    errors: [404, 422],
    handle: ({ deps, principal, body }) => previewDerivedTag(deps, principal, body),
  }),
  defineRoute({
    operationId: 'getDerivedTag',
    method: 'GET',
    path: '/v1/derived-tags/{derivedTagId}',
    summary: 'One derived tag',
    tag: 'plant',
    access: 'viewer',
    params,
    response: derivedTagSchema,
    status: 200,
    errors: [404],
    handle: ({ deps, principal, params }) => getDerivedTag(deps, principal, params.derivedTagId),
  }),
  defineRoute({
    operationId: 'updateDerivedTag',
    method: 'PATCH',
    path: '/v1/derived-tags/{derivedTagId}',
    summary: "Change a derived tag's name, description, formula or unit (its site and key are fixed)",
    tag: 'plant',
    access: 'engineer',
    params,
    body: updateDerivedTagSchema,
    response: derivedTagSchema,
    status: 200,
    errors: [404, 422],
    handle: ({ deps, principal, params, body }) =>
      updateDerivedTag(deps, principal, params.derivedTagId, body),
  }),
  defineRoute({
    operationId: 'deleteDerivedTag',
    method: 'DELETE',
    path: '/v1/derived-tags/{derivedTagId}',
    summary: 'Remove a derived tag (409 while another derived tag reads it)',
    tag: 'plant',
    access: 'engineer',
    params,
    status: 204,
    errors: [404, 409],
    handle: async ({ deps, principal, params }) => {
      await deleteDerivedTag(deps, principal, params.derivedTagId);
      return undefined;
    },
  }),
];
