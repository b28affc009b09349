// The periodic alarm check: what time alone changes (communication loss, on/off delays running out,
// shelving expiring). A timer runs it in the local runtime, an EventBridge schedule on AWS.
import type { AlarmRule } from '@plantwatch/shared';
import type { Clock } from '../platform/clock.ts';
import type { ConfigStore } from '../platform/database/config-store.ts';
import type { IdGenerator } from '../platform/id-generator.ts';
import { logger } from '../platform/observability.ts';
import { type PeriodicJob, startPeriodic } from '../platform/periodic.ts';
import { tick } from './engine.ts';
import type { EscalationStarter } from './escalation-starter.ts';
import { type EscalationHook, loadStates, recordResult, runEscalationHooks } from './journal.ts';

export interface AlarmCheckDeps {
  store: ConfigStore;
  ids: IdGenerator;
  clock: Clock;
  escalation?: EscalationStarter;
}

export interface AlarmCheckSummary {
  tenants: number;
  /** Rules whose state time changed. */
  rulesChanged: number;
  events: number;
  /** Tenants whose check failed (logged); the next run tries again. */
  failedTenants: number;
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
  for (const tenantId of tenants) {
    try {
      const { rulesChanged, events } = await checkTenant(deps, tenantId);
      summary.rulesChanged += rulesChanged;
      summary.events += events;
    } catch (error) {
      summary.failedTenants += 1;
      logger.error('alarm check failed for a tenant; the next run tries again', { tenantId, error });
    }
  }
  return summary;
}

async function checkTenant(
  deps: AlarmCheckDeps,
  tenantId: string,
): Promise<{ rulesChanged: number; events: number }> {
  const now = deps.clock.now();
  const outcome = await deps.store.inTenant(tenantId, async (repos) => {
    const rules = (await repos.alarmRules.list({ scope: null })).filter((rule) => rule.enabled);
    const unlocked = await loadStates(repos, rules, { lock: false });
    const due = rules.filter((rule): rule is AlarmRule => {
      const loaded = unlocked.get(rule.id);
      return loaded !== undefined && changes(tick(rule, loaded.state, now.getTime()), loaded.state);
    });
    if (due.length === 0) return { rulesChanged: 0, events: 0, hooks: [] as EscalationHook[] };
    const locked = await loadStates(repos, due, { lock: true });
    const hooks: EscalationHook[] = [];
    let rulesChanged = 0;
    let events = 0;
    for (const rule of due) {
      const before = locked.get(rule.id);
      if (!before) continue;
      const result = tick(rule, before.state, now.getTime());
      if (!changes(result, before.state)) continue;
      const recorded = await recordResult(repos, { ids: deps.ids, tenantId, now }, rule, before, result);
      rulesChanged += 1;
      events += recorded.events.length;
      hooks.push(...recorded.hooks);
    }
    return { rulesChanged, events, hooks };
  });
  await runEscalationHooks(deps.escalation, tenantId, outcome.hooks);
  return { rulesChanged: outcome.rulesChanged, events: outcome.events };
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
    return summary;
  };
}
