// Config versions: every committed change to a gateway's plant (devices, tags, poll rates, report by
// exception, buffer policy) is a numbered version, recorded in the change's own transaction with who
// changed what, the config the gateway gets and a snapshot of the plant for a rollback. The config
// push (config-push.ts) publishes it retained once the transaction has committed.
import {
  type ConfigActor,
  type GatewayConfigVersion,
  type GatewayConfigVersionDetail,
  NotFoundError,
} from '@plantwatch/shared';
import type { Clock } from '../platform/clock.ts';
import type { TenantStore } from '../platform/database/tenant-store.ts';
import type { IdGenerator } from '../platform/id-generator.ts';
import { logger } from '../platform/observability.ts';
import { canSeeSite, type Principal } from '../platform/principal.ts';
import { configMessage, pushedConfigOf } from './gateway-config.ts';
import type {
  ConfigVersionRepositories,
  DeviceTemplateRepositories,
  PlantChangeListener,
  PlantRepositories,
  StoredConfigVersion,
} from './ports.ts';

type ChangeRepositories = PlantRepositories & ConfigVersionRepositories & DeviceTemplateRepositories;

/** What a change to a gateway's plant runs on. */
export interface GatewayChangeDeps {
  store: TenantStore<ChangeRepositories>;
  ids: IdGenerator;
  clock: Clock;
  /** Told once a change has committed (ingest's plant cache, the config push); none: nobody listens. */
  plantChanges?: PlantChangeListener;
}

export function actorOf(principal: Principal): ConfigActor {
  if (principal.userId) return { type: 'user', id: principal.userId };
  return { type: 'apiKey', ...(principal.apiKeyId ? { id: principal.apiKeyId } : {}) };
}

/**
 * In the change's transaction, after the change: the gateway's next version number (its row stays
 * locked until commit), the plant as it now is, the config and its retained message, and the
 * version's row, pending publication. Throws (and so undoes the change) when the gateway would
 * refuse the config.
 */
export async function recordConfigVersion(
  repos: PlantRepositories & ConfigVersionRepositories,
  context: { ids: IdGenerator; clock: Clock },
  change: { gatewayId: string; change: string; changedBy: ConfigActor; rollbackOf?: number },
): Promise<number> {
  const version = await repos.gateways.bumpConfigVersion(change.gatewayId);
  const snapshot = await repos.plantSnapshots.read(change.gatewayId);
  const config = pushedConfigOf(snapshot);
  const at = context.clock.now();
  await repos.gatewayConfigVersions.insert({
    id: context.ids.newId(),
    gatewayId: change.gatewayId,
    version,
    config,
    snapshot,
    message: configMessage(version, at, config),
    change: change.change.slice(0, 2000),
    changedBy: change.changedBy,
    rollbackOf: change.rollbackOf ?? null,
    at,
  });
  return version;
}

export interface GatewayChange<T> {
  gatewayId: string;
  /** What changed, in words, for the version history. */
  change: string;
  result: T;
}

/**
 * A change to one gateway's devices, tags or buffer policy: `work`, then its config version, in one
 * transaction; once that committed, whoever listens is told. A listener's failure does not undo
 * anything: the version is stored and the periodic check publishes it.
 */
export async function changeGatewayVersioned<T>(
  deps: GatewayChangeDeps,
  principal: Principal,
  work: (repos: ChangeRepositories) => Promise<GatewayChange<T>>,
): Promise<{ result: T; version: number }> {
  const { gatewayId, result, version } = await deps.store.inTenant(principal.tenantId, async (repos) => {
    const changed = await work(repos);
    const made = await recordConfigVersion(repos, deps, {
      gatewayId: changed.gatewayId,
      change: changed.change,
      changedBy: actorOf(principal),
    });
    return { ...changed, version: made };
  });
  await tellListeners(deps, principal.tenantId, gatewayId);
  return { result, version };
}

export const changeGateway = async <T>(
  deps: GatewayChangeDeps,
  principal: Principal,
  work: (repos: ChangeRepositories) => Promise<GatewayChange<T>>,
): Promise<T> => (await changeGatewayVersioned(deps, principal, work)).result;

export async function tellListeners(
  deps: Pick<GatewayChangeDeps, 'plantChanges'>,
  tenantId: string,
  gatewayId: string,
): Promise<void> {
  try {
    await deps.plantChanges?.gatewayChanged({ tenantId, gatewayId });
  } catch (error) {
    logger.warn('after a plant change: a listener failed; the config push re-drive will catch up', {
      tenantId,
      gatewayId,
      error,
    });
  }
}

// --- the history and rollback use-cases ---

const HISTORY_LIMIT = 200;

function toView(v: StoredConfigVersion): GatewayConfigVersion {
  return {
    id: v.id,
    gatewayId: v.gatewayId,
    version: v.version,
    createdAt: v.createdAt.toISOString(),
    changedBy: v.changedBy,
    change: v.change,
    rollbackOf: v.rollbackOf,
    publish: {
      state: v.publishState,
      attempts: v.publishAttempts,
      lastError: v.lastError,
      publishedAt: v.publishedAt ? v.publishedAt.toISOString() : null,
    },
    messageBytes: v.messageBytes,
  };
}

async function visibleGateway(repos: PlantRepositories, principal: Principal, gatewayId: string) {
  const gateway = await repos.gateways.get(gatewayId);
  if (!gateway || !canSeeSite(principal, gateway.siteId)) throw new NotFoundError('gateway not found');
  return gateway;
}

/** The gateway's config versions, newest first (at most 200). */
export const listConfigVersions = (deps: GatewayChangeDeps, principal: Principal, gatewayId: string) =>
  deps.store.inTenant(principal.tenantId, async (repos) => {
    await visibleGateway(repos, principal, gatewayId);
    return (await repos.gatewayConfigVersions.list(gatewayId, HISTORY_LIMIT)).map(toView);
  });

export const getConfigVersion = (
  deps: GatewayChangeDeps,
  principal: Principal,
  gatewayId: string,
  version: number,
): Promise<GatewayConfigVersionDetail> =>
  deps.store.inTenant(principal.tenantId, async (repos) => {
    await visibleGateway(repos, principal, gatewayId);
    const found = await repos.gatewayConfigVersions.get(gatewayId, version);
    if (!found) throw new NotFoundError(`config version ${version} not found`);
    return { ...toView(found), config: found.config };
  });

/**
 * Puts the gateway's plant back as version `version` had it (devices and tags with their ids, the
 * buffer policy) and pushes that as a new version, so history only grows and the gateway, which
 * takes only newer versions, applies it. Devices and tags added since are deleted, with their alarm
 * rules, as a delete would.
 */
export async function rollbackConfig(
  deps: GatewayChangeDeps,
  principal: Principal,
  gatewayId: string,
  version: number,
): Promise<GatewayConfigVersion> {
  const recorded = await deps.store.inTenant(principal.tenantId, async (repos) => {
    await visibleGateway(repos, principal, gatewayId);
    const target = await repos.gatewayConfigVersions.get(gatewayId, version);
    if (!target) throw new NotFoundError(`config version ${version} not found`);
    await repos.plantSnapshots.restore(gatewayId, target.snapshot);
    const made = await recordConfigVersion(repos, deps, {
      gatewayId,
      change: `rolled back to version ${version}`,
      changedBy: actorOf(principal),
      rollbackOf: version,
    });
    return made;
  });
  await tellListeners(deps, principal.tenantId, gatewayId);
  // Read after the push had its go, so the answer says whether the broker took it.
  const { config: _config, ...view } = await getConfigVersion(deps, principal, gatewayId, recorded);
  return view;
}
