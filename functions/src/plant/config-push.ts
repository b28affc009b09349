// The config push: publishes each gateway's newest config version retained on
// cmd/{tenantId}/{siteId}/{gatewayId}/config, right after the change commits (as a PlantChangeListener)
// and again from the periodic check for whatever is still pending (the broker was down, the process
// died between commit and publish). A failed publish is retried with backoff, never dropped: the
// version stays pending, visible in the version list and the gateway's health, and counted in
// /v1/health.
import { configTopic } from '@plantwatch/shared';
import type { Clock } from '../platform/clock.ts';
import type { TenantStore } from '../platform/database/tenant-store.ts';
import type { HealthCheck } from '../platform/health.ts';
import { logger } from '../platform/observability.ts';
import type {
  ConfigPublishLookups,
  ConfigVersionRepositories,
  DueConfigPublish,
  GatewayMessagePublisher,
  PlantChangeListener,
} from './ports.ts';

export interface ConfigPushDeps {
  store: TenantStore<ConfigVersionRepositories>;
  lookups: ConfigPublishLookups;
  publisher: GatewayMessagePublisher;
  clock: Clock;
}

export interface ConfigPush extends PlantChangeListener {
  /** Publishes every tenant's due versions; what the periodic check runs. */
  redrive(): Promise<{ published: number; failed: number }>;
}

/** Another instance does not take a claimed version for this long (a publish takes milliseconds). */
const LEASE_MS = 30_000;
const FIRST_RETRY_MS = 1_000;
const MAX_RETRY_MS = 5 * 60_000;

export function retryDelayMs(attempts: number): number {
  return Math.min(MAX_RETRY_MS, FIRST_RETRY_MS * 2 ** Math.max(0, attempts - 1));
}

export function createConfigPush(deps: ConfigPushDeps): ConfigPush {
  async function publishOne(tenantId: string, due: DueConfigPublish): Promise<boolean> {
    const topic = configTopic({ tenantId, siteId: due.siteId, gatewayId: due.gatewayId });
    try {
      await deps.publisher.publish({ topic, payload: due.message, retain: true });
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      const retryAt = new Date(deps.clock.now().getTime() + retryDelayMs(due.publishAttempts));
      logger.warn('config publish failed; retrying', {
        tenantId,
        gatewayId: due.gatewayId,
        configVersion: due.version,
        attempts: due.publishAttempts,
        retryAt: retryAt.toISOString(),
        error: message,
      });
      await deps.store.inTenant(tenantId, (repos) =>
        repos.gatewayConfigVersions.markUnpublished(due.id, { error: message, retryAt }),
      );
      return false;
    }
    const { republish } = await deps.store.inTenant(tenantId, (repos) =>
      repos.gatewayConfigVersions.markPublished(due.id, deps.clock.now()),
    );
    if (republish) await deliver(tenantId, due.gatewayId);
    return true;
  }

  async function deliver(
    tenantId: string,
    gatewayId?: string,
  ): Promise<{ published: number; failed: number }> {
    const claimed = await deps.store.inTenant(tenantId, (repos) =>
      repos.gatewayConfigVersions.claimDue({
        now: deps.clock.now(),
        leaseMs: LEASE_MS,
        limit: 100,
        ...(gatewayId ? { gatewayId } : {}),
      }),
    );
    let published = 0;
    for (const due of claimed) if (await publishOne(tenantId, due)) published += 1;
    return { published, failed: claimed.length - published };
  }

  return {
    async gatewayChanged({ tenantId, gatewayId }) {
      await deliver(tenantId, gatewayId);
    },
    async redrive() {
      const total = { published: 0, failed: 0 };
      for (const tenantId of await deps.lookups.findTenantsWithDueConfigPublishes()) {
        try {
          const done = await deliver(tenantId);
          total.published += done.published;
          total.failed += done.failed;
        } catch (error) {
          total.failed += 1;
          logger.error('config publish re-drive failed for a tenant; the next check retries', {
            tenantId,
            error,
          });
        }
      }
      return total;
    },
  };
}

/** Degraded while a config version has waited for the broker longer than `staleMs` (default 2 min). */
export function configPushHealthCheck(
  lookups: Pick<ConfigPublishLookups, 'configPublishSummary'>,
  clock: Clock,
  staleMs = 120_000,
): HealthCheck {
  return async () => {
    const { pending, oldestPendingAt } = await lookups.configPublishSummary();
    const waitedMs = oldestPendingAt ? clock.now().getTime() - oldestPendingAt.getTime() : 0;
    return {
      name: 'config-push',
      status: pending > 0 && waitedMs > staleMs ? 'degraded' : 'ok',
      detail:
        `${pending} config version(s) not yet taken by the broker` +
        (pending > 0 ? `, the oldest for ${Math.round(waitedMs / 1000)} s` : ''),
    };
  };
}
