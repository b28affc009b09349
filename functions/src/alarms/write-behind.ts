// Write-behind of alarm-state bookkeeping (ADR 0047). Most of what ingest's batches change in an alarm
// state is bookkeeping: the newest sample's time, the value an alarm will carry on its next transition,
// the watched device's last data time. Writing those ~200 rows per batch was most of ingest's cost at
// 20-point messages (PGlite runs on the Node thread). A decision that is bookkeeping only is kept in
// memory (state-cache.ts, `dirty`) and written later, many rules in one statement, by version as any
// write from memory; every transition, condition, delay, window or status change is still written in
// the batch's own transaction, before its messages are acknowledged.
//
// What a crash between two write-behinds costs: the stored states' bookkeeping is up to one interval
// old. Decisions do not depend on it (the rule kinds whose decisions read the previous sample — rate of
// change, rising and falling edges, counters and totalizers — write it at once), and the samples
// acknowledged meanwhile are not re-evaluated, so nothing is raised twice or missed.
import { isDeepStrictEqual } from 'node:util';
import type { AlarmRule } from '@plantwatch/shared';
import type { ChangePublisher } from '../platform/changes.ts';
import type { Clock } from '../platform/clock.ts';
import type { TenantStore } from '../platform/database/tenant-store.ts';
import type { Metrics } from '../platform/metrics.ts';
import { logger } from '../platform/observability.ts';
import { type PeriodicJob, startPeriodic } from '../platform/periodic.ts';
import type { AlarmEngineResult, AlarmRuleState } from './engine.ts';
import { changesAnything, type LoadedState } from './journal.ts';
import type { AlarmRepositories } from './ports.ts';
import type { AlarmStateCache } from './state-cache.ts';

/** What the engine decided for one rule (unit-of-work.ts's AlarmDecision). */
interface AlarmDecision {
  rule: AlarmRule;
  result: AlarmEngineResult;
}

/** A state as a unit of work decides from it: `dirty` when it is memory's, newer than the stored row. */
export type WorkingState = LoadedState & { dirty?: boolean };

/** How a decided state is kept after commit: written, to be written behind, or as it was. */
export type KeptAs = 'stored' | 'deferred' | 'unchanged';

/** Top-level state fields that only record what was seen. */
const BOOKKEEPING = new Set(['lastSampleTs', 'lastDataTs', 'previousSample']);

/** Rule kinds whose next decision reads the previous sample: it is written at once for them. */
function readsPreviousSample(rule: AlarmRule): boolean {
  return (
    rule.kind === 'rateOfChange' ||
    (rule.kind === 'digital' && (rule.trigger === 'rising' || rule.trigger === 'falling')) ||
    !['limit', 'comparison', 'digital', 'commLoss'].includes(rule.kind)
  );
}

/**
 * Whether a decision changes nothing but bookkeeping (and so may be written behind): no transition,
 * and the states equal but for the bookkeeping fields and each alarm's carried value.
 */
export function onlyBookkeeping(rule: AlarmRule, before: AlarmRuleState, result: AlarmEngineResult): boolean {
  if (result.transitions.length > 0) return false;
  const after = result.state as Record<string, unknown>;
  const was = before as Record<string, unknown>;
  for (const key of new Set([...Object.keys(was), ...Object.keys(after)])) {
    if (key === 'alarms') continue;
    if (BOOKKEEPING.has(key) && !(key === 'previousSample' && readsPreviousSample(rule))) continue;
    if (!isDeepStrictEqual(was[key], after[key])) return false;
  }
  const keys = new Set([...Object.keys(before.alarms), ...Object.keys(result.state.alarms)]);
  for (const key of keys as Set<keyof AlarmRuleState['alarms']>) {
    const a = before.alarms[key];
    const b = result.state.alarms[key];
    if (a === undefined || b === undefined) return false;
    if (!isDeepStrictEqual({ ...a, value: null }, { ...b, value: null })) return false;
  }
  return true;
}

/** The states kept in memory for these rules, as a unit of work decides from them. */
export function keptStates(cache: AlarmStateCache, rules: readonly AlarmRule[]): Map<string, WorkingState> {
  const kept = new Map<string, WorkingState>();
  for (const rule of rules) {
    const entry = cache.get(rule);
    if (entry)
      kept.set(rule.id, {
        state: entry.state,
        stored: true,
        version: entry.version,
        updatedAt: null,
        dirty: entry.dirtyFor !== undefined,
      });
  }
  return kept;
}

/**
 * States read under lock, with memory's newer bookkeeping where the stored row is still the version
 * memory was built on: the periodic check and operators then see the last data time ingest saw.
 */
