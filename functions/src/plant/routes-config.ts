// Routes of a gateway's configuration beyond plain CRUD: its config versions and rollback, bulk and
// CSV changes to a device's tags, and device templates.
import {
  applyDeviceTemplateResultSchema,
  applyDeviceTemplateSchema,
  bulkTagChangesSchema,
  bulkTagResultSchema,
  createDeviceTemplateSchema,
  deviceTemplateSchema,
  gatewayConfigVersionDetailSchema,
  gatewayConfigVersionSchema,
  idSchema,
  importTagsCsvSchema,
  importTagsResultSchema,
  updateDeviceTemplateSchema,
} from '@plantwatch/shared';
import { z } from 'zod';
import { crudRoutes } from '../platform/http/crud.ts';
import { type Route, routesOn } from '../platform/http/route.ts';
import { getConfigVersion, listConfigVersions, rollbackConfig } from './config-versions.ts';
import type { PlantDeps } from './plant.ts';
import { bulkChangeTags, exportTagsCsv, importTagsCsv } from './tag-bulk.ts';
import * as templates from './templates.ts';

const { defineRoute, defineStreamRoute } = routesOn<PlantDeps>();

const gatewayParams = z.object({ gatewayId: idSchema });
const versionParams = z.object({
  gatewayId: idSchema,
  version: z.coerce.number().int('must be a whole number').min(1, 'must be at least 1'),
});
const deviceParams = z.object({ deviceId: idSchema });

export const configRoutes: Route<PlantDeps>[] = [
  defineRoute({
    operationId: 'listGatewayConfigVersions',
    method: 'GET',
    path: '/v1/gateways/{gatewayId}/config-versions',
    summary: "The gateway's config versions, newest first: who changed what, and whether the broker took it",
    tag: 'gateways',
    access: 'viewer',
    params: gatewayParams,
    response: z.object({ versions: z.array(gatewayConfigVersionSchema) }),
    status: 200,
    errors: [404],
    handle: async ({ deps, principal, params }) => ({
      versions: await listConfigVersions(deps, principal, params.gatewayId),
    }),
  }),
  defineRoute({
    operationId: 'getGatewayConfigVersion',
    method: 'GET',
    path: '/v1/gateways/{gatewayId}/config-versions/{version}',
    summary: 'One config version with the configuration it pushed',
    tag: 'gateways',
    access: 'viewer',
    params: versionParams,
    response: gatewayConfigVersionDetailSchema,
    status: 200,
    errors: [404],
    handle: ({ deps, principal, params }) =>
      getConfigVersion(deps, principal, params.gatewayId, params.version),
  }),
  defineRoute({
    operationId: 'rollbackGatewayConfig',
    method: 'POST',
    path: '/v1/gateways/{gatewayId}/config-versions/{version}/rollback',
    summary:
      "Puts the gateway's devices, tags and buffer policy back as this version had them, pushed as a new version; devices and tags added since are deleted",
    tag: 'gateways',
    access: 'engineer',
    params: versionParams,
    response: gatewayConfigVersionSchema,
    status: 201,
    errors: [404, 409, 422],
    handle: ({ deps, principal, params }) =>
      rollbackConfig(deps, principal, params.gatewayId, params.version),
  }),
  defineRoute({
    operationId: 'bulkChangeTags',
    method: 'POST',
    path: '/v1/devices/{deviceId}/tags/bulk',
    summary:
      "Creates, changes and deletes many of the device's tags at once: all or nothing, one config version",
    tag: 'tags',
    access: 'engineer',
    params: deviceParams,
    body: bulkTagChangesSchema,
    response: bulkTagResultSchema,
    status: 200,
    errors: [404, 409, 422],
    handle: ({ deps, principal, params, body }) => bulkChangeTags(deps, principal, params.deviceId, body),
  }),
  defineRoute({
    operationId: 'importTagsCsv',
    method: 'POST',
    path: '/v1/devices/{deviceId}/tags/import',
    summary:
      "Makes the device's tags those of a CSV file (merge or replace; a dry run says what would change); 422 lists each row's problems",
    tag: 'tags',
    access: 'engineer',
    params: deviceParams,
    body: importTagsCsvSchema,
    response: importTagsResultSchema,
    status: 200,
    errors: [404, 409, 422],
    handle: ({ deps, principal, params, body }) => importTagsCsv(deps, principal, params.deviceId, body),
  }),
  defineStreamRoute({
    operationId: 'exportTagsCsv',
    path: '/v1/devices/{deviceId}/tags/export',
    summary: "The device's tags as CSV (the import's columns, Modbus bits included)",
    tag: 'tags',
    access: 'viewer',
    produces: 'text/csv',
    params: deviceParams,
    errors: [404],
    handle: ({ deps, principal, params }) => exportTagsCsv(deps, principal, params.deviceId),
  }),
  ...crudRoutes({
    tag: 'device-templates',
    one: 'DeviceTemplate',
    plural: 'DeviceTemplates',
    path: '/v1/device-templates',
    param: 'templateId',
    listKey: 'templates',
    schema: deviceTemplateSchema,
    create: createDeviceTemplateSchema,
    update: updateDeviceTemplateSchema,
    summaries: {
      list: "The tenant's device templates",
      create: 'Create a device template (a register map or an OPC UA node list)',
      get: 'One device template, with the devices that use it',
      update: 'Change a device template (devices change when it is applied again)',
      delete: 'Delete a device template (its devices keep their tags)',
    },
    errors: { create: [409, 422], update: [404, 409, 422] },
    useCases: {
      list: (deps, principal) => templates.listDeviceTemplates(deps, principal),
      get: templates.getDeviceTemplate,
      create: templates.createDeviceTemplate,
      update: templates.updateDeviceTemplate,
      remove: templates.deleteDeviceTemplate,
    },
  }),
  defineRoute({
    operationId: 'applyDeviceTemplate',
    method: 'POST',
    path: '/v1/device-templates/{templateId}/apply',
    summary:
      "Makes the devices' tags the template's (merge keeps their other tags, replace removes them): one config version per gateway",
    tag: 'device-templates',
    access: 'engineer',
    params: z.object({ templateId: idSchema }),
    body: applyDeviceTemplateSchema,
    response: applyDeviceTemplateResultSchema,
    status: 200,
    errors: [404, 409, 422],
    handle: ({ deps, principal, params, body }) =>
      templates.applyDeviceTemplate(deps, principal, params.templateId, body),
  }),
];
