// Provisioning a gateway: a new client certificate (earlier ones of the gateway are revoked, so a
// replaced box cannot come back), the broker endpoint and the gateway's current config, handed out
// once. Only the certificate's serial and fingerprint are stored; the private key is never kept.
import { NotFoundError, type ProvisioningBundle, provisioningBundleSchema } from '@plantwatch/shared';
import type { Clock } from '../platform/clock.ts';
import type { TenantStore } from '../platform/database/tenant-store.ts';
import type { IdGenerator } from '../platform/id-generator.ts';
import { canSeeSite, type Principal } from '../platform/principal.ts';
import { configDevice } from './gateway-config.ts';
import type { GatewayCertificateIssuer, PlantRepositories } from './ports.ts';

/** The ports provisioning runs on. */
export interface ProvisioningDeps {
  store: TenantStore<PlantRepositories>;
  clock: Clock;
  ids: IdGenerator;
  gatewayCertificates: GatewayCertificateIssuer;
}

export async function createProvisioningBundle(
  deps: ProvisioningDeps,
  principal: Principal,
  gatewayId: string,
): Promise<ProvisioningBundle> {
  const plant = await deps.store.inTenant(principal.tenantId, async (repos) => {
    const gateway = await repos.gateways.get(gatewayId);
    if (!gateway || !canSeeSite(principal, gateway.siteId)) throw new NotFoundError('gateway not found');
    const devices = await repos.devices.list({ gatewayId, scope: principal.siteIds });
    const withTags = await Promise.all(
      devices.map(async (device) => ({
        device,
        tags: await repos.tags.list({ deviceId: device.id, scope: principal.siteIds }),
      })),
    );
    return { gateway, devices: withTags };
  });
  const ids = { tenantId: principal.tenantId, siteId: plant.gateway.siteId, gatewayId };
  const issued = await deps.gatewayCertificates.issue(ids);
  await deps.store.inTenant(principal.tenantId, async (repos) => {
    await repos.gatewayCertificates.revokeAll(gatewayId, deps.clock.now());
    await repos.gatewayCertificates.create({
      id: deps.ids.newId(),
      gatewayId,
      serial: issued.serial,
      fingerprintSha256: issued.fingerprintSha256,
      notAfter: issued.notAfter,
    });
  });
  return provisioningBundleSchema.parse({
    v: 1,
    endpoint: deps.gatewayCertificates.endpoint(),
    ca: issued.caPem,
    cert: issued.certificatePem,
    key: issued.privateKeyPem,
    config: {
      version: plant.gateway.configVersion,
      gateway: { id: gatewayId, tenantId: ids.tenantId, siteId: ids.siteId },
      ...(deps.gatewayCertificates.publishSettings
        ? { mqtt: deps.gatewayCertificates.publishSettings(ids) }
        : {}),
      ...(plant.gateway.bufferPolicy ? { buffer: plant.gateway.bufferPolicy } : {}),
      // A device without tags has nothing to poll yet; the gateway config requires at least one.
      devices: plant.devices
        .filter(({ tags }) => tags.length > 0)
        .map(({ device, tags }) => configDevice(device, tags)),
    },
  });
}