export function withDirtyBookkeeping(
  cache: AlarmStateCache | undefined,
  rules: readonly AlarmRule[],
  loaded: Map<string, LoadedState>,
): Map<string, WorkingState> {
  if (!cache || cache.dirtyCount === 0) return loaded;
  for (const rule of rules) {
    const entry = cache.get(rule);
    const stored = loaded.get(rule.id);
    if (entry?.dirtyFor !== undefined && stored?.stored && stored.version === entry.version)
      loaded.set(rule.id, { ...stored, state: entry.state, dirty: true } as WorkingState);
  }
  return loaded;
}

/** Decisions made from memory, sorted: to write now, to write behind, or changing nothing. */
export function sortDecisions(
  cache: AlarmStateCache,
  decisions: readonly AlarmDecision[],
  from: ReadonlyMap<string, LoadedState>,
): { urgent: AlarmDecision[]; deferred: Set<AlarmDecision> } {
  const urgent: AlarmDecision[] = [];
  const deferred = new Set<AlarmDecision>();
  for (const decision of decisions) {
    const before = from.get(decision.rule.id) as LoadedState;
    if (!changesAnything(before, decision.result)) continue;
    if (cache.writesBehind && onlyBookkeeping(decision.rule, before.state, decision.result))
      deferred.add(decision);
    else urgent.push(decision);
  }
  return { urgent, deferred };
}

/**
 * Decides per-rule work from memory alone, with no transaction, when every rule's state is kept and
 * every decision is bookkeeping only: true if it did (the decisions are kept to be written behind);
 * false when the caller must run the unit of work (a state not kept, a transition, a real change).
 */
export function decideFromMemory(
  cache: AlarmStateCache,
  tenantId: string,
  rules: readonly AlarmRule[],
  decide: (rules: readonly AlarmRule[], states: ReadonlyMap<string, LoadedState>) => AlarmDecision[],
): boolean {
  if (!cache.writesBehind) return false;
  const states = keptStates(cache, rules);
  if (states.size !== rules.length) return false;
  const decisions = decide(rules, states);
  const sorted = sortDecisions(cache, decisions, states);
  if (sorted.urgent.length > 0) return false;
  for (const decision of sorted.deferred) cache.defer(tenantId, decision.rule, decision.result.state);
  return true;
}

export interface AlarmWriteBehindDeps {
  store: TenantStore<AlarmRepositories>;
  states: AlarmStateCache;
  clock: Clock;
  metrics?: Metrics | undefined;
  /** Told which sites' alarm states were written, for the live alarm lists. */
  changes?: ChangePublisher | undefined;
}

/**
 * Writes the dirty states, one statement per tenant. A tenant whose write fails keeps its states dirty
 * for the next round (counted: alarm_state_write_behind_failures), the others go on.
 */
export async function writeAlarmStatesBehind(
  deps: AlarmWriteBehindDeps,
): Promise<{ written: number; refused: number; failedTenants: number }> {
  let written = 0;
  let refused = 0;
  let failedTenants = 0;
  for (const [tenantId, dirty] of deps.states.dirty()) {
    try {
      const versions = await deps.store.inTenant(tenantId, (repos) =>
        repos.alarmStates.putIfCurrent(
          dirty.map(({ ruleId, state, version, ruleUpdatedAt }) => ({
            ruleId,
            state,
            version,
            ruleUpdatedAt,
          })),
          deps.clock.now(),
        ),
      );
      deps.states.settle(dirty, versions);
      written += versions.size;
      refused += dirty.length - versions.size;
      const sites = new Set(dirty.filter((entry) => versions.has(entry.ruleId)).map((entry) => entry.siteId));
      for (const siteId of sites) deps.changes?.publish({ tenantId, topic: 'alarms', siteId });
    } catch (error) {
      failedTenants++;
      deps.metrics?.increment('alarm_state_write_behind_failures');
      logger.error('alarm states not written behind; they stay in memory for the next round', {
        tenantId,
        states: dirty.length,
        error,
      });
    }
  }
  return { written, refused, failedTenants };
}

/** The local runtime's timer; `stop()` writes what is left. */
export function startAlarmWriteBehind(deps: AlarmWriteBehindDeps, intervalMs: number): PeriodicJob<unknown> {
  const job = startPeriodic('alarm state write-behind', () => writeAlarmStatesBehind(deps), intervalMs);
  return {
    async stop() {
      await job.stop();
      await writeAlarmStatesBehind(deps);
    },
    runNow: job.runNow,
  };
}
