// CRUD routes for the plant model. Each resource has the same five operations, made by crudRoutes
// (as the people routes'); what differs (schemas, parent filter, use-cases) is spelled out per resource.
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
import { type CrudResource, crudRoutes } from '../platform/http/crud.ts';
import type { Route } from '../platform/http/route.ts';
import type { PlantDeps } from './plant.ts';
import * as plant from './plant.ts';
import { configRoutes } from './routes-config.ts';

/** A plant resource: its paths, operation ids, summaries and errors follow from its names. */
function plantRoutesFor<T, C, U, F>(
  r: { one: string; many: string; title: string } & Pick<
    CrudResource<PlantDeps, T, C, U, F>,
    'schema' | 'create' | 'update' | 'filter' | 'useCases'
  >,
): Route<PlantDeps>[] {
  const { one, many, title, ...rest } = r;
  return crudRoutes({
    ...rest,
    tag: many,
    one: title,
    plural: `${title}s`,
    path: `/v1/${many}`,
    param: `${one}Id`,
    listKey: many,
    summaries: {
      list: `The ${many} the caller may see`,
      create: `Create a ${one}`,
      get: `One ${one}`,
      update: `Change a ${one}`,
      delete: `Delete a ${one}`,
    },
    errors: { list: [404], create: [404, 409, 422], update: [404, 409, 422] },
  });
}

export const plantRoutes: Route<PlantDeps>[] = [
  ...plantRoutesFor({
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
  ...plantRoutesFor({
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
  ...plantRoutesFor({
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
  ...plantRoutesFor({
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
  ...configRoutes,
];
