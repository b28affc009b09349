// The plant model: sites → gateways → devices → tags. Every lookup is tenant-scoped by the store
// and site-scoped here, and an object outside either scope is simply "not found".
import {
  addressKindFor,
  type CreateDevice,
  type CreateGateway,
  type CreateSite,
  type CreateTag,
  type Device,
  type DeviceProtocol,
  ForbiddenError,
  type Gateway,
  InvalidInputError,
  NotFoundError,
  type Site,
  type Tag,
  type TagAddress,
  type UpdateDevice,
  type UpdateGateway,
  type UpdateSite,
  type UpdateTag,
} from '@plantwatch/shared';
import { canSeeSite, type Principal } from '../platform/principal.ts';
import type { PlanQuota } from '../usage/ports.ts';
import { changeGateway, type GatewayChangeDeps } from './config-versions.ts';
import type { GatewayCertificateIssuer, PlantRepositories } from './ports.ts';

/** The ports the plant model's use-cases run on. */
export interface PlantDeps extends GatewayChangeDeps {
  gatewayCertificates: GatewayCertificateIssuer;
  /** The tenant's plan limits on tags and gateways; none: no limits (tests of other parts). */
  planQuota?: PlanQuota;
}

type Scoped<T> = (repos: PlantRepositories) => Promise<T>;
const inTenant = <T>(deps: PlantDeps, principal: Principal, work: Scoped<T>) =>
  deps.store.inTenant(principal.tenantId, work);

function visible<T extends { siteId: string }>(principal: Principal, found: T | null, what: string): T {
  if (!found || !canSeeSite(principal, found.siteId)) throw new NotFoundError(`${what} not found`);
  return found;
}

async function siteOr404(repos: PlantRepositories, principal: Principal, siteId: string): Promise<Site> {
  const site = await repos.sites.get(siteId);
  if (!site || !canSeeSite(principal, site.id)) throw new NotFoundError('site not found');
  return site;
}
export async function gatewayOr404(
  repos: PlantRepositories,
  principal: Principal,
  gatewayId: string,
): Promise<Gateway> {
  return visible(principal, await repos.gateways.get(gatewayId), 'gateway');
}
export async function deviceOr404(repos: PlantRepositories, principal: Principal, deviceId: string) {
  return visible(principal, await repos.devices.get(deviceId), 'device');
}
async function tagOr404(repos: PlantRepositories, principal: Principal, tagId: string) {
  return visible(principal, await repos.tags.get(tagId), 'tag');
}

export function checkAddressFits(protocol: DeviceProtocol, address: TagAddress, where: string): void {
  const kind = addressKindFor(protocol);
  if (address.kind !== kind) {
    throw new InvalidInputError(
      `${where}: a ${protocol} device needs a ${kind} address, not ${address.kind}`,
      {
        details: { field: 'address.kind', expected: kind },
      },
    );
  }
}

const strip = <T extends { siteId: string }>({ siteId: _siteId, ...rest }: T) => rest;
const stripTag = <T extends { siteId: string; gatewayId: string }>({
  siteId: _s,
  gatewayId: _g,
  ...rest
}: T) => rest;

// --- sites ---

export const listSites = (deps: PlantDeps, principal: Principal) =>
  inTenant(deps, principal, (repos) => repos.sites.list(principal.siteIds));

export const getSite = (deps: PlantDeps, principal: Principal, siteId: string) =>
  inTenant(deps, principal, (repos) => siteOr404(repos, principal, siteId));

export function createSite(deps: PlantDeps, principal: Principal, input: CreateSite): Promise<Site> {
  if (principal.siteIds !== null)
    throw new ForbiddenError('your account is limited to some sites and cannot add new ones');
  return inTenant(deps, principal, (repos) => repos.sites.create({ id: deps.ids.newId(), ...input }));
}

export const updateSite = (deps: PlantDeps, principal: Principal, siteId: string, patch: UpdateSite) =>
  inTenant(deps, principal, async (repos) => {
    await siteOr404(repos, principal, siteId);
    const updated = await repos.sites.update(siteId, patch);
    if (!updated) throw new NotFoundError('site not found');
    return updated;
  });

