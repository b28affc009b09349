// Device templates: a register map or an OPC UA node list, with units and scaling, made once and
// given to many devices (ten identical pumps configured once). Applying a template makes each
// device's tags the template's (merge keeps the device's other tags, replace removes them), one
// transaction and one config version per gateway; the devices remember the template, so after a
// change to it the same call brings them all up to date.
import {
  addressKindFor,
  type CreateDeviceTemplate,
  type DeviceTemplate,
  InvalidInputError,
  NotFoundError,
  type tagImportModes,
  type UpdateDeviceTemplate,
} from '@plantwatch/shared';
import type { Principal } from '../platform/principal.ts';
import { changeGatewayVersioned } from './config-versions.ts';
import { deviceOr404, type PlantDeps } from './plant.ts';
import type { DeviceTemplateRecord, DeviceTemplateRepositories } from './ports.ts';
import { applyTagChanges, ensureTagRoom, planTagList } from './tag-bulk.ts';

type Repos = DeviceTemplateRepositories;
type Stored = DeviceTemplateRecord & { createdAt: Date; updatedAt: Date };

async function view(
  repos: Repos,
  principal: Principal,
  tenantId: string,
  t: Stored,
): Promise<DeviceTemplate> {
  return {
    ...t,
    tenantId,
    deviceIds: await repos.deviceTemplates.devicesUsing(t.id, principal.siteIds),
    createdAt: t.createdAt.toISOString(),
    updatedAt: t.updatedAt.toISOString(),
  };
}

async function templateOr404(repos: Repos, id: string): Promise<Stored> {
  const found = await repos.deviceTemplates.get(id);
  if (!found) throw new NotFoundError('device template not found');
  return found;
}

export const listDeviceTemplates = (deps: PlantDeps, principal: Principal) =>
  deps.store.inTenant(principal.tenantId, async (repos) =>
    Promise.all(
      (await repos.deviceTemplates.list()).map((t) => view(repos, principal, principal.tenantId, t)),
    ),
  );

export const getDeviceTemplate = (deps: PlantDeps, principal: Principal, id: string) =>
  deps.store.inTenant(principal.tenantId, async (repos) =>
    view(repos, principal, principal.tenantId, await templateOr404(repos, id)),
  );

export const createDeviceTemplate = (deps: PlantDeps, principal: Principal, input: CreateDeviceTemplate) =>
  deps.store.inTenant(principal.tenantId, async (repos) => {
    const id = deps.ids.newId();
    await repos.deviceTemplates.create({ id, ...input });
    return view(repos, principal, principal.tenantId, await templateOr404(repos, id));
  });

export const updateDeviceTemplate = (
  deps: PlantDeps,
  principal: Principal,
  id: string,
  patch: UpdateDeviceTemplate,
) =>
  deps.store.inTenant(principal.tenantId, async (repos) => {
    const template = await templateOr404(repos, id);
    patch.tags?.forEach((tag, index) => {
      if (tag.address.kind !== template.protocol) {
        throw new InvalidInputError(
          `tags[${index}].address.kind: a ${template.protocol} template needs ${template.protocol} addresses`,
          { details: { field: `tags.${index}.address.kind` } },
        );
      }
    });
    await repos.deviceTemplates.update(id, patch);
    return view(repos, principal, principal.tenantId, await templateOr404(repos, id));
  });

/** Devices made from it keep their tags and stop naming it. */
export const deleteDeviceTemplate = (deps: PlantDeps, principal: Principal, id: string) =>
  deps.store.inTenant(principal.tenantId, async (repos) => {
    if (!(await repos.deviceTemplates.remove(id))) throw new NotFoundError('device template not found');
  });

export async function applyDeviceTemplate(
  deps: PlantDeps,
  principal: Principal,
  id: string,
  input: { deviceIds: string[]; mode: (typeof tagImportModes)[number] },
) {
  // Which gateway each device is on, checked (and visible to the caller) before anything changes.
  const byGateway = await deps.store.inTenant(principal.tenantId, async (repos) => {
    const template = await templateOr404(repos, id);
    const groups = new Map<string, string[]>();
    let adding = 0;
    for (const [index, deviceId] of [...new Set(input.deviceIds)].entries()) {
      const device = await deviceOr404(repos, principal, deviceId);
      if (addressKindFor(device.connection.protocol) !== template.protocol) {
        throw new InvalidInputError(
          `deviceIds[${index}]: a ${template.protocol} template does not fit the ${device.connection.protocol} device ${device.key}`,
          { details: { field: `deviceIds.${index}` } },
        );
      }
      groups.set(device.gatewayId, [...(groups.get(device.gatewayId) ?? []), deviceId]);
      const plan = planTagList(await repos.tags.list({ deviceId, scope: null }), template.tags, input.mode);
      adding += plan.keys.created.length - plan.keys.deleted.length;
    }
    return { groups, adding };
  });
  await ensureTagRoom(deps, principal, byGateway.adding);
  const devices: {
    deviceId: string;
    created: number;
    updated: number;
    deleted: number;
    configVersion: number | null;
  }[] = [];
  for (const [gatewayId, deviceIds] of byGateway.groups) {
    const { result, version } = await changeGatewayVersioned(deps, principal, async (repos) => {
      const template = await templateOr404(repos, id);
      const counts = [];
      for (const deviceId of deviceIds) {
        const device = await deviceOr404(repos, principal, deviceId);
        const existing = await repos.tags.list({ deviceId, scope: null });
        const plan = planTagList(existing, template.tags, input.mode);
        await applyTagChanges(repos, () => deps.ids.newId(), device, plan.changes);
        await repos.devices.update(deviceId, { templateId: id });
        counts.push({
          deviceId,
          key: device.key,
          created: plan.keys.created.length,
          updated: plan.keys.updated.length,
          deleted: plan.keys.deleted.length,
        });
      }
      const keys = counts.map((c) => c.key).join(', ');
      return {
        gatewayId,
        change: `template ${template.name} applied (${input.mode}) to ${keys}`,
        result: counts,
      };
    });
    for (const { key: _key, ...count } of result) devices.push({ ...count, configVersion: version });
  }
  return { devices };
}
