import type { ChangePublisher } from '../platform/changes.ts';
import type { Clock } from '../platform/clock.ts';
import { withCorrelationId } from '../platform/correlation.ts';
import type { TenantStore } from '../platform/database/tenant-store.ts';
import type { IdGenerator } from '../platform/id-generator.ts';
import type { Metrics } from '../platform/metrics.ts';
import { logger } from '../platform/observability.ts';
import { type PeriodicJob, startPeriodic } from '../platform/periodic.ts';
import { traced } from '../platform/tracing.ts';
import {
  type EscalationDispatcher,
  type EscalationRedriveSummary,
  recordEscalationIntentLevels,
} from './dispatcher.ts';
import { tick } from './engine.ts';
import { loadStates } from './journal.ts';
import type { AlarmLookups, AlarmRepositories } from './ports.ts';
import type { AlarmStateCache } from './state-cache.ts';
import { runAlarmWork } from './unit-of-work.ts';

export interface AlarmCheckDeps {
  store: TenantStore<AlarmRepositories> & AlarmLookups;
  ids: IdGenerator;
  clock: Clock;
  /** Delivers what the check records, and re-drives every escalation intent still pending. */
  dispatcher?: EscalationDispatcher | undefined;
  /** Told which sites' alarms the check changed, for the live streams (ADR 0028). */
  changes?: ChangePublisher | undefined;
  /** Ingest's states in memory, whose bookkeeping may be newer than the stored rows (ADR 0047). */
  states?: AlarmStateCache | undefined;
  /**
   * Counts the check's raises (alarms_raised), on both runtimes; on AWS the escalation intents'
   * levels are also published here after each pass (CloudWatch alarms on them).
   */
  metrics?: Metrics;
  /**
   * The tenant canaries' scheduler (functions/src/canary/tenant-canary.ts): each pass sends the test
   * pages that fell due, retries those no channel took, and judges those past their deadline.
   */
  canaries?: { run(): Promise<unknown> } | undefined;
}

export interface AlarmCheckSummary {
  tenants: number;
  /** Rules whose state time changed. */
  rulesChanged: number;
  events: number;
  /** Tenants whose check failed (logged); the next run tries again. */
  failedTenants: number;
  /** The escalation intents still pending that this pass delivered (or failed to): with a dispatcher. */
  redrive?: EscalationRedriveSummary;
  /** What the tenant canaries' pass did, or why it failed (the next pass tries again). */
  canaries?: unknown;
}

/**
 * One pass over every tenant with time-dependent alarms. The tenants are found through the store's
 * one cross-tenant lookup (a SECURITY DEFINER function returning tenant ids only); each tenant is then
 * checked in its own row-level-security transaction, so one tenant's failure does not stop the others.
 *
 * Time is the scheduler's clock; the events are dated when they fell due (a comm-loss alarm at the last
 * data timestamp plus its allowance), not when the check noticed. A rule that would not change is not
 * locked: only those that would are locked, read again and ticked under the lock, so a second instance
 * running the same check, or ingest evaluating the same rules, never doubles a transition.
 */
export async function runAlarmCheck(deps: AlarmCheckDeps): Promise<AlarmCheckSummary> {
  const tenants = await deps.store.findTenantsWithAlarmTimers();
  const summary: AlarmCheckSummary = {
    tenants: tenants.length,
    rulesChanged: 0,
    events: 0,
    failedTenants: 0,
  };
  // The pass's raises have no message behind them: the pass is their correlation id (log lines, the
  // escalation intents and the chains they start carry it).
  const correlationId = `alarm-check:${deps.clock.now().toISOString()}`;
  for (const tenantId of tenants) {
    try {
      const { rulesChanged, events } = await withCorrelationId(correlationId, () =>
        traced('alarm evaluation', { tenantId }, () => checkTenant(deps, tenantId)),
      );
      summary.rulesChanged += rulesChanged;
      summary.events += events;
    } catch (error) {
      summary.failedTenants += 1;
      logger.error('alarm check failed for a tenant; the next run tries again', { tenantId, error });
    }
  }
  // Every pass also re-drives what is still pending: a page never waits on the next alarm to go out.
  if (deps.dispatcher) summary.redrive = await deps.dispatcher.redrive();
  if (deps.canaries) {
    try {
      summary.canaries = await deps.canaries.run();
    } catch (error) {
      // its runs stay as they are (a slot claimed, a page pending): the next pass carries on
      summary.canaries = { failed: error instanceof Error ? error.message : String(error) };
      logger.error('tenant canary pass failed; the next alarm check tries again', { error });
    }
  }
  return summary;
}

async function checkTenant(
  deps: AlarmCheckDeps,
  tenantId: string,
): Promise<{ rulesChanged: number; events: number }> {
  return runAlarmWork(deps, tenantId, {
    // Only the rules time would change are locked: a quick unlocked look first, then the unit of
    // work locks those, reads them again and ticks them under the lock.
    async select(repos, now) {
      const rules = (await repos.alarmRules.list({ scope: null })).filter((rule) => rule.enabled);
      const unlocked = await loadStates(repos, rules, { lock: false });
      return rules.filter((rule) => {
        const loaded = unlocked.get(rule.id);
        return loaded !== undefined && changes(tick(rule, loaded.state, now.getTime()), loaded.state);
      });
    },
    decide: (rules, states, now) =>
      rules.flatMap((rule) => {
        const before = states.get(rule.id);
        if (!before) return [];
        const result = tick(rule, before.state, now.getTime());
        return changes(result, before.state) ? [{ rule, result }] : [];
      }),
    result: (recorded) => ({
      rulesChanged: recorded.length,
      events: recorded.reduce((sum, entry) => sum + entry.events.length, 0),
    }),
  });
}

function changes(result: ReturnType<typeof tick>, before: unknown): boolean {
  return result.transitions.length > 0 || JSON.stringify(result.state) !== JSON.stringify(before);
}

/** The local runtime's timer: one check at a time, every `intervalMs`. */
export function startAlarmCheckTimer(
  deps: AlarmCheckDeps,
  intervalMs: number,
): PeriodicJob<AlarmCheckSummary> {
  return startPeriodic('alarm check', () => runAlarmCheck(deps), intervalMs);
}

/**
 * The scheduled Lambda's handler. A tenant that failed is logged and retried on the next run; the run
 * as a whole fails (so the schedule's metrics and alarms see it) only when the tenant lookup itself does.
 */
export function createAlarmCheckHandler(deps: AlarmCheckDeps): () => Promise<AlarmCheckSummary> {
  return async () => {
    const summary = await runAlarmCheck(deps);
    logger.info('alarm check done', { ...summary });
    if (deps.metrics) await recordEscalationIntentLevels(deps.store, deps.metrics, deps.clock.now());
    return summary;
  };
}