export const deleteSite = (deps: PlantDeps, principal: Principal, siteId: string) =>
  inTenant(deps, principal, async (repos) => {
    await siteOr404(repos, principal, siteId);
    await repos.sites.remove(siteId);
  });

// --- gateways ---

export const listGateways = (deps: PlantDeps, principal: Principal, filter: { siteId?: string }) =>
  inTenant(deps, principal, async (repos) => {
    if (filter.siteId) await siteOr404(repos, principal, filter.siteId);
    return repos.gateways.list({ siteId: filter.siteId, scope: principal.siteIds });
  });

export const getGateway = (deps: PlantDeps, principal: Principal, gatewayId: string) =>
  inTenant(deps, principal, (repos) => gatewayOr404(repos, principal, gatewayId));

export const createGateway = async (deps: PlantDeps, principal: Principal, input: CreateGateway) => {
  await deps.planQuota?.ensureRoom(principal.tenantId, 'gateways');
  return inTenant(deps, principal, async (repos) => {
    await siteOr404(repos, principal, input.siteId);
    return repos.gateways.create({ id: deps.ids.newId(), ...input });
  });
};

export async function updateGateway(
  deps: PlantDeps,
  principal: Principal,
  gatewayId: string,
  patch: UpdateGateway,
): Promise<Gateway> {
  const apply = async (repos: PlantRepositories) => {
    await gatewayOr404(repos, principal, gatewayId);
    const updated = await repos.gateways.update(gatewayId, patch);
    if (!updated) throw new NotFoundError('gateway not found');
    return updated;
  };
  // Name and description are the cloud's own; the buffer policy is the gateway's, so a new version.
  if (patch.bufferPolicy === undefined) return inTenant(deps, principal, apply);
  const change = patch.bufferPolicy
    ? `buffer policy set to ${patch.bufferPolicy.maxBytes} bytes, ${patch.bufferPolicy.whenFull} when full`
    : 'buffer policy handed back to the gateway';
  await changeGateway(deps, principal, async (repos) => ({ gatewayId, change, result: await apply(repos) }));
  // The version bump changed the gateway's row after `apply` read it.
  return getGateway(deps, principal, gatewayId);
}

export async function deleteGateway(deps: PlantDeps, principal: Principal, gatewayId: string): Promise<void> {
  await inTenant(deps, principal, async (repos) => {
    await gatewayOr404(repos, principal, gatewayId);
    await repos.gateways.remove(gatewayId);
  });
  // After the commit: a refused delete (409) must not have cut off a gateway that still exists.
  // Should this fail, the gateway is already unknown to ingest, so its data is dead-lettered.
  await deps.gatewayCertificates.retire(gatewayId);
}

// --- devices ---

export const listDevices = (deps: PlantDeps, principal: Principal, filter: { gatewayId?: string }) =>
  inTenant(deps, principal, async (repos) => {
    if (filter.gatewayId) await gatewayOr404(repos, principal, filter.gatewayId);
    return repos.devices.list({ gatewayId: filter.gatewayId, scope: principal.siteIds });
  });

export const getDevice = (deps: PlantDeps, principal: Principal, deviceId: string): Promise<Device> =>
  inTenant(deps, principal, async (repos) => strip(await deviceOr404(repos, principal, deviceId)));

/** "name, connection": the fields a patch sets, for the version history. */
const fieldsOf = (patch: object) =>
  Object.entries(patch)
    .filter(([, value]) => value !== undefined)
    .map(([field]) => field)
    .join(', ');

