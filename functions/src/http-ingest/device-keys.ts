// Device keys for HTTP push (issue 18): made for one HTTP push device by an engineer, shown once,
// stored as a SHA-256 only, revocable. A key reads `pwh_{tenantId}.{keyId}.{secret}`: the tenant
// and key ids let the API find the row inside the tenant's own row-level security, the 256-bit
// secret is what proves the device (compared by hash in constant time).
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import {
  type CreatedDeviceKey,
  DEVICE_KEY_PREFIX,
  type DeviceKey,
  InvalidInputError,
  NotFoundError,
  UnauthenticatedError,
} from '@plantwatch/shared';
import type { PlantRepositories } from '../plant/ports.ts';
import type { Clock } from '../platform/clock.ts';
import type { TenantStore } from '../platform/database/tenant-store.ts';
import type { IdGenerator } from '../platform/id-generator.ts';
import { canSeeSite, type Principal } from '../platform/principal.ts';
import type { DeviceKeyRecord, DeviceKeyRepositories } from './ports.ts';

export interface DeviceKeyDeps {
  store: TenantStore<DeviceKeyRepositories & Pick<PlantRepositories, 'devices'>>;
  clock: Clock;
  ids: IdGenerator;
}

const UUID = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';
const KEY_FORMAT = new RegExp(`^${DEVICE_KEY_PREFIX}(${UUID})\\.(${UUID})\\.[A-Za-z0-9_-]{43}$`);

const hash = (key: string) => createHash('sha256').update(key).digest('hex');

function view(record: DeviceKeyRecord): DeviceKey {
  return {
    id: record.id,
    deviceId: record.deviceId,
    name: record.name,
    prefix: record.prefix,
    createdAt: record.createdAt.toISOString(),
    lastUsedAt: record.lastUsedAt?.toISOString() ?? null,
    revokedAt: record.revokedAt?.toISOString() ?? null,
  };
}

async function deviceOr404(
  repos: Pick<PlantRepositories, 'devices'>,
  principal: Principal,
  deviceId: string,
) {
  const device = await repos.devices.get(deviceId);
  if (!device || !canSeeSite(principal, device.siteId)) throw new NotFoundError('device not found');
  return device;
}

async function pushDeviceOr404(
  repos: Pick<PlantRepositories, 'devices'>,
  principal: Principal,
  deviceId: string,
) {
  const device = await deviceOr404(repos, principal, deviceId);
  if (device.connection.protocol !== 'http-push') {
    throw new InvalidInputError(
      `device keys are for HTTP push devices; ${device.key} is ${device.connection.protocol}`,
      { details: { field: 'deviceId' } },
    );
  }
  return device;
}

export const listDeviceKeys = (deps: DeviceKeyDeps, principal: Principal, deviceId: string) =>
  deps.store.inTenant(principal.tenantId, async (repos) => {
    await deviceOr404(repos, principal, deviceId);
    return { keys: (await repos.deviceKeys.listForDevice(deviceId)).map(view) };
  });

export const createDeviceKey = (
  deps: DeviceKeyDeps,
  principal: Principal,
  deviceId: string,
  input: { name: string },
): Promise<CreatedDeviceKey> =>
  deps.store.inTenant(principal.tenantId, async (repos) => {
    await pushDeviceOr404(repos, principal, deviceId);
    const id = deps.ids.newId();
    const secret = randomBytes(32).toString('base64url');
    const key = `${DEVICE_KEY_PREFIX}${principal.tenantId}.${id}.${secret}`;
    const record = await repos.deviceKeys.insert({
      id,
      deviceId,
      name: input.name,
      keyHash: hash(key),
      prefix: `${DEVICE_KEY_PREFIX}…${secret.slice(0, 6)}`,
      createdAt: deps.clock.now(),
      createdBy: principal.userId ?? `api-key:${principal.apiKeyId ?? 'unknown'}`,
    });
    return { ...view(record), key };
  });

export const revokeDeviceKey = (deps: DeviceKeyDeps, principal: Principal, deviceId: string, keyId: string) =>
  deps.store.inTenant(principal.tenantId, async (repos) => {
    await deviceOr404(repos, principal, deviceId);
    const key = await repos.deviceKeys.get(keyId);
    if (!key || key.deviceId !== deviceId) throw new NotFoundError('device key not found');
    await repos.deviceKeys.revoke(keyId, deps.clock.now());
  });

export interface AuthenticatedDevice {
  tenantId: string;
  keyId: string;
  device: { id: string; key: string; gatewayId: string; siteId: string; enabled: boolean };
}

const TOUCH_EVERY_MS = 60_000;
const lastTouched = new Map<string, number>();

/** The device a key belongs to; UnauthenticatedError for anything else (the same words every time). */
export async function authenticateDeviceKey(
  deps: DeviceKeyDeps,
  authorization: string | undefined,
): Promise<AuthenticatedDevice> {
  const refused = () => new UnauthenticatedError('the device key is missing, unknown or revoked');
  const key = /^Bearer\s+(\S+)$/i.exec(authorization ?? '')?.[1] ?? '';
  const match = KEY_FORMAT.exec(key);
  if (!match) throw refused();
  const [, tenantId = '', keyId = ''] = match;
  const found = await deps.store.inTenant(tenantId, async (repos) => {
    const record = await repos.deviceKeys.get(keyId);
    const given = Buffer.from(hash(key), 'hex');
    const stored = Buffer.from(record?.keyHash ?? '0'.repeat(64), 'hex');
    if (!record || !timingSafeEqual(given, stored) || record.revokedAt !== null) return null;
    const device = await repos.devices.get(record.deviceId);
    if (!device) return null;
    const now = deps.clock.now().getTime();
    if (now - (lastTouched.get(keyId) ?? 0) >= TOUCH_EVERY_MS) {
      lastTouched.set(keyId, now);
      if (lastTouched.size > 10_000) lastTouched.delete(lastTouched.keys().next().value as string);
      await repos.deviceKeys.touch(keyId, new Date(now));
    }
    return {
      id: device.id,
      key: device.key,
      gatewayId: device.gatewayId,
      siteId: device.siteId,
      enabled: device.enabled,
    };
  });
  if (!found) throw refused();
  return { tenantId, keyId, device: found };
}
