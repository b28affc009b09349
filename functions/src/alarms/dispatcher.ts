// Delivers escalation intents to the escalation starter (Step Functions on AWS, the in-process runner
// locally): right after the transaction that wrote them commits, so paging is as fast as before, and
// again from the periodic check for any still pending, with backoff. Starting and stopping are
// idempotent (a chain is named after its alarm event), so delivering twice is harmless; delivering
// never is what this prevents. The intents of one alarm go in order: a stop never overtakes its start.
import type { Clock } from '../platform/clock.ts';
import { withCorrelationId } from '../platform/correlation.ts';
import type { TenantStore } from '../platform/database/tenant-store.ts';
import type { Metrics } from '../platform/metrics.ts';
import { logger } from '../platform/observability.ts';
import type { AlarmLookups, AlarmRepositories, EscalationIntent, EscalationStarter } from './ports.ts';

export interface EscalationDispatcher {
  /** Delivers the tenant's due intents now (after a commit that wrote some). Never throws. */
  dispatch(tenantId: string): Promise<void>;
  /** The re-drive: every tenant with intents due (the periodic check runs it). */
  redrive(): Promise<EscalationRedriveSummary>;
}

export interface EscalationRedriveSummary {
  tenants: number;
  delivered: number;
  /** Attempts that failed (retried later, or given up on: see `gaveUp`). */
  failed: number;
  gaveUp: number;
}

export interface EscalationDispatcherOptions {
  /** How long a claimed intent is not claimed again by another instance (a delivery in flight). */
  leaseMs?: number;
  /** After this many failed attempts an intent is failed for good (recorded, counted, alarmed). */
  maxAttempts?: number;
  /** Retry n waits min(baseRetryMs × 2^(n-1), maxRetryMs). */
  baseRetryMs?: number;
  maxRetryMs?: number;
}

export interface EscalationDispatcherDeps {
  store: TenantStore<Pick<AlarmRepositories, 'escalationIntents'>> &
    Pick<AlarmLookups, 'findTenantsWithDueEscalationIntents'>;
  escalation: EscalationStarter;
  clock: Clock;
  /** Deliveries and failed attempts, by kind (and whether given up on). */
  metrics?: Metrics;
}

const CLAIM_BATCH = 50;
/** Enough rounds for a start and its stop (and a few more of the same alarm) in one dispatch. */
const MAX_ROUNDS = 8;

const describe = (error: unknown) => (error instanceof Error ? error.message : String(error));

