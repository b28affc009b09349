// CRUD routes for the plant model. Each resource has the same five operations, so they are made
// by one function; what differs (schemas, parent filter, use-cases) is spelled out per resource.
import {
  createDeviceSchema,
  createGatewaySchema,
  createSiteSchema,
  createTagSchema,
  deviceSchema,
  gatewaySchema,
  idSchema,
  siteSchema,
  tagSchema,
  updateDeviceSchema,
  updateGatewaySchema,
  updateSiteSchema,
  updateTagSchema,
} from '@plantwatch/shared';
import { z } from 'zod';
import type { ApiDeps } from '../../use-cases/deps.ts';
import * as plant from '../../use-cases/plant.ts';
import type { Principal } from '../../use-cases/principal.ts';
import { defineRoute, type Route } from '../route.ts';

interface Resource<T, C, U, F> {
  /** singular, plural and capitalised names: site, sites, Site */
  one: string;
  many: string;
  title: string;
  schema: z.ZodType<T>;
  create: z.ZodType<C>;
  update: z.ZodType<U>;
  filter: z.ZodType<F>;
  useCases: {
    list(deps: ApiDeps, principal: Principal, filter: F): Promise<T[]>;
    get(deps: ApiDeps, principal: Principal, id: string): Promise<T>;
    create(deps: ApiDeps, principal: Principal, input: C): Promise<T>;
    update(deps: ApiDeps, principal: Principal, id: string, patch: U): Promise<T>;
    remove(deps: ApiDeps, principal: Principal, id: string): Promise<void>;
  };
}

function crudRoutes<T, C, U, F>(r: Resource<T, C, U, F>): Route[] {
  const idName = `${r.one}Id`;
  const params = z.object({ [idName]: idSchema });
  const idOf = (p: Record<string, string>) => p[idName] as string;
  const collection = `/v1/${r.many}`;
  const item = `${collection}/{${idName}}`;
  return [
    defineRoute({
      operationId: `list${r.title}s`,
      method: 'GET',
      path: collection,
      summary: `The ${r.many} the caller may see`,
      tag: r.many,
      access: 'viewer',
      query: r.filter,
      response: z.object({ [r.many]: z.array(r.schema) }),
      status: 200,
      errors: [404],
      handle: async ({ deps, principal, query }) => ({
        [r.many]: await r.useCases.list(deps, principal, query),
      }),
    }),
    defineRoute({
      operationId: `create${r.title}`,
      method: 'POST',
      path: collection,
      summary: `Create a ${r.one}`,
      tag: r.many,
      access: 'engineer',
      body: r.create,
      response: r.schema,
      status: 201,
      errors: [404, 409, 422],
      handle: ({ deps, principal, body }) => r.useCases.create(deps, principal, body),
    }),
    defineRoute({
      operationId: `get${r.title}`,
      method: 'GET',
      path: item,
      summary: `One ${r.one}`,
      tag: r.many,
      access: 'viewer',
      params,
      response: r.schema,
      status: 200,
      errors: [404],
      handle: ({ deps, principal, params }) => r.useCases.get(deps, principal, idOf(params)),
    }),
    defineRoute({
      operationId: `update${r.title}`,
      method: 'PATCH',
      path: item,
      summary: `Change a ${r.one}`,
      tag: r.many,
      access: 'engineer',
      params,
      body: r.update,
      response: r.schema,
      status: 200,
      errors: [404, 409, 422],
      handle: ({ deps, principal, params, body }) => r.useCases.update(deps, principal, idOf(params), body),
    }),
    defineRoute({
      operationId: `delete${r.title}`,
      method: 'DELETE',
      path: item,
      summary: `Delete a ${r.one}`,
      tag: r.many,
      access: 'engineer',
      params,
      status: 204,
      errors: [404, 409],
      handle: async ({ deps, principal, params }) => {
        await r.useCases.remove(deps, principal, idOf(params));
        return undefined;
      },
    }),
  ];
}

export const plantRoutes: Route[] = [
  ...crudRoutes({
    one: 'site',
    many: 'sites',
    title: 'Site',
    schema: siteSchema,
    create: createSiteSchema,
    update: updateSiteSchema,
    filter: z.object({}),
    useCases: {
      list: (deps, principal) => plant.listSites(deps, principal),
      get: plant.getSite,
      create: plant.createSite,
      update: plant.updateSite,
      remove: plant.deleteSite,
    },
  }),
  ...crudRoutes({
    one: 'gateway',
    many: 'gateways',
    title: 'Gateway',
    schema: gatewaySchema,
    create: createGatewaySchema,
    update: updateGatewaySchema,
    filter: z.object({ siteId: idSchema.optional() }),
    useCases: {
      list: plant.listGateways,
      get: plant.getGateway,
      create: plant.createGateway,
      update: plant.updateGateway,
      remove: plant.deleteGateway,
    },
  }),
  ...crudRoutes({
    one: 'device',
    many: 'devices',
    title: 'Device',
    schema: deviceSchema,
    create: createDeviceSchema,
    update: updateDeviceSchema,
    filter: z.object({ gatewayId: idSchema.optional() }),
    useCases: {
      list: plant.listDevices,
      get: plant.getDevice,
      create: plant.createDevice,
      update: plant.updateDevice,
      remove: plant.deleteDevice,
    },
  }),
  ...crudRoutes({
    one: 'tag',
    many: 'tags',
    title: 'Tag',
    schema: tagSchema,
    create: createTagSchema,
    update: updateTagSchema,
    filter: z.object({ deviceId: idSchema.optional() }),
    useCases: {
      list: plant.listTags,
      get: plant.getTag,
      create: plant.createTag,
      update: plant.updateTag,
      remove: plant.deleteTag,
    },
  }),
];