export const createDevice = async (deps: PlantDeps, principal: Principal, input: CreateDevice) => {
  if (input.templateId && deps.planQuota) {
    // A device made from a template brings its tags: the plan must have room for them all.
    const templateId = input.templateId;
    const template = await deps.store.inTenant(principal.tenantId, (repos) =>
      repos.deviceTemplates.get(templateId),
    );
    if (template) await deps.planQuota.ensureRoom(principal.tenantId, 'tags', template.tags.length);
  }
  return changeGateway(deps, principal, async (repos) => {
    await gatewayOr404(repos, principal, input.gatewayId);
    const { templateId, ...fields } = input;
    const template = templateId ? await repos.deviceTemplates.get(templateId) : null;
    if (templateId && !template) {
      throw new InvalidInputError('templateId: no such device template', {
        details: { field: 'templateId' },
      });
    }
    if (template && template.protocol !== addressKindFor(input.connection.protocol)) {
      throw new InvalidInputError(
        `templateId: a ${template.protocol} template does not fit a ${input.connection.protocol} device`,
        { details: { field: 'templateId' } },
      );
    }
    const device = await repos.devices.create({
      id: deps.ids.newId(),
      ...fields,
      templateId: templateId ?? null,
    });
    for (const tag of template?.tags ?? []) {
      await repos.tags.create({ id: deps.ids.newId(), deviceId: device.id, ...tag });
    }
    const change = template
      ? `device ${device.key} added from template ${template.name} (${template.tags.length} tags)`
      : `device ${device.key} added`;
    return { gatewayId: input.gatewayId, change, result: device };
  });
};

export const updateDevice = (deps: PlantDeps, principal: Principal, deviceId: string, patch: UpdateDevice) =>
  changeGateway(deps, principal, async (repos) => {
    const device = await deviceOr404(repos, principal, deviceId);
    if (
      patch.connection &&
      addressKindFor(patch.connection.protocol) !== addressKindFor(device.connection.protocol)
    ) {
      const tags = await repos.tags.list({ deviceId, scope: null });
      for (const tag of tags) checkAddressFits(patch.connection.protocol, tag.address, `tag ${tag.key}`);
    }
    const updated = await repos.devices.update(deviceId, patch);
    if (!updated) throw new NotFoundError('device not found');
    return {
      gatewayId: device.gatewayId,
      change: `device ${device.key} changed: ${fieldsOf(patch)}`,
      result: updated,
    };
  });

export const deleteDevice = (deps: PlantDeps, principal: Principal, deviceId: string) =>
  changeGateway(deps, principal, async (repos) => {
    const device = await deviceOr404(repos, principal, deviceId);
    await repos.devices.remove(deviceId);
    return { gatewayId: device.gatewayId, change: `device ${device.key} deleted`, result: undefined };
  });

// --- tags ---

export const listTags = (deps: PlantDeps, principal: Principal, filter: { deviceId?: string }) =>
  inTenant(deps, principal, async (repos) => {
    if (filter.deviceId) await deviceOr404(repos, principal, filter.deviceId);
    return repos.tags.list({ deviceId: filter.deviceId, scope: principal.siteIds });
  });

export const getTag = (deps: PlantDeps, principal: Principal, tagId: string): Promise<Tag> =>
  inTenant(deps, principal, async (repos) => stripTag(await tagOr404(repos, principal, tagId)));

export const createTag = async (deps: PlantDeps, principal: Principal, input: CreateTag) => {
  await deps.planQuota?.ensureRoom(principal.tenantId, 'tags');
  return changeGateway(deps, principal, async (repos) => {
    const device = await deviceOr404(repos, principal, input.deviceId);
    checkAddressFits(device.connection.protocol, input.address, 'address');
    const tag = await repos.tags.create({ id: deps.ids.newId(), ...input });
    return {
      gatewayId: device.gatewayId,
      change: `tag ${tag.key} added to device ${device.key}`,
      result: tag,
    };
  });
};

export const updateTag = (deps: PlantDeps, principal: Principal, tagId: string, patch: UpdateTag) =>
  changeGateway(deps, principal, async (repos) => {
    const tag = await tagOr404(repos, principal, tagId);
    if (patch.address) {
      const device = await deviceOr404(repos, principal, tag.deviceId);
      checkAddressFits(device.connection.protocol, patch.address, 'address');
    }
    const updated = await repos.tags.update(tagId, patch);
    if (!updated) throw new NotFoundError('tag not found');
    return {
      gatewayId: tag.gatewayId,
      change: `tag ${tag.key} changed: ${fieldsOf(patch)}`,
      result: updated,
    };
  });

export const deleteTag = (deps: PlantDeps, principal: Principal, tagId: string) =>
  changeGateway(deps, principal, async (repos) => {
    const tag = await tagOr404(repos, principal, tagId);
    await repos.tags.remove(tagId);
    return { gatewayId: tag.gatewayId, change: `tag ${tag.key} deleted`, result: undefined };
  });