export function createEscalationDispatcher(
  deps: EscalationDispatcherDeps,
  options: EscalationDispatcherOptions = {},
): EscalationDispatcher {
  const leaseMs = options.leaseMs ?? 30_000;
  const maxAttempts = options.maxAttempts ?? 20;
  const baseRetryMs = options.baseRetryMs ?? 1_000;
  const maxRetryMs = options.maxRetryMs ?? 300_000;

  /** In the correlation id of the work that wrote the intent, so a re-driven chain carries it too. */
  function deliver(intent: EscalationIntent): Promise<'delivered' | 'retry' | 'gave-up'> {
    return intent.correlationId
      ? withCorrelationId(intent.correlationId, () => deliverIntent(intent))
      : deliverIntent(intent);
  }

  async function deliverIntent(intent: EscalationIntent): Promise<'delivered' | 'retry' | 'gave-up'> {
    try {
      if (intent.kind === 'start') {
        if (!intent.policyId) throw new Error('a start intent without a policy');
        await deps.escalation.start({
          tenantId: intent.tenantId,
          alarmEventId: intent.alarmEventId,
          alarmId: intent.alarmId,
          policyId: intent.policyId,
        });
      } else {
        await deps.escalation.stop({
          tenantId: intent.tenantId,
          alarmId: intent.alarmId,
          reason: intent.reason ?? 'stopped',
        });
      }
    } catch (error) {
      const gaveUp = intent.attempts >= maxAttempts;
      const at = deps.clock.now();
      const wait = Math.min(baseRetryMs * 2 ** Math.max(0, intent.attempts - 1), maxRetryMs);
      const text = describe(error);
      await deps.store.inTenant(intent.tenantId, (repos) =>
        repos.escalationIntents.markUndelivered(intent.id, {
          at,
          error: text,
          retryAt: gaveUp ? null : new Date(at.getTime() + wait),
        }),
      );
      // Called on the logger (a method taken off it loses `this`, and the line, and the count below).
      logger[gaveUp ? 'error' : 'warn'](
        gaveUp
          ? `escalation ${intent.kind} failed ${intent.attempts} times; given up`
          : `escalation ${intent.kind} failed; retried in ${wait} ms`,
        { tenantId: intent.tenantId, alarmId: intent.alarmId, intentId: intent.id, error: text },
      );
      deps.metrics?.increment('escalation_intent_failures', { kind: intent.kind, final: String(gaveUp) });
      return gaveUp ? 'gave-up' : 'retry';
    }
    await deps.store.inTenant(intent.tenantId, (repos) =>
      repos.escalationIntents.markStarted(intent.id, deps.clock.now()),
    );
    deps.metrics?.increment('escalation_intents_delivered', { kind: intent.kind });
    logger.info(`escalation ${intent.kind} delivered`, {
      tenantId: intent.tenantId,
      alarmId: intent.alarmId,
      alarmEventId: intent.alarmEventId,
      intentId: intent.id,
    });
    return 'delivered';
  }

  async function dispatchTenant(tenantId: string) {
    const counts = { delivered: 0, failed: 0, gaveUp: 0 };
    for (let round = 0; round < MAX_ROUNDS; round += 1) {
      const claimed = await deps.store.inTenant(tenantId, (repos) =>
        repos.escalationIntents.claimDue({ now: deps.clock.now(), leaseMs, limit: CLAIM_BATCH }),
      );
      if (claimed.length === 0) break;
      // In order, one at a time: claimDue hands over only the first pending intent of each alarm,
      // so the next round brings the stop after its start.
      for (const intent of claimed) {
        const result = await deliver(intent);
        if (result === 'delivered') counts.delivered += 1;
        else counts.failed += 1;
        if (result === 'gave-up') counts.gaveUp += 1;
      }
      if (counts.failed > 0) break;
    }
    return counts;
  }

  return {
    async dispatch(tenantId) {
      try {
        await dispatchTenant(tenantId);
      } catch (error) {
        // The intents stay pending: the re-drive delivers them.
        logger.error('escalation dispatch failed; the re-drive will deliver', {
          tenantId,
          error: describe(error),
        });
      }
    },
    async redrive() {
      const tenants = await deps.store.findTenantsWithDueEscalationIntents();
      const summary: EscalationRedriveSummary = {
        tenants: tenants.length,
        delivered: 0,
        failed: 0,
        gaveUp: 0,
      };
      for (const tenantId of tenants) {
        try {
          const counts = await dispatchTenant(tenantId);
          summary.delivered += counts.delivered;
          summary.failed += counts.failed;
          summary.gaveUp += counts.gaveUp;
        } catch (error) {
          summary.failed += 1;
          logger.error('escalation re-drive failed for a tenant', { tenantId, error: describe(error) });
        }
      }
      return summary;
    },
  };
}

/** How long an intent may stay undelivered before the service counts as degraded (and AWS alarms). */
export const PENDING_ALARM_SECONDS = 60;

/** The intents' levels as gauges (read at a scrape locally, published by the scheduled check on AWS). */
export async function recordEscalationIntentLevels(
  store: Pick<AlarmLookups, 'escalationIntentSummary'>,
  metrics: Metrics,
  now: Date,
): Promise<{ pending: number; failed: number; oldestPendingSeconds: number }> {
  const summary = await store.escalationIntentSummary();
  const oldestPendingSeconds = summary.oldestPendingAt
    ? Math.max(0, (now.getTime() - summary.oldestPendingAt.getTime()) / 1000)
    : 0;
  metrics.gauge('escalation_intents_pending', summary.pending);
  metrics.gauge('escalation_intents_failed', summary.failed);
  metrics.gauge('escalation_intent_oldest_pending_seconds', oldestPendingSeconds);
  return { pending: summary.pending, failed: summary.failed, oldestPendingSeconds };
}

/** The health check: degraded while an intent was given up on, or one waits longer than a minute. */
export function escalationHealthCheck(store: Pick<AlarmLookups, 'escalationIntentSummary'>, clock: Clock) {
  return async () => {
    const summary = await store.escalationIntentSummary();
    const waiting = summary.oldestPendingAt
      ? Math.round((clock.now().getTime() - summary.oldestPendingAt.getTime()) / 1000)
      : 0;
    const degraded = summary.failed > 0 || waiting > PENDING_ALARM_SECONDS;
    return {
      name: 'alarm-delivery',
      status: degraded ? ('degraded' as const) : ('ok' as const),
      detail:
        `${summary.pending} escalation intent(s) pending` +
        (summary.pending > 0 ? `, the oldest for ${waiting} s` : '') +
        `, ${summary.failed} given up on`,
    };
  };
}
