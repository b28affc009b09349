// Gateway health: what each gateway's retained status says (online or its Last Will, driver health
// per device, buffer fill and drops, the config version it runs or refused, its software version)
// and when its data last arrived, stored by ingest and served with the config push's side of it.
import { type GatewayHealth, type GatewayStatus, NotFoundError } from '@plantwatch/shared';
import type { ConfigVersionRepositories, PlantRepositories } from '../plant/ports.ts';
import type { TenantStore } from '../platform/database/tenant-store.ts';
import { canSeeSite, type Principal } from '../platform/principal.ts';
import type { GatewayHealthRepositories, GatewayStatusRecord, StoredGatewayHealth } from './ports.ts';

export interface GatewayHealthDeps {
  store: TenantStore<
    GatewayHealthRepositories &
      Pick<PlantRepositories, 'sites' | 'gateways' | 'devices'> &
      Pick<ConfigVersionRepositories, 'gatewayConfigVersions'>
  >;
}

/** The status message as a record to store; a redelivered older one is ignored by the store. */
export function statusRecord(status: GatewayStatus, receivedAt: number): GatewayStatusRecord {
  if (status.state === 'offline') return { online: false, receivedAt: new Date(receivedAt) };
  const refusal = status.rejected ?? status.configError;
  return {
    online: true,
    receivedAt: new Date(receivedAt),
    statusTs: new Date(status.ts),
    gatewayVersion: status.version ?? null,
    appliedVersion: status.appliedVersion ?? status.configVersion ?? null,
    rejected: refusal ? { version: refusal.version ?? null, reason: refusal.reason, ts: refusal.ts } : null,
    buffer: status.buffer ?? null,
    devices: status.devices ?? null,
  };
}

/**
 * When the buffer last dropped points, on the broker's clock: the gateway's `lastDroppedTs` is on
 * its own clock, so it is taken relative to the status's own `ts`. Undefined when it never dropped.
 */
export function droppedAt(status: GatewayStatus, receivedAt: number): number | undefined {
  if (status.state !== 'online' || status.buffer?.lastDroppedTs === undefined) return undefined;
  return Math.min(receivedAt, receivedAt - (status.ts - status.buffer.lastDroppedTs));
}

const iso = (d: Date | null) => (d ? d.toISOString() : null);

function view(
  gateway: { id: string; configVersion: number },
  health: StoredGatewayHealth | null,
  latest: { publishState: string; lastError: string | null } | null,
  deviceIds: ReadonlyMap<string, string>,
): GatewayHealth {
  const applied = health?.appliedVersion ?? null;
  const rejected = health?.rejected ?? null;
  const latestVersion = gateway.configVersion;
  const state =
    applied === latestVersion
      ? 'applied'
      : rejected && (rejected.version === null || rejected.version >= latestVersion)
        ? 'rejected'
        : health?.online === null || health === null
          ? 'unknown'
          : 'pending';
  const buffer = health?.buffer ?? null;
  const statusTs = health?.statusTs?.getTime();
  const receivedAt = health?.lastStatusAt?.getTime();
  const lastDroppedAt =
    buffer?.lastDroppedTs !== undefined && statusTs !== undefined && receivedAt !== undefined
      ? new Date(receivedAt - (statusTs - buffer.lastDroppedTs))
      : null;
  return {
    gatewayId: gateway.id,
    state: health?.online === true ? 'online' : health?.online === false ? 'offline' : 'unknown',
    since: iso(health?.since ?? null),
    lastStatusAt: iso(health?.lastStatusAt ?? null),
    lastDataAt: iso(health?.lastDataAt ?? null),
    gatewayVersion: health?.gatewayVersion ?? null,
    config: {
      latestVersion,
      appliedVersion: applied,
      state,
      rejected: rejected
        ? { version: rejected.version, reason: rejected.reason, at: new Date(rejected.ts).toISOString() }
        : null,
      // No version recorded yet: the gateway got its config from its provisioning bundle.
      published: latest === null || latest.publishState === 'published',
      publishError: latest?.publishState === 'published' ? null : (latest?.lastError ?? null),
    },
    buffer: buffer
      ? {
          bytes: buffer.bytes,
          maxBytes: buffer.maxBytes ?? null,
          fill: buffer.maxBytes ? Math.min(1, buffer.bytes / buffer.maxBytes) : null,
          points: buffer.points,
          droppedPoints: buffer.droppedPoints,
          lastDroppedAt: iso(lastDroppedAt),
          whenFull: buffer.whenFull,
        }
      : null,
    devices: (health?.devices ?? []).map((d) => ({
      key: d.d,
      deviceId: deviceIds.get(d.d) ?? null,
      connected: d.connected,
      lastSuccessAt: d.lastSuccessTs === null ? null : new Date(d.lastSuccessTs).toISOString(),
      errorCount: d.errorCount,
      backoffMs: d.backoffMs,
      lastError: d.lastError ?? null,
      ...(d.malformed
        ? {
            malformed: {
              count: d.malformed.count,
              lastError: d.malformed.lastError,
              lastAt: new Date(d.malformed.lastTs).toISOString(),
            },
          }
        : {}),
    })),
  };
}

async function healthOf(
  repos: Parameters<Parameters<GatewayHealthDeps['store']['inTenant']>[1]>[0],
  gateways: readonly { id: string; configVersion: number }[],
): Promise<GatewayHealth[]> {
  const stored = new Map(
    (await repos.gatewayHealth.list(gateways.map((g) => g.id))).map((h) => [h.gatewayId, h]),
  );
  return Promise.all(
    gateways.map(async (gateway) => {
      const devices = await repos.devices.list({ gatewayId: gateway.id, scope: null });
      const latest = await repos.gatewayConfigVersions.latest(gateway.id);
      return view(
        gateway,
        stored.get(gateway.id) ?? null,
        latest,
        new Map(devices.map((d) => [d.key, d.id])),
      );
    }),
  );
}

export const getGatewayHealth = (deps: GatewayHealthDeps, principal: Principal, gatewayId: string) =>
  deps.store.inTenant(principal.tenantId, async (repos) => {
    const gateway = await repos.gateways.get(gatewayId);
    if (!gateway || !canSeeSite(principal, gateway.siteId)) throw new NotFoundError('gateway not found');
    const [health] = await healthOf(repos, [gateway]);
    if (!health) throw new NotFoundError('gateway not found');
    return health;
  });

export const listGatewayHealth = (
  deps: GatewayHealthDeps,
  principal: Principal,
  filter: { siteId?: string },
) =>
  deps.store.inTenant(principal.tenantId, async (repos) => {
    if (filter.siteId) {
      const site = await repos.sites.get(filter.siteId);
      if (!site || !canSeeSite(principal, site.id)) throw new NotFoundError('site not found');
    }
    const gateways = await repos.gateways.list({ siteId: filter.siteId, scope: principal.siteIds });
    return healthOf(repos, gateways);
  });

/** What ingest calls: the gateway's status, and (at most every few seconds) that its data arrived. */
export function gatewayHealthRecorder(deps: { store: TenantStore<GatewayHealthRepositories> }) {
  return {
    status: (ids: { tenantId: string; gatewayId: string }, status: GatewayStatus, receivedAt: number) =>
      deps.store.inTenant(ids.tenantId, (repos) =>
        repos.gatewayHealth.recordStatus(ids.gatewayId, statusRecord(status, receivedAt)),
      ),
    sawData: (ids: { tenantId: string; gatewayId: string }, at: number) =>
      deps.store.inTenant(ids.tenantId, (repos) => repos.gatewayHealth.sawData(ids.gatewayId, new Date(at))),
  };
}
